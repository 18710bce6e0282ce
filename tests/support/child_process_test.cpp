#include "support/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <stdexcept>

namespace testsupport {
namespace {

TEST(ChildProcess, ReturnsTheUrlAfterTheReadyMarkerAndKeepsDrainingOutput) {
  // After the ready line the child writes far more than a pipe buffer holds: it only exits if the parent
  // keeps reading.
  auto child = ChildProcess::start({"/bin/sh", "-c",
                                    "echo starting; echo \"listening on http://127.0.0.1:$PORT\"; "
                                    "head -c 1000000 /dev/zero | tr '\\0' x; echo; exit 7"},
                                   {{"PORT", "4321"}});
  EXPECT_EQ(child.wait_for_listening(), "http://127.0.0.1:4321");
  EXPECT_EQ(child.wait(), 7);
  EXPECT_EQ(child.wait(), 7);
}

TEST(ChildProcess, ThrowsWithTheLinesSeenWhenTheChildExitsBeforeBeingReady) {
  auto child = ChildProcess::start({"/bin/sh", "-c", "echo bad flag --frob; exit 2"});
  try {
    child.wait_for_listening();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad flag --frob"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exited"), std::string::npos) << e.what();
  }
  EXPECT_EQ(child.wait(), 2);
}

TEST(ChildProcess, ThrowsOnTimeoutAndReportsTheSignalThatEndedTheChild) {
  auto child = ChildProcess::start({"/bin/sh", "-c", "echo still booting; exec sleep 30"});
  EXPECT_THROW(child.wait_for_listening(std::chrono::milliseconds(200)), std::runtime_error);
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 128 + SIGTERM);
}

TEST(ChildProcess, DestructorKillsARunningChild) {
  int pid = 0;
  {
    auto child = ChildProcess::start({"/bin/sh", "-c", "exec sleep 30"});
    pid = child.pid();
    ChildProcess moved = std::move(child);
    EXPECT_EQ(moved.pid(), pid);
  }
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: the pid no longer exists
}

TEST(ChildProcess, ExecFailureIsAnExitBeforeReady) {
  auto child = ChildProcess::start({"/nonexistent/binary"});
  EXPECT_THROW(child.wait_for_listening(std::chrono::seconds(5)), std::runtime_error);
  EXPECT_EQ(child.wait(), 127);
}

}  // namespace
}  // namespace testsupport
