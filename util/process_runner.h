#pragma once
/// Running host programs: argument vectors only, a deadline on every run, and children
/// that die with the harness (PR_SET_PDEATHSIG) so none is ever left behind.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"

namespace bh {

/// One program to run. argv[0] is looked up on PATH when it has no slash.
struct ProcessRequest {
  std::vector<std::string> argv;
  std::filesystem::path cwd;                         ///< empty: the harness's own
  std::optional<std::filesystem::path> stdin_file;   ///< empty: /dev/null
  std::optional<std::filesystem::path> stdout_file;  ///< empty: captured in output
  std::map<std::string, std::string> extra_env;      ///< added to the inherited environment
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
};

/// What a finished (or killed) program left.
struct ProcessResult {
  int exit_code = -1;      ///< -1 when killed by a signal or on timeout
  bool timed_out = false;  ///< killed because the deadline passed
  std::string output;      ///< stdout (unless redirected) and stderr, interleaved
};

/// Runs programs to completion. Fakes implement it in unit tests.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs the request; fails only when the program could not be started at all.
  virtual Expected<ProcessResult> run(const ProcessRequest& request) = 0;
};

/// The real runner (Boost.Process). Honours the deadline and Ctrl-C: the child runs in a
/// process group of its own, which is killed whole (so nothing it started survives it), and
/// on Ctrl-C Interrupted is thrown.
class SystemProcessRunner : public ProcessRunner {
 public:
  Expected<ProcessResult> run(const ProcessRequest& request) override;
};

/// "cmd arg1 arg2": for messages only, never for execution.
std::string describe_command(const std::vector<std::string>& argv);

/// The last `max_lines` lines of `text`.
std::string tail_lines(const std::string& text, std::size_t max_lines);

}  // namespace bh
