// SIGTERM turns into a stop request; a second one exits at once with status 1. Each case runs in a forked
// child so the test binary's own signal mask stays untouched.

#include "runtime/signals.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace zpo::runtime {
namespace {

using namespace std::chrono_literals;

bool wait_for_stop(const std::stop_source& stop) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (stop.stop_requested()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

// Runs `body` in a child and returns its exit status (or 128 + signal).
template <typename Body>
int in_child(Body body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(StopSignals, FirstSigtermRequestsStop) {
  int code = in_child([] {
    auto stop = install_stop_signals();
    if (stop.stop_requested()) return 10;
    kill(getpid(), SIGTERM);  // process-directed, as kubelet sends it
    return wait_for_stop(stop) ? 0 : 11;
  });
  EXPECT_EQ(code, 0);
}

TEST(StopSignals, SigintAlsoRequestsStop) {
  int code = in_child([] {
    auto stop = install_stop_signals();
    kill(getpid(), SIGINT);
    return wait_for_stop(stop) ? 0 : 11;
  });
  EXPECT_EQ(code, 0);
}

TEST(StopSignals, SecondSignalExitsAtOnceWithStatusOne) {
  int code = in_child([] {
    auto stop = install_stop_signals();
    kill(getpid(), SIGTERM);
    if (!wait_for_stop(stop)) return 11;
    kill(getpid(), SIGTERM);
    std::this_thread::sleep_for(10s);  // a drain that would take long; the second signal cuts it short
    return 12;
  });
  EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace zpo::runtime
