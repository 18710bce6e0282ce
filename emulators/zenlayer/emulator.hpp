#pragma once
// The whole emulator behind one lock: the SDN API and the admin API over shared ports, faults and call log.
// Thread-safe; the HTTP server calls handle() from any of its threads.
#include <iosfwd>
#include <mutex>

#include "admin_api.hpp"
#include "call_log.hpp"
#include "clock.hpp"
#include "emulator_config.hpp"
#include "faults.hpp"
#include "http_exchange.hpp"
#include "port_state_machine.hpp"
#include "sdn_api.hpp"

namespace zenemu {

class Emulator {
 public:
  // call_lines: where --log-calls writes a line per SDN call, or nullptr.
  Emulator(const Clock& clock, EmulatorConfig config, std::ostream* call_lines = nullptr);
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Requests under /admin/ go to the admin API, everything else to the SDN API.
  HttpReply handle(const HttpRequest& request);

 private:
  std::mutex mu_;
  const EmulatorConfig config_;
  PortStateMachine ports_;
  FaultInjector faults_;
  CallLog log_;
  SdnApi sdn_;
  AdminApi admin_;
};

}  // namespace zenemu
