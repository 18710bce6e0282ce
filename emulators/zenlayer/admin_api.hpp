#pragma once
// The test-facing admin API under /admin/ (JSON, no auth): seed and inspect ports, read the call log and
// counters, change faults, delays and rules at run time, queue scripted replies, reset. Not thread-safe: the
// owner serializes calls.
#include "call_log.hpp"
#include "emulator_config.hpp"
#include "faults.hpp"
#include "http_exchange.hpp"
#include "port_state_machine.hpp"
#include "sdn_api.hpp"

namespace zenemu {

class AdminApi {
 public:
  AdminApi(PortStateMachine& ports, FaultInjector& faults, CallLog& log, SdnApi& sdn,
           const EmulatorConfig& initial);

  HttpReply handle(const HttpRequest& request);

 private:
  PortStateMachine& ports_;
  FaultInjector& faults_;
  CallLog& log_;
  SdnApi& sdn_;
  const EmulatorConfig& initial_;
};

}  // namespace zenemu
