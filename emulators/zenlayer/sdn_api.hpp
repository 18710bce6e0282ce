#pragma once
// POST /api/v2/sdn: checks the request as the real gateway does (path, signature, version, action), lets the
// fault injector decide its fate, runs the action on the port state machine, wraps the result in the API's
// envelope and logs the call. Not thread-safe: the owner serializes calls.
#include <cstdint>
#include <iosfwd>
#include <random>
#include <string>

#include "call_log.hpp"
#include "clock.hpp"
#include "faults.hpp"
#include "http_exchange.hpp"
#include "port_state_machine.hpp"

namespace zenemu {

constexpr const char* kSdnPath = "/api/v2/sdn";
constexpr const char* kSdnVersion = "2023-08-30";

struct Credentials {
  std::string access_key_id;
  std::string access_key_password;
};

class SdnApi {
 public:
  // call_lines: where to write one line per call (--log-calls), or nullptr.
  SdnApi(const Clock& clock, Credentials credentials, std::uint64_t seed, PortStateMachine& ports,
         FaultInjector& faults, CallLog& log, std::ostream* call_lines = nullptr);

  HttpReply handle(const HttpRequest& request);
  // Request ids restart from the seed (admin reset).
  void reseed();

 private:
  std::string next_request_id();
  HttpReply finish(CallRecord record, HttpReply reply);

  const Clock& clock_;
  Credentials credentials_;
  std::uint64_t seed_;
  std::mt19937_64 ids_;
  PortStateMachine& ports_;
  FaultInjector& faults_;
  CallLog& log_;
  std::ostream* call_lines_;
};

}  // namespace zenemu
