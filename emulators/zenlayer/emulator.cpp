#include "emulator.hpp"

namespace zenemu {

Emulator::Emulator(const Clock& clock, EmulatorConfig config, std::ostream* call_lines)
    : config_(std::move(config)),
      ports_(clock, config_.delays, config_.rules),
      faults_(clock, config_.seed, config_.faults),
      log_(config_.call_log_capacity),
      sdn_(clock, config_.credentials, config_.seed, ports_, faults_, log_, call_lines),
      admin_(ports_, faults_, log_, sdn_, config_) {}

HttpReply Emulator::handle(const HttpRequest& request) {
  std::lock_guard lock(mu_);
  if (request.target.rfind("/admin/", 0) == 0) return admin_.handle(request);
  return sdn_.handle(request);
}

}  // namespace zenemu
