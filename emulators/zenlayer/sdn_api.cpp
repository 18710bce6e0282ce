#include "sdn_api.hpp"

#include <cstdio>
#include <functional>
#include <map>
#include <ostream>

#include "signature.hpp"
#include "time_format.hpp"

namespace zenemu {
namespace {

using nlohmann::json;
using Action = ActionResult (PortStateMachine::*)(const json&);

struct ActionSpec {
  Action run;
  bool mutation;
};

const std::map<std::string, ActionSpec, std::less<>>& actions() {
  static const std::map<std::string, ActionSpec, std::less<>> table{
      {"DescribePorts", {&PortStateMachine::describe_ports, false}},
      {"CreatePort", {&PortStateMachine::create_port, true}},
      {"ModifyPortAttribute", {&PortStateMachine::modify_port_attribute, true}},
      {"TerminatePort", {&PortStateMachine::terminate_port, true}},
      {"DestroyPort", {&PortStateMachine::destroy_port, true}},
      {"RenewPort", {&PortStateMachine::renew_port, true}},
  };
  return table;
}

std::string default_code(int status) {
  switch (status) {
    case 429:
      return "REQUEST_LIMIT_EXCEEDED";
    case 503:
      return "SERVICE_TEMPORARY_UNAVAILABLE";
    case 504:
      return "REQUEST_TIMED_OUT";
    case 401:
      return "AUTHFAILURE_UNAUTHORIZED_OPERATION";
    default:
      return status >= 500 ? "INTERNAL_SERVER_ERROR" : "OPERATION_DENIED";
  }
}

HttpReply json_reply(int status, const json& body) {
  HttpReply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.body = body.dump();
  return r;
}

HttpReply error_reply(int status, const std::string& request_id, const std::string& code,
                      const std::string& message) {
  return json_reply(status, {{"requestId", request_id}, {"code", code}, {"message", message}});
}

HttpReply success_reply(const std::string& request_id, json response) {
  response["requestId"] = request_id;
  return json_reply(200, {{"requestId", request_id}, {"response", std::move(response)}});
}

HttpReply action_reply(const std::string& request_id, const ActionResult& result) {
  return result.ok() ? success_reply(request_id, result.response)
                     : error_reply(result.http_status, request_id, result.code, result.message);
}

// What the call log shows of the request's target ports; the body may be anything, so nothing here throws.
void note_ports(const json& params, CallRecord& record) {
  if (!params.is_object()) return;
  if (auto it = params.find("portId"); it != params.end() && it->is_string())
    record.port_id = it->get<std::string>();
  if (auto it = params.find("portIds"); it != params.end() && it->is_array()) {
    std::vector<std::string> ids;
    for (const auto& id : *it) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
    record.port_ids = std::move(ids);
  }
}

}  // namespace

SdnApi::SdnApi(const Clock& clock, Credentials credentials, std::uint64_t seed, PortStateMachine& ports,
               FaultInjector& faults, CallLog& log, std::ostream* call_lines)
    : clock_(clock),
      credentials_(std::move(credentials)),
      seed_(seed),
      ids_(seed ^ 0x5a17u),
      ports_(ports),
      faults_(faults),
      log_(log),
      call_lines_(call_lines) {}

void SdnApi::reseed() {
  ids_.seed(seed_ ^ 0x5a17u);
}

std::string SdnApi::next_request_id() {
  // Shaped like the real ones: "T" and 32 upper-case hex digits.
  char buf[40];
  std::snprintf(buf, sizeof buf, "T%016llX%016llX", static_cast<unsigned long long>(ids_()),
                static_cast<unsigned long long>(ids_()));
  return buf;
}

HttpReply SdnApi::finish(CallRecord record, HttpReply reply) {
  record.http_status = reply.drop ? 0 : reply.status;
  const auto seq = log_.add(record);
  if (call_lines_) {
    *call_lines_ << "call " << seq << ' ' << (record.action.empty() ? "-" : record.action) << ' '
                 << record.port_id.value_or(record.port_ids ? std::to_string(record.port_ids->size()) + " ids"
                                                            : "-")
                 << ' ' << (reply.drop ? std::string("dropped") : std::to_string(reply.status)) << ' '
                 << (record.code.empty() ? "OK" : record.code) << ' ' << record.request_id
                 << (record.committed ? " committed" : "")
                 << (record.fault.empty() ? "" : " fault=" + record.fault) << std::endl;
  }
  return reply;
}

HttpReply SdnApi::handle(const HttpRequest& request) {
  CallRecord record;
  record.time = clock_.now();
  record.request_id = next_request_id();
  const std::string& id = record.request_id;
  if (const auto* action = request.header("x-zc-action")) record.action = *action;
  json params = json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  note_ports(params, record);

  auto fail = [&](int status, const std::string& code, const std::string& message) {
    record.code = code;
    return finish(std::move(record), error_reply(status, id, code, message));
  };

  // The signature covers "/" with an empty query, so the real path must be exact.
  if (request.target != kSdnPath) {
    return fail(404, "INVALID_REQUEST_PATH",
                "the SDN API is at POST " + std::string(kSdnPath) + " (no query)");
  }
  if (request.method != "POST") return fail(405, "INVALID_HTTP_METHOD", "the SDN API only accepts POST");

  SignedRequest signed_request;
  auto copy_header = [&](const char* name) -> std::optional<std::string> {
    const auto* v = request.header(name);
    return v ? std::optional<std::string>(*v) : std::nullopt;
  };
  signed_request.authorization = copy_header("authorization");
  signed_request.timestamp = copy_header("x-zc-timestamp");
  signed_request.signature_method = copy_header("x-zc-signature-method");
  signed_request.content_type = copy_header("content-type").value_or("");
  signed_request.host = copy_header("host").value_or("");
  signed_request.body = request.body;
  const auto now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  AuthVerdict verdict = verify_signature(signed_request, credentials_.access_key_id,
                                         credentials_.access_key_password, now_seconds);
  if (!verdict.ok) return fail(401, verdict.code, verdict.message);

  const auto* version = request.header("x-zc-version");
  if (!version) return fail(400, "MISSING_PARAMETER", "the X-ZC-Version header is required");
  if (*version != kSdnVersion) {
    return fail(400, "INVALID_PARAMETER_VERSION", "the SDN API version is " + std::string(kSdnVersion));
  }
  if (record.action.empty()) return fail(400, "MISSING_PARAMETER", "the X-ZC-Action header is required");
  auto spec = actions().find(record.action);
  if (spec == actions().end()) {
    return fail(400, "INVALID_ACTION", "the SDN API has no action " + record.action);
  }

  FaultDecision fault = faults_.decide(record.action, spec->second.mutation);
  record.fault = std::string(fault_name(fault.kind));
  auto delayed = [&](HttpReply reply) {
    reply.delay = fault.latency;
    return reply;
  };

  ActionResult result;
  if (fault.applies_call()) {
    if (params.is_discarded() || !params.is_object()) {
      result = action_error(400, "INVALID_PARAMETER_BODY", "the body must be a JSON object");
    } else {
      result = (ports_.*(spec->second.run))(params);
    }
    record.committed = result.committed;
  }

  HttpReply reply;
  switch (fault.kind) {
    case FaultKind::none:
      reply = action_reply(id, result);
      record.code = result.code;
      break;
    case FaultKind::garbled:
      // The reply is cut in the middle, as by a proxy that gave up: the call did take effect.
      reply = action_reply(id, result);
      reply.body.resize(reply.body.size() / 2);
      record.code = result.code;
      break;
    case FaultKind::commit_then_drop:
      reply.drop = true;
      break;
    case FaultKind::commit_then_error:
    case FaultKind::internal_error:
      record.code = "INTERNAL_SERVER_ERROR";
      reply = error_reply(500, id, record.code, "an internal error occurred");
      break;
    case FaultKind::throttled:
    case FaultKind::qps_ceiling:
      record.code = "REQUEST_LIMIT_EXCEEDED";
      reply = error_reply(429, id, record.code, "request rate limit exceeded");
      break;
    case FaultKind::unavailable:
      record.code = "SERVICE_TEMPORARY_UNAVAILABLE";
      reply = error_reply(503, id, record.code, "the service is temporarily unavailable");
      break;
    case FaultKind::expired_signature:
      record.code = "AUTHFAILURE_SIGNATURE_EXPIRED";
      reply = error_reply(401, id, record.code, "the signature has expired");
      break;
    case FaultKind::scripted: {
      const ScriptedReply& s = *fault.script;
      if (s.drop) {
        reply.drop = true;
        break;
      }
      const bool success_status = s.http_status >= 200 && s.http_status < 300;
      if (!s.code && success_status) {
        // A scripted success: the real reply when the call was applied, an empty success otherwise.
        reply = s.commit ? action_reply(id, result) : success_reply(id, json::object());
        if (s.commit) record.code = result.code;
      } else {
        record.code = s.code.value_or(default_code(s.http_status));
        reply = error_reply(s.http_status, id, record.code, "scripted reply");
      }
      reply.status = s.http_status;
      if (s.body) reply.body = *s.body;
      for (const auto& h : s.headers)
        reply.headers.push_back(h);
      break;
    }
  }
  return finish(std::move(record), delayed(std::move(reply)));
}

}  // namespace zenemu
