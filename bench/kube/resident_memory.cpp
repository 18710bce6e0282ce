#include "resident_memory.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

namespace kubebench {

uint64_t resident_kib(int pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  std::ifstream status(path);
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));  // "VmRSS:   12345 kB"
  }
  throw std::runtime_error("no VmRSS in " + path);
}

}  // namespace kubebench
