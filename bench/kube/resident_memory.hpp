#pragma once
// A process's resident memory as the kernel reports it (VmRSS in /proc/PID/status).

#include <cstdint>

namespace kubebench {

// KiB resident; throws std::runtime_error if the process or the field is not there.
uint64_t resident_kib(int pid);

}  // namespace kubebench
