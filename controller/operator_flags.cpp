#include "operator_flags.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "kube/label_selector.hpp"
#include "runtime/duration.hpp"
#include "runtime/log.hpp"
#include "zenlayer/endpoint.hpp"

namespace zpo {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: zenlayer-port-operator [flags]\n"
    "\n"
    "Holds the finalizer sdn.zenlayer.com/finalizer on every ZenlayerPort (sdn.zenlayer.com/v1alpha1) and, "
    "when\n"
    "one is deleted, walks its Zenlayer SDN port through TerminatePort -> recycle bin -> DestroyPort -> "
    "DESTROYED\n"
    "(per spec.deletionPolicy: Delete, RecycleBin or Orphan) before letting Kubernetes remove the resource.\n"
    "\n"
    "Zenlayer credentials: ZENLAYERCLOUD_ACCESS_KEY_ID / ZENLAYERCLOUD_ACCESS_KEY_PASSWORD, or the files\n"
    "accessKeyId / accessKeyPassword in --zenlayer-credentials-dir (a mounted Secret). A ZenlayerPort may "
    "name its\n"
    "own Secret in spec.credentialsSecretRef. Durations are written as in Go: 500ms, 15s, 10m, 1h30m.\n"
    "SIGTERM/SIGINT: stop taking work, finish in-flight reconciles, release the lease, exit 0 (a second "
    "signal\n"
    "exits at once). Exit 1 when the leader lease is lost, 2 on bad flags or configuration.\n"
    "\n"
    "Flags";

// A duration flag is read as text (its default written once, below) and converted after parsing, so the error
// names the flag.
struct DurationFlag {
  const char* name;
  std::chrono::milliseconds* target;
  std::string text;
};

}  // namespace

