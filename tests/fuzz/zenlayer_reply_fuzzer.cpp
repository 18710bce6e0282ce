// What the Zenlayer client makes of the replies a server sends: the envelope ({"requestId", "response"} or
// {"code", "message"}), the classification, the retries, DescribePorts paging and PortInfo. The input is a
// script, readable so that the corpus can hold real replies:
//
//   <action>               DescribePorts | ListPorts | CreatePort | TerminatePort
//   <status>[ challenge]   one reply: its HTTP status (and cf-mitigated: challenge) ...
//   <body>                 ... and its body, up to the next line "===="
//   ====
//   <status>               the next reply, for a retry or the next page; once the script is done, the
//   ...                    connection is lost (TransportError)
//
// Beyond "no crash, no sanitizer report", it checks the client's promises: only ApiError escapes; a mutation
// is never sent again after an attempt that may have taken effect (the rule that keeps a second CreatePort
// from being sent); every port handed back has an id and integers are read exactly; no message holds the key.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "zenlayer/client.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace {

using namespace zenlayer;

constexpr const char* kPassword = "fuzz-password-that-never-leaks";

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "invariant violated: " << why << "\n";
  std::abort();
}

class InstantClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return steady_; }
  std::chrono::system_clock::time_point wall_time() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1673361177));
  }
  bool sleep_for(std::chrono::nanoseconds duration, const std::stop_token&) override {
    if (duration > std::chrono::nanoseconds::zero()) steady_ += duration;
    return true;
  }

 private:
  std::chrono::steady_clock::time_point steady_{};
};

struct ScriptedReply {
  int status = 200;
  bool challenge = false;
  std::string body{};
};

// Replays the script; after it, every attempt loses its connection. Records what a mutation may not do.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::vector<ScriptedReply> replies) : replies_(std::move(replies)) {}

  const Endpoint& endpoint() const override { return endpoint_; }
  HttpResponse send(const HttpRequest& request, const std::stop_token&) override {
    if (!request.idempotent && mutation_may_have_happened_)
      fail("a mutation was sent again after an uncertain outcome");
    ++sends;
    if (next_ >= replies_.size()) {
      mutation_may_have_happened_ = !request.idempotent;
      throw TransportError("connection lost", false);
    }
    const auto& reply = replies_[next_++];
    // What the client must treat as "may have taken effect": 2xx (whatever the body), or 5xx but 503.
    if (!request.idempotent) {
      const bool uncertain_5xx = reply.status >= 500 && reply.status != 503;
      mutation_may_have_happened_ = (reply.status >= 200 && reply.status < 300) || uncertain_5xx;
    }
    HttpResponse response{reply.status, {}, reply.body};
    if (reply.challenge) response.headers["cf-mitigated"] = "challenge";
    return response;
  }

  std::size_t sends = 0;

 private:
  Endpoint endpoint_ = Endpoint::parse("https://console.zenlayer.com");
  std::vector<ScriptedReply> replies_;
  std::size_t next_ = 0;
  bool mutation_may_have_happened_ = false;
};

std::vector<ScriptedReply> parse_script(std::string_view text) {
  std::vector<ScriptedReply> replies;
  constexpr std::string_view kSeparator = "\n====\n";
  while (!text.empty() && replies.size() < 64) {
    const auto end = text.find(kSeparator);
    std::string_view chunk = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + kSeparator.size());
    const auto newline = chunk.find('\n');
    const std::string_view head = chunk.substr(0, newline);
    ScriptedReply reply;
    reply.status = std::atoi(std::string(head.substr(0, 3)).c_str());
    if (reply.status < 100 || reply.status > 599) reply.status = 200;
    reply.challenge = head.find("challenge") != std::string_view::npos;
    if (newline != std::string_view::npos) reply.body = std::string(chunk.substr(newline + 1));
    replies.push_back(std::move(reply));
  }
  return replies;
}

void check_error(const ApiError& error, bool mutation) {
  if (std::string_view(error.what()).find(kPassword) != std::string_view::npos)
    fail("the password in an error");
  if (error.error_class() == ErrorClass::Transport && error.http_status() == 200 && mutation &&
      !error.may_have_taken_effect()) {
    fail("an unreadable success reply to a mutation does not say it may have taken effect");
  }
}

void check_ports(const PortList& list) {
  for (const auto& port : list.ports) {
    if (port.port_id.empty()) fail("a port without an id");
  }
}

// port_info_from_json on every dataSet element that parses: fields are read exactly or refused.
void check_port_info_fidelity(const std::vector<ScriptedReply>& replies) {
  for (const auto& reply : replies) {
    const auto body = nlohmann::json::parse(reply.body, nullptr, false);
    if (!body.is_object() || !body.contains("response") || !body["response"].is_object()) continue;
    const auto& response = body["response"];
    if (!response.contains("dataSet") || !response["dataSet"].is_array()) continue;
    for (const auto& item : response["dataSet"]) {
      PortInfo port;
      try {
        port = port_info_from_json(item);
      } catch (const MalformedReply&) {
        continue;
      }
      if (port.port_id != item.at("portId").get<std::string>()) fail("portId changed");
      const auto period = item.find("period");
      if (period != item.end() && !period->is_null()) {
        if (!port.period) fail("period lost");
        if (period->is_number_unsigned()
                ? period->get<std::uint64_t>() != static_cast<std::uint64_t>(*port.period)
                : period->get<std::int64_t>() != *port.period) {
          fail("period " + period->dump() + " read as " + std::to_string(*port.period));
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view action = input.substr(0, newline);
  auto replies = parse_script(input.substr(newline + 1));
  check_port_info_fidelity(replies);
  const std::size_t scripted = replies.size();

  auto transport = std::make_shared<ScriptedTransport>(std::move(replies));
  Client client(Credentials{"AKFUZZ", SecretString(kPassword)}, transport, ClientOptions{},
                std::make_shared<InstantClock>());
  SdnPorts ports(client);
  const bool mutation = action == "CreatePort" || action == "TerminatePort";
  try {
    if (action == "DescribePorts") {
      check_ports(ports.describe_ports({"p-1", "p-2"}));
    } else if (action == "ListPorts") {
      check_ports(ports.list_ports(PortFilter{.dc_id = "SEL1", .port_name = "web", .page_size = 2}));
    } else if (action == "CreatePort") {
      const auto created = ports.create_port(CreatePortRequest{
          .dc_id = "SEL1", .port_name = "web", .port_type = "10G", .business_entity_name = "Acme"});
      if (created.value.empty()) fail("CreatePort accepted without a portId");
    } else if (action == "TerminatePort") {
      ports.terminate_port("p-1");
    } else {
      return 0;
    }
  } catch (const ApiError& error) {
    check_error(error, mutation);
  }
  // A page walk that ends only when the script runs out is bounded by it (plus the retries of the last page).
  if (transport->sends > scripted + 4) fail("more requests than the script explains");
  return 0;
}
