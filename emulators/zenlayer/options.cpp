#include "options.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace zenemu {
namespace {

namespace po = boost::program_options;
using nlohmann::json;

constexpr const char* kUsage = R"(Usage: zenlayer-emulator [--listen 127.0.0.1:0] [flags]

A local stand-in for the Zenlayer Cloud SDN port API (POST /api/v2/sdn, X-ZC-Version 2023-08-30, ZC2-HMAC-SHA256
signatures). Prints exactly one line "listening on http://HOST:PORT" on stdout once it accepts connections; exits
cleanly on SIGTERM / SIGINT.
)";

constexpr const char* kDetails = R"(
Actions: DescribePorts, CreatePort, ModifyPortAttribute, TerminatePort, DestroyPort, RenewPort.
Port life: CREATING -> RUNNING; TerminatePort: RUNNING -> RECYCLED after --terminate-delay-ms and
--terminate-lag-polls DescribePorts polls still reading RUNNING; DestroyPort: RECYCLED -> DESTROYING -> DESTROYED,
listed for --destroyed-visible-ms, then absent; RenewPort: RECYCLED -> RECOVERING -> RUNNING.

Error codes (HTTP status): AUTHFAILURE_INVALID_AUTHORIZATION, AUTHFAILURE_SIGNATURE_FAILURE,
AUTHFAILURE_SIGNATURE_EXPIRED (401); MISSING_PARAMETER, INVALID_PARAMETER_VALUE, INVALID_PARAMETER_BODY,
INVALID_PARAMETER_PORT_ID, INVALID_PARAMETER_DC_ID, INVALID_PARAMETER_PORT_TYPE, INVALID_PARAMETER_VERSION,
INVALID_ACTION (400); SELF_SERVICE_PORT_NOT_FOUND (--not-found-status, default 400);
OPERATION_FAILED_FOR_RECYCLE_RESOURCE (403; OPERATION_DENIED_INSTANCE_RECYCLED with
--recycled-code-instance-recycled) for TerminatePort on a terminated port; OPERATION_DENIED_PORT_PREPAID,
OPERATION_DENIED_PORT_CREATING, OPERATION_DENIED_PORT_STATUS (403, TerminatePort on a PREPAID / CREATING / other
non-RUNNING port); OPERATION_DENIED_PORT_NOT_RECYCLED (403, DestroyPort or RenewPort on a port that is not
RECYCLED; for DestroyPort also counted as a protocol violation); OPERATION_DENIED_LOA_UPLOADED (403);
INVALID_REQUEST_PATH (404); INVALID_HTTP_METHOD (405); REQUEST_LIMIT_EXCEEDED (429); INTERNAL_SERVER_ERROR (500);
SERVICE_TEMPORARY_UNAVAILABLE (503).

Admin API (same port, JSON, no auth):
  POST /admin/ports     seed ports: a PortInfo-like object, an array of them, or {"count":N, ...template}.
                        portId (generated when absent), portStatus (RUNNING), portChargeType (POSTPAID; "" omits
                        it), chargeTypeReported (true; false hides the charge type but keeps its behaviour), dcId,
                        portName, expiredTime and any other field (passed through). -> {"portIds":[...]}
  GET  /admin/ports     every port, including destroyed and no longer listed ones, with "internal" state
  GET  /admin/calls     ?since=SEQ&limit=N: {"calls":[{seq,time,action,portIds|portId,httpStatus,code,requestId,
                        committed,fault}],"lastSeq","evicted"}; the log keeps the last --call-log-size calls
  GET  /admin/stats     {"calls":{total,byAction,byCode,byFault},"violations":{count,details},
                        "duplicateTerminates","ports":{listed:{STATUS:n},unlisted,total}}
  GET|PUT /admin/faults {"throttleRate","qpsCeiling","unavailableRate","internalErrorRate","latencyMs",
                        "latencyJitterMs","commitThenFailRate","commitThenFailMode","garbleRate",
                        "expireNextSignatures"}; PUT merges the fields given
  GET|PUT /admin/delays {"createMs","terminateMs","terminateLagPolls","destroyMs","destroyedVisibleMs","renewMs"}
  GET|PUT /admin/config {"dcIds":[..],"notFoundHttpStatus","recycledTerminateCode"}
  GET|POST|DELETE /admin/script
                        queue scripted replies (an object or an array): {"action" (optional: any action),
                        "httpStatus" (500),"code","body" (raw),"headers":{..},"drop","commit"}; each answers the
                        next matching call once. Without "code", an error status gets its usual code (401
                        AUTHFAILURE_UNAUTHORIZED_OPERATION, 429 REQUEST_LIMIT_EXCEEDED, 503
                        SERVICE_TEMPORARY_UNAVAILABLE, 504 REQUEST_TIMED_OUT, other 5xx INTERNAL_SERVER_ERROR, other
                        4xx OPERATION_DENIED); a 2xx without "code" is the real reply when "commit" is set, else
                        an empty success
  POST /admin/reset     forget ports, calls, counters and script; faults, delays and config back to the flags
)";

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string env_or_empty(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

}  // namespace