std::variant<OperatorFlags, FlagsHelp, FlagsError> parse_operator_flags(
    const std::vector<std::string>& args) {
  OperatorFlags flags;
  std::vector<DurationFlag> durations = {
      {"zenlayer-timeout", &flags.zenlayer_timeout, "30s"},
      {"leader-elect-lease-duration", &flags.lease_duration, "15s"},
      {"leader-elect-renew-deadline", &flags.renew_deadline, "10s"},
      {"leader-elect-retry-period", &flags.retry_period, "2s"},
      {"resync-period", &flags.resync_period, "10m"},
      {"poll-interval", &flags.poll_interval, "5s"},
      {"max-poll-interval", &flags.max_poll_interval, "1m"},
      {"stuck-timeout", &flags.stuck_timeout, "30m"},
      {"error-retry-interval", &flags.error_retry_interval, "5m"},
      {"terminate-grace", &flags.terminate_grace, "10m"},
  };
  std::string kubeconfig, credentials_dir, log_format = "json", log_level = "info";

  po::options_description desc(kUsage, 118);
  // clang-format off
  desc.add_options()
      ("help,h", "print this help and exit")
      ("kubeconfig", po::value(&kubeconfig)->value_name("PATH"),
       "kubeconfig file; else $KUBECONFIG, then the in-cluster service account, then ~/.kube/config")
      ("namespace", po::value(&flags.namespace_)->value_name("NS"), "watch ZenlayerPorts in this namespace only (default: all)")
      ("label-selector", po::value(&flags.label_selector)->value_name("SELECTOR"),
       "handle only ZenlayerPorts whose labels match, e.g. shard=a or 'shard in (a,b)' (default: all); shards "
       "run one operator per selector, each with its own --leader-election-id")
      ("zenlayer-endpoint", po::value(&flags.zenlayer_endpoint)->value_name("URL")->default_value(flags.zenlayer_endpoint),
       "Zenlayer Cloud API endpoint")
      ("zenlayer-credentials-dir", po::value(&credentials_dir)->value_name("DIR"),
       "read accessKeyId and accessKeyPassword from files in DIR instead of the environment; read again "
       "within 5s when they change (a rotated Secret needs no restart)")
      ("zenlayer-qps", po::value(&flags.zenlayer_qps)->default_value(flags.zenlayer_qps),
       "Zenlayer API calls per second (halved on every 429, regained slowly)")
      ("zenlayer-burst", po::value(&flags.zenlayer_burst)->default_value(flags.zenlayer_burst), "Zenlayer API burst")
      ("zenlayer-timeout", po::value(&durations[0].text)->value_name("DURATION")->default_value(durations[0].text),
       "timeout of one Zenlayer API request")
      ("leader-elect", po::bool_switch(&flags.leader_elect), "elect a leader on a coordination.k8s.io Lease; only the leader reconciles")
      ("leader-election-namespace", po::value(&flags.leader_election_namespace)->value_name("NS"),
       "namespace of the Lease (default: the pod's namespace, else the kubeconfig's, else default)")
      ("leader-election-id", po::value(&flags.leader_election_id)->value_name("NAME")->default_value(flags.leader_election_id),
       "name of the Lease")
      ("leader-elect-lease-duration", po::value(&durations[1].text)->value_name("DURATION")->default_value(durations[1].text),
       "how long followers wait before taking an unrenewed lease")
      ("leader-elect-renew-deadline", po::value(&durations[2].text)->value_name("DURATION")->default_value(durations[2].text),
       "how long the leader keeps trying to renew before giving up")
      ("leader-elect-retry-period", po::value(&durations[3].text)->value_name("DURATION")->default_value(durations[3].text),
       "how often candidates and the leader act on the lease")
      ("identity", po::value(&flags.identity)->value_name("ID"), "leader-election identity (default: hostname_random)")
      ("health-probe-bind-address", po::value(&flags.health_probe_bind_address)->value_name("ADDR")
       ->default_value(flags.health_probe_bind_address), "serve /healthz and /readyz here (\"0\" disables)")
      ("metrics-bind-address", po::value(&flags.metrics_bind_address)->value_name("ADDR")
       ->default_value(flags.metrics_bind_address), "serve Prometheus /metrics here (\"0\" disables)")
      ("workers", po::value(&flags.workers)->default_value(flags.workers), "concurrent reconciles")
      ("resync-period", po::value(&durations[4].text)->value_name("DURATION")->default_value(durations[4].text),
       "how often a live port is observed again")
      ("poll-interval", po::value(&durations[5].text)->value_name("DURATION")->default_value(durations[5].text),
       "first poll of a port waiting on the cloud; doubles per poll within a stage")
      ("max-poll-interval", po::value(&durations[6].text)->value_name("DURATION")->default_value(durations[6].text),
       "cap of the per-stage poll backoff")
      ("stuck-timeout", po::value(&durations[7].text)->value_name("DURATION")->default_value(durations[7].text),
       "a deletion stage longer than this raises a condition and a Warning Event (and keeps going)")
      ("error-retry-interval", po::value(&durations[8].text)->value_name("DURATION")->default_value(durations[8].text),
       "retry interval after credential errors and refusals the operator cannot resolve itself")
      ("terminate-grace", po::value(&durations[9].text)->value_name("DURATION")->default_value(durations[9].text),
       "how long the cloud is given to show a mutation: a port may still read RUNNING after an accepted "
       "TerminatePort, and a CreatePort of unknown outcome is sent again only once a lookup finds no port of its "
       "name after this long")
      ("log-format", po::value(&log_format)->value_name("json|logfmt")->default_value(log_format), "log line format")
      ("log-level", po::value(&log_level)->value_name("LEVEL")->default_value(log_level),
       "debug, info, warn or error");
  // clang-format on

  try {
    std::vector<const char*> argv;
    for (const auto& a : args)
      argv.push_back(a.c_str());
    po::variables_map vm;
    po::store(po::command_line_parser(static_cast<int>(argv.size()), argv.data()).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::ostringstream out;
      out << desc;
      return FlagsHelp{out.str()};
    }
    if (vm.count("kubeconfig")) flags.kubeconfig = kubeconfig;
    if (vm.count("zenlayer-credentials-dir")) flags.zenlayer_credentials_dir = credentials_dir;
  } catch (const po::error& e) {
    return FlagsError{e.what()};
  }

  for (auto& d : durations) {
    const auto parsed = runtime::parse_duration(d.text);
    if (!parsed || parsed->count() <= 0)
      return FlagsError{"--" + std::string(d.name) + ": '" + d.text +
                        "' is not a positive duration (e.g. 500ms, 15s, 10m)"};
    *d.target = *parsed;
  }
  try {
    (void)kube::LabelSelector::parse(flags.label_selector);
  } catch (const kube::LabelSelectorError& e) {
    return FlagsError{"--label-selector: " + std::string(e.what())};
  }
  try {
    (void)zenlayer::Endpoint::parse(flags.zenlayer_endpoint);
  } catch (const std::exception& e) {
    return FlagsError{"--zenlayer-endpoint: " + std::string(e.what())};
  }
  if (!runtime::parse_log_format(log_format, flags.log_format))
    return FlagsError{"--log-format must be json or logfmt"};
  if (!runtime::parse_log_level(log_level, flags.log_level))
    return FlagsError{"--log-level must be debug, info, warn or error"};
  if (flags.workers < 1 || flags.workers > 256) return FlagsError{"--workers must be between 1 and 256"};
  if (!(flags.zenlayer_qps > 0) || !(flags.zenlayer_burst >= 1))
    return FlagsError{"--zenlayer-qps must be positive and --zenlayer-burst at least 1"};
  if (flags.poll_interval > flags.max_poll_interval)
    return FlagsError{"--poll-interval must not exceed --max-poll-interval"};
  if (flags.leader_elect &&
      !(flags.retry_period < flags.renew_deadline && flags.renew_deadline < flags.lease_duration))
    return FlagsError{
        "leader election needs --leader-elect-retry-period < --leader-elect-renew-deadline < "
        "--leader-elect-lease-duration"};
  return flags;
}

}  // namespace zpo
