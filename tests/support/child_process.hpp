#pragma once
// A server started by a test: its stdout is read by the test (to learn where it listens), its stderr goes to
// the test's own stderr so its logs show up in ctest's output.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace testsupport {

class ChildProcess {
 public:
  // Forks and execs argv (argv[0] is looked up in PATH when it has no '/'), with the parent's environment
  // plus extra_env. Throws std::runtime_error if the process cannot be created. The child is SIGKILLed if the
  // thread that started it exits (PR_SET_PDEATHSIG), so a crashed test never leaves a server behind.
  static ChildProcess start(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& extra_env = {});

  ChildProcess(ChildProcess&&) noexcept;
  ChildProcess& operator=(ChildProcess&&) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // SIGKILLs the child if it is still running, and reaps it.
  ~ChildProcess();

  // Waits for a stdout line containing "listening on " and returns the rest of that line (the URL, e.g.
  // "http://127.0.0.1:4321"). Throws std::runtime_error, quoting every line seen, on timeout or if the child
  // exits.
  std::string wait_for_listening(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  int pid() const;
  void signal(int signo);
  // Waits for the child to exit. Returns its exit code, or 128 + the signal number when a signal killed it
  // (as a shell reports it). Calling it again returns the same value.
  int wait();

 private:
  struct State;
  explicit ChildProcess(std::unique_ptr<State> state);
  void terminate_and_reap() noexcept;

  std::unique_ptr<State> state_;
};

}  // namespace testsupport
