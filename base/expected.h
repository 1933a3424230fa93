#pragma once
/// Expected<T>: a value or an Error, for parsers and I/O (Boost.Outcome's result).
/// Header-only; the guest agent uses it too.

#include <boost/outcome.hpp>
#include <string>
#include <utility>

#include "base/error.h"

namespace bh {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;

/// A T, or an Error saying why there is none. Accessing the wrong side terminates.
template <class T>
using Expected = outcome::result<T, Error, outcome::policy::terminate>;

/// Builds the failure side of any Expected<T>: `return fail("file:3: bad key");`.
inline auto fail(std::string message) { return outcome::failure(Error{std::move(message)}); }

}  // namespace bh
