// process_* gauges read from /proc at scrape time.

#include "runtime/process_metrics.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace zpo::runtime {

namespace {

// "VmHWM:    12345 kB" from /proc/self/status, in bytes; 0 when absent.
double status_kilobytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      double kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

// Boot time (/proc/stat btime) plus the process' start in clock ticks since boot (/proc/self/stat field 22).
double start_time_seconds() {
  double boot = 0;
  std::ifstream stat("/proc/stat");
  for (std::string line; std::getline(stat, line);) {
    if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
  }
  std::ifstream self("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(self)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces; fields after it start after the last ')'.
  auto close = content.rfind(')');
  if (close == std::string::npos) return boot;
  std::istringstream fields(content.substr(close + 2));
  std::string value;
  for (int field = 3; field <= 22 && fields >> value; ++field) {
  }
  return boot + std::stod(value) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

void register_process_metrics(MetricsRegistry& registry) {
  auto& resident = registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  auto& virtual_memory = registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
  auto& peak =
      registry.gauge("process_resident_memory_peak_bytes", "Peak resident memory size in bytes (VmHWM).");
  auto& start =
      registry.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
  start.set({}, start_time_seconds());
  registry.add_collector([&resident, &virtual_memory, &peak] {
    // statm counts pages: size, resident, ...
    std::ifstream statm("/proc/self/statm");
    double size_pages = 0;
    double resident_pages = 0;
    statm >> size_pages >> resident_pages;
    auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
    virtual_memory.set({}, size_pages * page);
    resident.set({}, resident_pages * page);
    peak.set({}, status_kilobytes("VmHWM"));
  });
}

}  // namespace zpo::runtime
