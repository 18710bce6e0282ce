// SIGTERM/SIGINT handling without async-signal-safety worries: the signals are blocked in every thread (the
// mask is inherited by threads started later) and one thread takes them with sigwait().

#include "runtime/signals.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "runtime/log.hpp"

namespace zpo::runtime {

std::stop_source install_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) throw std::runtime_error("cannot block SIGTERM/SIGINT");
  std::stop_source stop;
  // Detached: it lives as long as the process and holds nothing but the shared stop state.
  std::thread([set, stop]() mutable {
    bool first = true;
    for (;;) {
      int signo = 0;
      if (sigwait(&set, &signo) != 0) continue;
      const char* name = signo == SIGTERM ? "SIGTERM" : "SIGINT";
      if (first) {
        first = false;
        log_info("received signal, draining in-flight work", {field("signal", name)});
        stop.request_stop();
      } else {
        log_error("received second signal, exiting at once", {field("signal", name)});
        _exit(1);
      }
    }
  }).detach();
  return stop;
}

}  // namespace zpo::runtime
