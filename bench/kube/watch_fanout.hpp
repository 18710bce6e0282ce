#pragma once
// Watch fan-out: many clients watching the ZenlayerPort collection while writers patch port status, as a
// fleet of controllers and `kubectl get -w` sessions would. Measures how many watch events per second the
// emulator delivers in total.

#include <cstdint>
#include <string>

#include "api_connection.hpp"

namespace kubebench {

struct FanoutOptions {
  int watchers = 100;
  int writes = 2000;             // status patches, spread over the existing ports
  int writer_threads = 4;        // each with its own keep-alive connection
  int ports = 10000;             // ports edge-port-00000.. that exist already
  std::string resource_version;  // watches start here, so they see only the benchmark's writes
  int deadline_seconds = 45;     // give up waiting for events after this long
};

struct FanoutResult {
  int watchers_failed = 0;
  int writes_ok = 0;
  double write_seconds = 0;
  uint64_t events_expected = 0;  // writes_ok * watchers
  uint64_t events_received = 0;
  double delivery_seconds = 0;  // from the first write to the last event seen (polled every ms)
};

FanoutResult measure_watch_fanout(const Endpoint& endpoint, const FanoutOptions& options);

}  // namespace kubebench
