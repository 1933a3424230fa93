#pragma once
/// The harness's exit codes and the one error it throws up to main.
///
/// Problems nothing can recover from are thrown as HarnessError and caught once, in main,
/// which prints them and exits with the error's code. Everything below the harness (base/,
/// util/, analysis/) reports errors as Expected values instead.

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "base/expected.h"

namespace bh {

/// Exit codes shared by every subcommand; users' CI scripts depend on them.
enum class ExitCode : int {
  kOk = 0,            ///< everything PASS or SKIP
  kFail = 1,          ///< a finding about the kernel (stale data, oops)
  kUsage = 2,         ///< bad command line, scenario or configuration
  kError = 3,         ///< the harness could not do its job (infrastructure)
  kInterrupted = 130  ///< the user pressed Ctrl-C
};

/// An unrecoverable error, thrown up to main.
class HarnessError : public std::runtime_error {
 public:
  HarnessError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  explicit HarnessError(const std::string& message) : HarnessError(ExitCode::kError, message) {}

  /// The exit code main should return for this error.
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

/// Returns the value or throws HarnessError with the error's message (for callers that
/// cannot recover).
template <class T>
T value_or_throw(Expected<T> result, ExitCode code = ExitCode::kError) {
  if (!result) throw HarnessError(code, result.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(result).value();
}

}  // namespace bh
