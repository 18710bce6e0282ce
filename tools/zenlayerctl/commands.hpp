#pragma once
// The zenlayerctl subcommands: each is one API call (or a poll of DescribePorts), printed for people.

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "zenlayer/sdn_ports.hpp"

namespace zenlayerctl {

// Prints the ports (every port when ids is empty) as a table.
void describe(zenlayer::SdnPorts& ports, const std::vector<std::string>& ids, std::ostream& out);

// TerminatePort, DestroyPort or RenewPort; prints the request id.
void mutate(zenlayer::SdnPorts& ports, const std::string& action, const std::string& port_id,
            std::ostream& out);

// Polls DescribePorts until the port reports `status` (GONE: no longer listed), printing every change seen.
// Returns false on timeout.
bool wait_for(zenlayer::SdnPorts& ports, const std::string& port_id, const std::string& status,
              std::chrono::milliseconds poll, std::chrono::seconds timeout, std::ostream& out);

}  // namespace zenlayerctl
