#pragma once
/// Typed access to a request's fields. Every failure names the field and what was wrong
/// ("missing field 'path'", "field 'argv' must be an array of strings").

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "protocol/protocol.h"

namespace bh::agent {

using protocol::Json;

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

/// The request's "timeout_ms" (a positive integer); absent or null gives `fallback`.
Expected<std::chrono::milliseconds> request_timeout(const Json& request, std::chrono::milliseconds fallback);

}  // namespace bh::agent
