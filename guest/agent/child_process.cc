#include "guest/agent/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "guest/agent/unique_fd.h"

extern char** environ;

namespace bh::agent {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// How long to keep reading after the child exited while a grandchild holds the pipes.
constexpr milliseconds kDrainAfterExit{200};
/// How long a SIGKILLed child may take to die before we stop waiting for it.
constexpr milliseconds kKillGrace{5000};
/// Upper bound on one poll() so a child's exit is noticed even while pipes stay open.
constexpr milliseconds kPollSlice{100};

struct PipePair {
  UniqueFd read_end;
  UniqueFd write_end;
};

Expected<PipePair> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  return PipePair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

/// The inherited environment with `additions` set (replacing same-named variables).
std::vector<std::string> build_environment(const std::map<std::string, std::string>& additions) {
  std::vector<std::string> result;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!additions.contains(std::string(text.substr(0, text.find('='))))) result.emplace_back(text);
  }
  for (const auto& [key, value] : additions) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

/// What the child reports on the status pipe when it cannot exec.
struct ExecFailure {
  int stage;  // 0: chdir, 1: exec
  int error;
};

/// The child's side after fork: only async-signal-safe calls; never returns.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, const char* cwd, const int std_fds[3],
                             int status_fd) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int target = 0; target < 3; ++target) ::dup2(std_fds[target], target);
  ExecFailure failure{0, 0};
  if (cwd[0] == '\0' || ::chdir(cwd) == 0) {
    failure.stage = 1;
    ::execvpe(argv[0], argv, envp);
  }
  failure.error = errno;
  [[maybe_unused]] auto ignored = ::write(status_fd, &failure, sizeof failure);
  ::_exit(127);
}

/// One captured stream, kept up to a cap; the excess is read and dropped.
class CappedText {
 public:
  CappedText(std::string& text, std::size_t cap) : text_(text), cap_(cap) {}
  void append(const char* data, std::size_t size) {
    const std::size_t room = cap_ > text_.size() ? cap_ - text_.size() : 0;
    if (size > room) truncated_ = true;
    text_.append(data, std::min(size, room));
  }
  bool truncated() const { return truncated_; }

 private:
  std::string& text_;
  std::size_t cap_;
  bool truncated_ = false;
};

/// The parent's side: feeds stdin, drains outputs, ticks, enforces the deadline, reaps.
class Supervisor {
 public:
  Supervisor(const ProcessSpec& spec, pid_t pid, UniqueFd stdin_w, UniqueFd stdout_r, UniqueFd stderr_r)
      : spec_(spec),
        pid_(pid),
        stdin_w_(std::move(stdin_w)),
        stdout_r_(std::move(stdout_r)),
        stderr_r_(std::move(stderr_r)),
        out_(outcome_.stdout_text, spec.output_cap),
        err_(outcome_.stderr_text, spec.output_cap) {}

  ProcessOutcome run() {
    const auto start = Clock::now();
    deadline_ = start + spec_.timeout;
    next_tick_ = start + spec_.tick_interval;
    if (stdin_w_.valid()) ::fcntl(stdin_w_.get(), F_SETFL, O_NONBLOCK);
    while (!finished()) step();
    outcome_.truncated = out_.truncated() || err_.truncated();
    return std::move(outcome_);
  }

 private:
  bool finished() {
    const auto now = Clock::now();
    if (outcome_.detached) return true;
    if (exited_) {
      return (!stdout_r_.valid() && !stderr_r_.valid()) || now >= exit_time_ + kDrainAfterExit;
    }
    if (killed_ && now >= kill_time_ + kKillGrace) {
      outcome_.stderr_text += "\n[bh-agent: process did not die after SIGKILL]\n";
      outcome_.signal = SIGKILL;
      return true;
    }
    return false;
  }

  void step() {
    auto now = Clock::now();
    if (!killed_ && now >= deadline_) kill_group(now);
    if (ticking() && now >= next_tick_) tick();
    wait_for_io(poll_timeout(Clock::now()));
    reap();
  }

  bool ticking() const {
    return !exited_ && spec_.tick_interval.count() > 0 &&
           (static_cast<bool>(spec_.on_tick) || static_cast<bool>(spec_.detach_when));
  }

  void tick() {
    if (spec_.on_tick) spec_.on_tick();
    if (!killed_ && spec_.detach_when && spec_.detach_when()) outcome_.detached = true;
    next_tick_ += spec_.tick_interval;
    if (next_tick_ <= Clock::now()) next_tick_ = Clock::now() + spec_.tick_interval;
  }

