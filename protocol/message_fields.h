#pragma once
/// Typed access to a message's fields: a request's in the guest agent, an answer's on the
/// host (which must not trust what the guest sends). Every failure names the field and what
/// was wrong ("missing field 'path'", "field 'argv' must be an array of strings").

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "protocol/protocol.h"

namespace bh::protocol {

/// The string field `name`, which must be present.
Expected<std::string> required_string(const Json& request, std::string_view name);

/// The string field `name`; absent or null gives "".
Expected<std::string> optional_string(const Json& request, std::string_view name);

/// The non-empty array of strings `name`, which must be present.
Expected<std::vector<std::string>> required_string_list(const Json& request, std::string_view name);

/// The array of strings `name`; absent or null gives an empty list.
Expected<std::vector<std::string>> optional_string_list(const Json& request, std::string_view name);

/// The object of string values `name`; absent or null gives an empty map.
Expected<std::map<std::string, std::string>> optional_string_map(const Json& request, std::string_view name);

/// The non-negative integer `name`; absent or null gives `fallback`.
Expected<std::int64_t> optional_count(const Json& request, std::string_view name, std::int64_t fallback);

/// The boolean `name`; absent or null gives `fallback`.
Expected<bool> optional_bool(const Json& message, std::string_view name, bool fallback);

/// Whether a request's optional field 'compression' asks for LZ4 ("lz4"); absent or empty
/// means none; any other value is an error naming it.
Expected<bool> wants_lz4(const Json& request);

/// The integer `name`, which must fit an int; absent or null gives `fallback`.
Expected<int> optional_int(const Json& message, std::string_view name, int fallback);

/// The number `name` (integer or not); absent or null gives `fallback`.
Expected<double> optional_number(const Json& message, std::string_view name, double fallback);

/// The object `name`; absent or null gives an empty object.
Expected<Json> optional_object(const Json& message, std::string_view name);

/// The array `name`; absent or null gives an empty array.
Expected<Json> optional_array(const Json& message, std::string_view name);

/// What an answer to `op` says: the answer itself when its "ok" is true; when false, an
/// error "guest agent: OP: <its error>". An "ok" that is not a boolean or an "error" that is
/// not a string is an error naming the op and the field.
Expected<Json> answer_outcome(std::string_view op, Json answer);

/// The request's "timeout_ms" (a positive integer); absent or null gives `fallback`.
Expected<std::chrono::milliseconds> request_timeout(const Json& request, std::chrono::milliseconds fallback);

}  // namespace bh::protocol
