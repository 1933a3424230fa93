#pragma once
/// Expected<T>: a value or an Error, for parsers and I/O (Boost.Outcome's result).

#include <boost/outcome.hpp>
#include <string>
#include <utility>

#include "harness/base/error.h"

namespace bh {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;

/// A T, or an Error saying why there is none. Accessing the wrong side terminates.
template <class T>
using Expected = outcome::result<T, Error, outcome::policy::terminate>;

/// Builds the failure side of any Expected<T>: `return fail("file:3: bad key");`.
inline auto fail(std::string message) { return outcome::failure(Error{std::move(message)}); }

/// Returns the value or throws HarnessError with the error's message (for callers that
/// cannot recover).
template <class T>
T value_or_throw(Expected<T> result, ExitCode code = ExitCode::kError) {
  if (!result) throw HarnessError(code, result.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(result).value();
}

}  // namespace bh
