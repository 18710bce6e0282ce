#pragma once
// Everything the emulator is started with; the admin API's reset returns to it.
#include <cstddef>
#include <cstdint>

#include "faults.hpp"
#include "port_config.hpp"
#include "sdn_api.hpp"

namespace zenemu {

struct EmulatorConfig {
  Credentials credentials;
  Delays delays;
  PortRules rules;
  FaultConfig faults;
  std::uint64_t seed = 1;
  std::size_t call_log_capacity = 10000;
};

}  // namespace zenemu