  void kill_group(Clock::time_point now) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    killed_ = true;
    outcome_.timed_out = true;
    kill_time_ = now;
    stdin_w_.reset();
  }

  int poll_timeout(Clock::time_point now) const {
    auto limit = kPollSlice;
    if (!killed_) limit = std::min(limit, remaining(deadline_, now));
    if (ticking()) limit = std::min(limit, remaining(next_tick_, now));
    if (!stdout_r_.valid() && !stderr_r_.valid()) limit = std::min(limit, milliseconds(10));
    return static_cast<int>(limit.count());
  }

  static milliseconds remaining(Clock::time_point when, Clock::time_point now) {
    auto left = std::chrono::duration_cast<milliseconds>(when - now) + milliseconds(1);
    return std::max(left, milliseconds(0));
  }

  void wait_for_io(int timeout_ms) {
    pollfd fds[3];
    nfds_t count = 0;
    for (UniqueFd* fd : {&stdout_r_, &stderr_r_}) {
      if (fd->valid()) fds[count++] = {fd->get(), POLLIN, 0};
    }
    if (stdin_w_.valid()) fds[count++] = {stdin_w_.get(), POLLOUT, 0};
    if (::poll(fds, count, timeout_ms) <= 0) return;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == stdin_w_.get())
        feed_stdin();
      else if (fds[i].fd == stdout_r_.get())
        drain(stdout_r_, out_);
      else
        drain(stderr_r_, err_);
    }
  }

  void drain(UniqueFd& fd, CappedText& sink) {
    char buffer[65536];
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got > 0)
      sink.append(buffer, static_cast<std::size_t>(got));
    else if (got == 0 || (errno != EINTR && errno != EAGAIN))
      fd.reset();
  }

  void feed_stdin() {
    const std::string& data = spec_.stdin_data;
    const ssize_t put = ::write(stdin_w_.get(), data.data() + stdin_sent_, data.size() - stdin_sent_);
    if (put > 0)
      stdin_sent_ += static_cast<std::size_t>(put);
    else if (errno != EINTR && errno != EAGAIN)
      stdin_w_.reset();  // EPIPE: child closed stdin
    if (stdin_sent_ == data.size()) stdin_w_.reset();
  }

  void reap() {
    if (exited_) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return;
    exited_ = true;
    exit_time_ = Clock::now();
    stdin_w_.reset();
    if (WIFEXITED(status)) outcome_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome_.signal = WTERMSIG(status);
  }

  const ProcessSpec& spec_;
  pid_t pid_;
  UniqueFd stdin_w_, stdout_r_, stderr_r_;
  ProcessOutcome outcome_;
  CappedText out_, err_;
  std::size_t stdin_sent_ = 0;
  Clock::time_point deadline_, next_tick_, kill_time_, exit_time_;
  bool killed_ = false;
  bool exited_ = false;
};

/// The child's three standard descriptors (parent keeps the other ends).
struct ChildFds {
  UniqueFd stdin_r, stdin_w, stdout_r, stdout_w, stderr_r, stderr_w;
};

Expected<ChildFds> make_child_fds(const ProcessSpec& spec) {
  ChildFds fds;
  if (spec.stdin_data.empty()) {
    fds.stdin_r.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!fds.stdin_r.valid()) return fail(std::string("open /dev/null: ") + std::strerror(errno));
  } else {
    auto in = make_pipe();
    if (!in) return in.error();
    fds.stdin_r = std::move(in.value().read_end);
    fds.stdin_w = std::move(in.value().write_end);
  }
  auto out = make_pipe();
  if (!out) return out.error();
  fds.stdout_r = std::move(out.value().read_end);
  fds.stdout_w = std::move(out.value().write_end);
  if (spec.stderr_mode == StderrMode::kSeparate) {
    auto err = make_pipe();
    if (!err) return err.error();
    fds.stderr_r = std::move(err.value().read_end);
    fds.stderr_w = std::move(err.value().write_end);
  }
  return fds;
}

/// Waits for the child's exec to succeed (status pipe closes) or reports why it failed.
Expected<void> await_exec(pid_t pid, UniqueFd status_r, const ProcessSpec& spec) {
  ExecFailure failure{};
  ssize_t got;
  do {
    got = ::read(status_r.get(), &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof failure)) return outcome::success();
  ::waitpid(pid, nullptr, 0);
  const std::string program = "'" + spec.argv.front() + "'";
  const std::string what =
      failure.stage == 0 ? "cannot enter " + spec.cwd + " to run " + program : "cannot run " + program;
  return fail(what + ": " + std::strerror(failure.error));
}

/// Forks and execs the child on `fds`; returns its pid once exec succeeded.
Expected<pid_t> spawn(const ProcessSpec& spec, ChildFds& fds) {
  auto status = make_pipe();
  if (!status) return status.error();
  std::vector<std::string> argv_strings = spec.argv;
  std::vector<std::string> env_strings = build_environment(spec.env);
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);
  const int std_fds[3] = {fds.stdin_r.get(), fds.stdout_w.get(),
                          fds.stderr_w.valid() ? fds.stderr_w.get() : fds.stdout_w.get()};
  const pid_t pid = ::fork();
  if (pid < 0) return fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    exec_child(argv.data(), envp.data(), spec.cwd.c_str(), std_fds, status.value().write_end.get());
  }
  status.value().write_end.reset();
  auto started = await_exec(pid, std::move(status.value().read_end), spec);
  if (!started) return started.error();
  return pid;
}

}  // namespace

Expected<ProcessOutcome> run_child(const ProcessSpec& spec) {
  if (spec.argv.empty()) return fail("cannot run an empty argv");
  ::signal(SIGPIPE, SIG_IGN);
  auto fds = make_child_fds(spec);
  if (!fds) return fds.error();
  ChildFds& f = fds.value();
  auto pid = spawn(spec, f);
  if (!pid) return pid.error();
  f.stdin_r.reset();
  f.stdout_w.reset();
  f.stderr_w.reset();
  Supervisor supervisor(spec, pid.value(), std::move(f.stdin_w), std::move(f.stdout_r), std::move(f.stderr_r));
  return supervisor.run();
}

}  // namespace bh::agent