std::optional<Options> parse_options(int argc, const char* const* argv,
                                     const std::map<std::string, std::string>& env) {
  Options out;
  std::string listen = "127.0.0.1:0";
  std::string dc_ids;
  std::string commit_mode = "either";
  std::uint64_t seed = 1;
  // Flags are turned into the same JSON patches the admin API accepts, so both are validated by one code
  // path.
  std::int64_t create = 2000, terminate = 3000, lag = 2, destroy = 3000, visible = 30000, renew = 2000;
  double throttle = 0, qps = 0, unavailable = 0, internal = 0, commit_rate = 0, garble = 0;
  std::int64_t latency = 0, jitter = 0, expire = 0;
  int not_found_status = 400;
  std::size_t call_log_size = 10000;

  po::options_description desc("Flags", 116, 58);
  auto add = desc.add_options();
  add("help", "print this help, the error codes and the admin API");
  add("listen", po::value(&listen)->default_value(listen), "HOST:PORT to listen on; port 0 picks a free one");
  add("access-key-id", po::value<std::string>(),
      "the accepted AccessKeyId (default: $ZENLAYERCLOUD_ACCESS_KEY_ID)");
  add("access-key-password", po::value<std::string>(),
      "the accepted AccessKeyPassword (default: $ZENLAYERCLOUD_ACCESS_KEY_PASSWORD)");
  add("seed", po::value(&seed)->default_value(seed), "seed of the fault and request-id generators");
  add("threads", po::value(&out.threads)->default_value(out.threads), "threads serving connections");
  add("log-calls", po::bool_switch(&out.log_calls), "print one line per SDN call on stderr");
  add("tls-cert", po::value(&out.tls_cert_file),
      "serve HTTPS with this PEM certificate chain (with --tls-key)");
  add("tls-key", po::value(&out.tls_key_file), "the PEM private key of --tls-cert");
  add("call-log-size", po::value(&call_log_size)->default_value(call_log_size),
      "calls kept for GET /admin/calls (counters cover every call)");
  add("create-delay-ms", po::value(&create)->default_value(create), "CREATING -> RUNNING");
  add("terminate-delay-ms", po::value(&terminate)->default_value(terminate), "TerminatePort -> RECYCLED");
  add("terminate-lag-polls", po::value(&lag)->default_value(lag),
      "DescribePorts polls that still read RUNNING after TerminatePort");
  add("destroy-delay-ms", po::value(&destroy)->default_value(destroy), "DESTROYING -> DESTROYED");
  add("destroyed-visible-ms", po::value(&visible)->default_value(visible),
      "DESTROYED ports stay listed this long");
  add("renew-delay-ms", po::value(&renew)->default_value(renew), "RECOVERING -> RUNNING after RenewPort");
  add("dc-ids", po::value(&dc_ids),
      "comma-separated dcIds CreatePort accepts (default SIN1,HKG1,TYO1,LAX1,FRA1)");
  add("not-found-status", po::value(&not_found_status)->default_value(not_found_status),
      "HTTP status of SELF_SERVICE_PORT_NOT_FOUND");
  add("recycled-code-instance-recycled",
      "answer OPERATION_DENIED_INSTANCE_RECYCLED instead of OPERATION_FAILED_FOR_RECYCLE_RESOURCE to a "
      "TerminatePort on a terminated port");
  add("throttle-rate", po::value(&throttle)->default_value(throttle), "share of calls answered 429");
  add("qps-ceiling", po::value(&qps)->default_value(qps),
      "calls per second above which calls get 429 (0: none)");
  add("unavailable-rate", po::value(&unavailable)->default_value(unavailable), "share of calls answered 503");
  add("internal-error-rate", po::value(&internal)->default_value(internal),
      "share of calls answered 500 without effect");
  add("latency-ms", po::value(&latency)->default_value(latency), "added to every reply");
  add("latency-jitter-ms", po::value(&jitter)->default_value(jitter), "plus a uniform 0..N ms");
  add("commit-then-fail-rate", po::value(&commit_rate)->default_value(commit_rate),
      "share of mutations applied and then answered 500 or dropped");
  add("commit-then-fail-mode", po::value(&commit_mode)->default_value(commit_mode), "error, drop or either");
  add("garble-rate", po::value(&garble)->default_value(garble),
      "share of calls applied and answered a cut body");
  add("expire-next-signatures", po::value(&expire)->default_value(expire),
      "the next N valid calls answer AUTHFAILURE_SIGNATURE_EXPIRED");

  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  if (vm.count("help")) {
    std::cout << kUsage << '\n' << desc << kDetails;
    return std::nullopt;
  }

  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT");
  out.host = listen.substr(0, colon);
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    out.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    throw std::invalid_argument("--listen must be HOST:PORT with a port between 0 and 65535");
  }
  if (out.threads < 1) throw std::invalid_argument("--threads must be at least 1");
  if (out.tls_cert_file.empty() != out.tls_key_file.empty())
    throw std::invalid_argument("--tls-cert and --tls-key go together");

  auto& config = out.config;
  config.credentials.access_key_id = vm.count("access-key-id")
                                         ? vm["access-key-id"].as<std::string>()
                                         : env_or_empty(env, "ZENLAYERCLOUD_ACCESS_KEY_ID");
  config.credentials.access_key_password = vm.count("access-key-password")
                                               ? vm["access-key-password"].as<std::string>()
                                               : env_or_empty(env, "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD");
  if (config.credentials.access_key_id.empty() || config.credentials.access_key_password.empty()) {
    throw std::invalid_argument(
        "no access key: give --access-key-id and --access-key-password, or set ZENLAYERCLOUD_ACCESS_KEY_ID "
        "and "
        "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD");
  }
  config.seed = seed;
  config.call_log_capacity = call_log_size;

  try {
    merge_json(config.delays, {{"createMs", create},
                               {"terminateMs", terminate},
                               {"terminateLagPolls", lag},
                               {"destroyMs", destroy},
                               {"destroyedVisibleMs", visible},
                               {"renewMs", renew}});
    json rules = {{"notFoundHttpStatus", not_found_status}};
    if (!dc_ids.empty()) rules["dcIds"] = split_commas(dc_ids);
    if (vm.count("recycled-code-instance-recycled")) {
      rules["recycledTerminateCode"] = "OPERATION_DENIED_INSTANCE_RECYCLED";
    }
    merge_json(config.rules, rules);
    merge_json(config.faults, {{"throttleRate", throttle},
                               {"qpsCeiling", qps},
                               {"unavailableRate", unavailable},
                               {"internalErrorRate", internal},
                               {"latencyMs", latency},
                               {"latencyJitterMs", jitter},
                               {"commitThenFailRate", commit_rate},
                               {"commitThenFailMode", commit_mode},
                               {"garbleRate", garble},
                               {"expireNextSignatures", expire}});
  } catch (const std::invalid_argument& e) {
    // The message names the admin API's field (throttleRate for --throttle-rate): both share one validation.
    throw std::invalid_argument(std::string("bad flag value: ") + e.what());
  }
  return out;
}

}  // namespace zenemu
