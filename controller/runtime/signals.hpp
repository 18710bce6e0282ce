#pragma once
// SIGTERM and SIGINT request a stop: the first one drains, a second one exits at once (as
// controller-runtime).

#include <stop_token>

namespace zpo::runtime {

// Installs the handlers and starts a thread that turns the first signal into stop_source.request_stop().
// Call once, before any other thread starts (it blocks the signals in the calling thread's mask).
std::stop_source install_stop_signals();

}  // namespace zpo::runtime
