#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace testsupport {
namespace {

constexpr std::string_view kReadyMarker = "listening on ";
// Only the most recent lines are kept for error messages: a chatty child must not grow the test's memory.
constexpr std::size_t kKeptLines = 200;

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : extra)
    env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env)
    out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

struct ChildProcess::State {
  pid_t pid = -1;
  int stdout_fd = -1;
  bool reaped = false;
  int exit_status = 0;

  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::string> lines;
  std::string partial;
  std::string ready_url;
  bool ready = false;
  bool eof = false;

  std::atomic<bool> stop{false};
  std::thread reader;

  // Drains the child's stdout for its whole life, so the child never blocks on a full pipe. Polls with a
  // short timeout so the destructor can stop it even if a grandchild still holds the pipe open.
  void read_loop() {
    char buf[4096];
    while (!stop.load()) {
      pollfd p{stdout_fd, POLLIN, 0};
      int r = ::poll(&p, 1, 50);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) continue;
      ssize_t n = ::read(stdout_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(mu);
      if (n <= 0) {
        if (!partial.empty()) add_line(std::move(partial));
        eof = true;
        changed.notify_all();
        return;
      }
      partial.append(buf, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = partial.find('\n')) != std::string::npos) {
        add_line(partial.substr(0, nl));
        partial.erase(0, nl + 1);
      }
      changed.notify_all();
    }
  }

  void add_line(std::string line) {
    if (!ready) {
      auto at = line.find(kReadyMarker);
      if (at != std::string::npos) {
        ready = true;
        ready_url = line.substr(at + kReadyMarker.size());
        while (!ready_url.empty() && (ready_url.back() == '\r' || ready_url.back() == ' '))
          ready_url.pop_back();
      }
    }
    lines.push_back(std::move(line));
    if (lines.size() > kKeptLines) lines.pop_front();
  }
};

ChildProcess ChildProcess::start(const std::vector<std::string>& argv,
                                 const std::map<std::string, std::string>& extra_env) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess::start: empty argv");
  // Everything the child needs is built before fork: after fork in a threaded process only async-signal-safe
  // calls are allowed.
  std::vector<std::string> args = argv;
  std::vector<std::string> env = merged_environment(extra_env);
  std::vector<char*> c_args = c_strings(args);
  std::vector<char*> c_env = c_strings(env);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the new descriptor
    ::execvpe(c_args[0], c_args.data(), c_env.data());
    const char msg[] = "ChildProcess: exec failed\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(fds[1]);
  auto state = std::make_unique<State>();
  state->pid = pid;
  state->stdout_fd = fds[0];
  state->reader = std::thread([s = state.get()] { s->read_loop(); });
  return ChildProcess(std::move(state));
}

ChildProcess::ChildProcess(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChildProcess::ChildProcess(ChildProcess&&) noexcept = default;

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    terminate_and_reap();
    state_ = std::move(other.state_);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  terminate_and_reap();
}

void ChildProcess::terminate_and_reap() noexcept {
  if (!state_) return;
  if (!state_->reaped) {
    ::kill(state_->pid, SIGKILL);
    wait();
  }
  state_->stop = true;
  if (state_->reader.joinable()) state_->reader.join();
  ::close(state_->stdout_fd);
  state_.reset();
}

std::string ChildProcess::wait_for_listening(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  bool done = state_->changed.wait_for(lock, timeout, [&] { return state_->ready || state_->eof; });
  if (state_->ready) return state_->ready_url;
  std::string what = done ? "exited before printing 'listening on'" : "did not print 'listening on' in time";
  std::string seen;
  for (const auto& l : state_->lines)
    seen += "\n  | " + l;
  throw std::runtime_error("child process " + std::to_string(state_->pid) + " " + what +
                           (seen.empty() ? std::string("; no output") : "; stdout was:" + seen));
}

int ChildProcess::pid() const {
  return state_->pid;
}

void ChildProcess::signal(int signo) {
  if (!state_->reaped) ::kill(state_->pid, signo);
}

int ChildProcess::wait() {
  if (state_->reaped) return state_->exit_status;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(state_->pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  state_->reaped = true;
  if (r < 0) {
    state_->exit_status = -1;
  } else if (WIFEXITED(status)) {
    state_->exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    state_->exit_status = 128 + WTERMSIG(status);
  }
  return state_->exit_status;
}

}  // namespace testsupport
