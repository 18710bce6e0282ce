#include "admin_api.hpp"

#include <charconv>
#include <limits>
#include <map>
#include <stdexcept>

namespace zenemu {
namespace {

using nlohmann::json;

HttpReply json_reply(int status, const json& body) {
  HttpReply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

HttpReply error(int status, const std::string& message) {
  return json_reply(status, {{"error", message}});
}

json parse_body(const HttpRequest& request) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) throw std::invalid_argument("the body is not valid JSON");
  return body;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    auto amp = query.find('&', pos);
    std::string pair = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = pair.find('=');
    if (!pair.empty()) out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

std::uint64_t query_number(const std::map<std::string, std::string>& query, const std::string& name,
                           std::uint64_t fallback) {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || end != it->second.data() + it->second.size()) {
    throw std::invalid_argument(name + " must be a non-negative integer");
  }
  return v;
}

}  // namespace

AdminApi::AdminApi(PortStateMachine& ports, FaultInjector& faults, CallLog& log, SdnApi& sdn,
                   const EmulatorConfig& initial)
    : ports_(ports), faults_(faults), log_(log), sdn_(sdn), initial_(initial) {}

HttpReply AdminApi::handle(const HttpRequest& request) {
  const auto q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const auto query = parse_query(q == std::string::npos ? "" : request.target.substr(q + 1));
  const std::string& method = request.method;
  try {
    if (path == "/admin/ports") {
      if (method == "POST") return json_reply(200, ports_.seed(parse_body(request)));
      if (method == "GET") return json_reply(200, {{"ports", ports_.all_ports()}});
    } else if (path == "/admin/calls") {
      if (method == "GET") {
        auto limit = query_number(query, "limit", std::numeric_limits<std::uint64_t>::max());
        return json_reply(200, log_.since(query_number(query, "since", 0), static_cast<std::size_t>(limit)));
      }
    } else if (path == "/admin/stats") {
      if (method == "GET") {
        json stats = log_.counters();
        json calls = {{"total", stats["total"]},
                      {"byAction", stats["byAction"]},
                      {"byCode", stats["byCode"]},
                      {"byFault", stats["byFault"]}};
        return json_reply(200, {{"calls", std::move(calls)},
                                {"violations", ports_.violations()},
                                {"duplicateTerminates", ports_.duplicate_terminates()},
                                {"ports", ports_.status_counts()}});
      }
    } else if (path == "/admin/faults") {
      if (method == "PUT") {
        FaultConfig f = faults_.config();
        merge_json(f, parse_body(request));
        faults_.set_config(f);
      }
      if (method == "GET" || method == "PUT") return json_reply(200, to_json(faults_.config()));
    } else if (path == "/admin/delays") {
      if (method == "PUT") {
        Delays d = ports_.delays();
        merge_json(d, parse_body(request));
        ports_.set_delays(d);
      }
      if (method == "GET" || method == "PUT") return json_reply(200, to_json(ports_.delays()));
    } else if (path == "/admin/config") {
      if (method == "PUT") {
        PortRules r = ports_.rules();
        merge_json(r, parse_body(request));
        ports_.set_rules(r);
      }
      if (method == "GET" || method == "PUT") return json_reply(200, to_json(ports_.rules()));
    } else if (path == "/admin/script") {
      if (method == "POST") {
        json body = parse_body(request);
        std::vector<ScriptedReply> replies;
        if (body.is_array()) {
          for (const auto& one : body)
            replies.push_back(scripted_reply_from_json(one));
        } else {
          replies.push_back(scripted_reply_from_json(body));
        }
        faults_.add_script(std::move(replies));
      } else if (method == "DELETE") {
        faults_.clear_script();
      }
      if (method == "GET" || method == "POST" || method == "DELETE") {
        return json_reply(200, {{"queued", faults_.script()}});
      }
    } else if (path == "/admin/reset") {
      if (method == "POST") {
        ports_.clear();
        ports_.set_delays(initial_.delays);
        ports_.set_rules(initial_.rules);
        faults_.reset(initial_.faults);
        log_.clear();
        sdn_.reseed();
        return json_reply(200, {{"reset", true}});
      }
    } else {
      return error(404, "no admin endpoint " + path);
    }
    return error(405, "method " + method + " not allowed on " + path);
  } catch (const std::invalid_argument& e) {
    return error(400, e.what());
  } catch (const nlohmann::json::exception& e) {
    return error(400, e.what());
  }
}

}  // namespace zenemu
