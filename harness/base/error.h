#pragma once
/// The harness's one error type and its exit codes.
///
/// Parsers and I/O return Expected<T> (see expected.h) whose error is an Error naming what
/// went wrong and where. Problems nothing can recover from are thrown as HarnessError and
/// caught once, in main, which prints them and exits with the error's code.

#include <stdexcept>
#include <string>

namespace bh {

/// Exit codes shared by every subcommand; users' CI scripts depend on them.
enum class ExitCode : int {
  kOk = 0,           ///< everything PASS or SKIP
  kFail = 1,         ///< a finding about the kernel (stale data, oops)
  kUsage = 2,        ///< bad command line, scenario or configuration
  kError = 3,        ///< the harness could not do its job (infrastructure)
  kInterrupted = 130 ///< the user pressed Ctrl-C
};

/// A recoverable error: a message that names the file, line, key or command concerned.
struct Error {
  std::string message;
};

/// An unrecoverable error, thrown up to main.
class HarnessError : public std::runtime_error {
 public:
  HarnessError(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  explicit HarnessError(const std::string& message)
      : HarnessError(ExitCode::kError, message) {}

  /// The exit code main should return for this error.
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

/// Thrown when the user interrupts (SIGINT/SIGTERM) a wait; unwinding releases resources.
class Interrupted : public HarnessError {
 public:
  Interrupted() : HarnessError(ExitCode::kInterrupted, "interrupted") {}
};

}  // namespace bh
