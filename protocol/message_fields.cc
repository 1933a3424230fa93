#include "protocol/message_fields.h"

#include <limits>

namespace bh::protocol {
namespace {

std::string quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

auto wrong_type(std::string_view name, std::string_view expected) {
  return fail("field " + quoted(name) + " must be " + std::string(expected));
}

/// The field, or null when absent.
const Json& field(const Json& request, std::string_view name) {
  static const Json null_json;
  const auto it = request.find(name);
  return it == request.end() ? null_json : *it;
}

}  // namespace

Expected<std::string> required_string(const Json& request, std::string_view name) {
  const Json& value = field(request, name);
  if (value.is_null()) return fail("missing field " + quoted(name));
  if (!value.is_string()) return wrong_type(name, "a string");
  return value.get<std::string>();
}

Expected<std::string> optional_string(const Json& request, std::string_view name) {
  if (field(request, name).is_null()) return std::string();
  return required_string(request, name);
}

Expected<std::vector<std::string>> required_string_list(const Json& request, std::string_view name) {
  if (field(request, name).is_null()) return fail("missing field " + quoted(name));
  auto list = optional_string_list(request, name);
  if (list && list.value().empty()) return fail("field " + quoted(name) + " must not be empty");
  return list;
}

Expected<std::vector<std::string>> optional_string_list(const Json& request, std::string_view name) {
  const Json& value = field(request, name);
  std::vector<std::string> result;
  if (value.is_null()) return result;
  if (!value.is_array()) return wrong_type(name, "an array of strings");
  for (const Json& item : value) {
    if (!item.is_string()) return wrong_type(name, "an array of strings");
    result.push_back(item.get<std::string>());
  }
  return result;
}

Expected<std::map<std::string, std::string>> optional_string_map(const Json& request, std::string_view name) {
  const Json& value = field(request, name);
  std::map<std::string, std::string> result;
  if (value.is_null()) return result;
  if (!value.is_object()) return wrong_type(name, "an object of strings");
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) return wrong_type(name, "an object of strings");
    result[key] = item.get<std::string>();
  }
  return result;
}

Expected<std::int64_t> optional_count(const Json& request, std::string_view name, std::int64_t fallback) {
  const Json& value = field(request, name);
  if (value.is_null()) return fallback;
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
    return wrong_type(name, "a non-negative integer");
  }
  return value.get<std::int64_t>();
}

Expected<bool> optional_bool(const Json& message, std::string_view name, bool fallback) {
  const Json& value = field(message, name);
  if (value.is_null()) return fallback;
  if (!value.is_boolean()) return wrong_type(name, "a boolean");
  return value.get<bool>();
}

Expected<bool> wants_lz4(const Json& request) {
  auto compression = optional_string(request, "compression");
  if (!compression) return compression.error();
  if (compression.value().empty()) return false;
  if (compression.value() != "lz4")
    return fail("field 'compression' must be \"lz4\" or absent, not \"" + compression.value() + "\"");
  return true;
}

Expected<int> optional_int(const Json& message, std::string_view name, int fallback) {
  const Json& value = field(message, name);
  if (value.is_null()) return fallback;
  const bool fits = value.is_number_unsigned()
                        ? value.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<int>::max()}
                        : value.is_number_integer() && value.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                              value.get<std::int64_t>() <= std::numeric_limits<int>::max();
  if (!fits) return wrong_type(name, "an integer that fits an int");
  return value.get<int>();
}

Expected<double> optional_number(const Json& message, std::string_view name, double fallback) {
  const Json& value = field(message, name);
  if (value.is_null()) return fallback;
  if (!value.is_number()) return wrong_type(name, "a number");
  return value.get<double>();
}

Expected<Json> optional_object(const Json& message, std::string_view name) {
  const Json& value = field(message, name);
  if (value.is_null()) return Json::object();
  if (!value.is_object()) return wrong_type(name, "an object");
  return value;
}

Expected<Json> optional_array(const Json& message, std::string_view name) {
  const Json& value = field(message, name);
  if (value.is_null()) return Json::array();
  if (!value.is_array()) return wrong_type(name, "an array");
  return value;
}

Expected<Json> answer_outcome(std::string_view op, Json answer) {
  const std::string prefix = "guest agent: " + std::string(op) + ": ";
  auto ok = optional_bool(answer, "ok", false);
  if (!ok) return fail(prefix + "answer's " + ok.error().message);
  if (ok.value()) return answer;
  auto error = optional_string(answer, "error");
  if (!error) return fail(prefix + "answer's " + error.error().message);
  return fail(prefix + (error.value().empty() ? "unknown error" : error.value()));
}

Expected<std::chrono::milliseconds> request_timeout(const Json& request, std::chrono::milliseconds fallback) {
  auto value = optional_count(request, "timeout_ms", fallback.count());
  if (!value || value.value() == 0) return wrong_type("timeout_ms", "a positive integer");
  return std::chrono::milliseconds(value.value());
}

}  // namespace bh::protocol
