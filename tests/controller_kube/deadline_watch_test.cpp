// DeadlineWatch: a socket still armed at its deadline is shut down (a blocked read ends) and disarm() says
// so; one disarmed in time is left alone.

#include "kube/deadline_watch.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace {

using namespace std::chrono_literals;
using zpo::kube::DeadlineWatch;

struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fds[2] = {-1, -1};
};

TEST(DeadlineWatch, ABlockedReadPastItsDeadlineEndsAndDisarmSaysSo) {
  DeadlineWatch watch;
  SocketPair pair;
  const auto start = DeadlineWatch::Clock::now();
  const auto ticket = watch.arm(pair.fds[0], start + 100ms);
  char byte = 0;
  // Nothing is ever written: only the shutdown ends this read (with 0, the end of the stream).
  EXPECT_EQ(::recv(pair.fds[0], &byte, 1, 0), 0);
  EXPECT_GE(DeadlineWatch::Clock::now() - start, 100ms);
  EXPECT_TRUE(watch.disarm(ticket));
}

TEST(DeadlineWatch, ASocketDisarmedInTimeIsLeftAlone) {
  DeadlineWatch watch;
  SocketPair pair;
  const auto ticket = watch.arm(pair.fds[0], DeadlineWatch::Clock::now() + 100ms);
  EXPECT_FALSE(watch.disarm(ticket));
  std::this_thread::sleep_for(200ms);
  // Still open both ways.
  EXPECT_EQ(::send(pair.fds[1], "x", 1, 0), 1);
  char byte = 0;
  EXPECT_EQ(::recv(pair.fds[0], &byte, 1, 0), 1);
  EXPECT_EQ(::send(pair.fds[0], "y", 1, 0), 1);
}

TEST(DeadlineWatch, AnEarlierDeadlineIsEnforcedWhileALaterOneWaits) {
  DeadlineWatch watch;
  SocketPair late;
  SocketPair early;
  const auto start = DeadlineWatch::Clock::now();
  const auto late_ticket = watch.arm(late.fds[0], start + 60s);
  const auto early_ticket = watch.arm(early.fds[0], start + 100ms);
  char byte = 0;
  EXPECT_EQ(::recv(early.fds[0], &byte, 1, 0), 0);
  EXPECT_LT(DeadlineWatch::Clock::now() - start, 30s);
  EXPECT_TRUE(watch.disarm(early_ticket));
  EXPECT_FALSE(watch.disarm(late_ticket));
}

}  // namespace
