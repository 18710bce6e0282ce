#include "commands.hpp"

#include <iomanip>
#include <ostream>
#include <stdexcept>
#include <thread>

namespace zenlayerctl {
namespace {

std::string observed_status(zenlayer::SdnPorts& ports, const std::string& port_id) {
  for (const auto& port : ports.describe_ports({port_id}).ports) {
    if (port.port_id == port_id) return port.port_status;
  }
  return "GONE";
}

}  // namespace

void describe(zenlayer::SdnPorts& ports, const std::vector<std::string>& ids, std::ostream& out) {
  const auto list = ids.empty() ? ports.list_ports() : ports.describe_ports(ids);
  out << std::left << std::setw(22) << "PORT-ID" << std::setw(20) << "NAME" << std::setw(12) << "STATUS"
      << std::setw(10) << "CHARGE" << std::setw(10) << "DC"
      << "EXPIRES\n";
  for (const auto& p : list.ports) {
    out << std::setw(22) << p.port_id << std::setw(20) << p.port_name << std::setw(12) << p.port_status
        << std::setw(10) << p.port_charge_type.value_or("-") << std::setw(10) << p.dc_id
        << (p.expired_time.empty() ? "-" : p.expired_time) << "\n";
  }
}

void mutate(zenlayer::SdnPorts& ports, const std::string& action, const std::string& port_id,
            std::ostream& out) {
  zenlayer::Accepted accepted;
  if (action == "terminate") {
    accepted = ports.terminate_port(port_id);
  } else if (action == "destroy") {
    accepted = ports.destroy_port(port_id);
  } else if (action == "renew") {
    accepted = ports.renew_port(port_id);
  } else {
    throw std::invalid_argument("unknown action " + action);
  }
  out << action << " " << port_id << ": accepted (requestId " << accepted.request_id << ")\n";
}

bool wait_for(zenlayer::SdnPorts& ports, const std::string& port_id, const std::string& status,
              std::chrono::milliseconds poll, std::chrono::seconds timeout, std::ostream& out) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (true) {
    const auto seen = observed_status(ports, port_id);
    if (seen != last) {
      out << port_id << ": " << seen << "\n" << std::flush;
      last = seen;
    }
    if (seen == status) return true;
    if (std::chrono::steady_clock::now() + poll > deadline) return false;
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace zenlayerctl
