#include "analysis/trace/event_format.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <ranges>
#include <utility>

#include "base/strings.h"

namespace bh::analysis {
namespace {

// Trace data is in the traced kernel's byte order; the harness's guests and hosts are x86-64.
static_assert(std::endian::native == std::endian::little, "trace fields are read in the host's byte order");

constexpr std::string_view kIdentifierChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/// "line 7 ('field:int x;...')": where a format file is wrong.
std::string line_named(std::size_t number, std::string_view line) {
  return "line " + std::to_string(number) + " ('" + std::string(trim(line)) + "')";
}

/// The key and value of one "key:value" part of a field line, both trimmed.
std::optional<std::pair<std::string_view, std::string_view>> key_value(std::string_view part) {
  const auto colon = part.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::pair{trim(part.substr(0, colon)), trim(part.substr(colon + 1))};
}

/// Takes a trailing "[N]" off `declaration` into array_length (0 when N is not a number: a
/// kernel that left an enum's name there). `declaration` keeps the rest.
Expected<void> take_array_suffix(std::string_view& declaration, TraceField& field) {
  if (!declaration.ends_with(']')) return outcome::success();
  const auto open = declaration.rfind('[');
  if (open == std::string_view::npos) return fail("an unbalanced ']' in '" + field.declaration + "'");
  field.array_length = to_number(declaration.substr(open + 1, declaration.size() - open - 2)).value_or(0);
  declaration = trim_end(declaration.substr(0, open));
  return outcome::success();
}

/// Fills name and array_length from the declaration: "char rwbs[6]" is rwbs, 6 long.
Expected<void> name_field(TraceField& field) {
  std::string_view declaration = field.declaration;
  if (auto taken = take_array_suffix(declaration, field); !taken) return taken.error();
  const auto last = declaration.find_last_not_of(kIdentifierChars);
  field.name = std::string(last == std::string_view::npos ? declaration : declaration.substr(last + 1));
  if (field.name.empty()) return fail("no field name in '" + field.declaration + "'");
  return outcome::success();
}

/// Stores one "offset:N", "size:N" or "signed:N" attribute; other keys are ignored.
Expected<void> set_attribute(TraceField& field, std::string_view key, std::string_view value) {
  if (key != "offset" && key != "size" && key != "signed") return outcome::success();
  const auto number = to_number(value);
  if (!number) return fail(std::string(key) + " '" + std::string(value) + "' is not a number");
  if (key == "offset") field.offset = *number;
  if (key == "size") field.size = *number;
  if (key == "signed") field.is_signed = *number != 0;
  return outcome::success();
}

/// One "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" line (header_page's have a space after
/// "field:"). offset and size are required; signed is absent on very old kernels.
Expected<TraceField> parse_field(std::string_view line) {
  TraceField field;
  bool has_offset = false, has_size = false;
  // A loop rather than std::views::split, which clang 14 cannot compile with libstdc++ 12
  // (scripts/fuzz builds with clang).
  for (std::string_view rest = line; !rest.empty();) {
    const std::string_view part = rest.substr(0, rest.find(';'));
    rest.remove_prefix(std::min(part.size() + 1, rest.size()));
    const auto pair = key_value(part);
    if (!pair) {
      if (!trim(part).empty()) return fail("'" + std::string(trim(part)) + "' is not key:value");
      continue;
    }
    if (pair->first == "field") field.declaration = std::string(pair->second);
    has_offset |= pair->first == "offset";
    has_size |= pair->first == "size";
    if (auto set = set_attribute(field, pair->first, pair->second); !set) return set.error();
  }
  if (!has_offset || !has_size) return fail("no offset or no size");
  if (auto named = name_field(field); !named) return named.error();
  return field;
}

/// What one line of a format file says, into `format`; false once `print fmt:` ends the fields.
Expected<bool> take_format_line(std::string_view line, EventFormat& format, bool& has_id) {
  if (line.empty() || line == "format:") return true;
  if (line.starts_with("print fmt:")) return false;
  if (line.starts_with("name:")) {
    format.name = std::string(trim(line.substr(5)));
  } else if (line.starts_with("ID:")) {
    const auto id = to_number(trim(line.substr(3)));
    if (!id || *id > 0xffff) return fail("not an event ID of 16 bits");
    format.id = static_cast<std::uint16_t>(*id);
    has_id = true;
  } else if (line.starts_with("field:")) {
    auto field = parse_field(line);
    if (!field) return field.error();
    format.fields.push_back(std::move(field).value());
  } else {
    return fail("not a name, ID, format or field line");
  }
  return true;
}

/// The field lines of a header_page text; an error names the line that is wrong.
Expected<EventFormat> header_page_fields(std::string_view text) {
  EventFormat fields;
  std::size_t number = 0;
  for (const auto line : split_lines(text)) {
    ++number;
    if (trim(line).empty()) continue;
    auto field = parse_field(trim(line));
    if (!field) return fail("header_page " + line_named(number, line) + ": " + field.error().message);
    fields.fields.push_back(std::move(field).value());
  }
  return fields;
}

/// The bytes of `field` in `data`, or an error if it lies outside.
Expected<std::string_view> field_bytes(const TraceField& field, std::string_view data) {
  if (field.offset > data.size() || field.size > data.size() - field.offset) {
    return fail("field " + field.name + " (bytes " + std::to_string(field.offset) + "+" + std::to_string(field.size) +
                ") lies outside the event's " + std::to_string(data.size()) + " bytes");
  }
  return data.substr(field.offset, field.size);
}

template <class T>
T load(std::string_view bytes) {
  T value;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

/// The field's integer, loaded as whichever of T8..T64 has its size and widened to Wide (so
/// signed types sign-extend).
template <class Wide, class T8, class T16, class T32, class T64>
Expected<Wide> read_integer(const TraceField& field, std::string_view data) {
  auto bytes = field_bytes(field, data);
  if (!bytes) return bytes.error();
  switch (field.size) {
    case 1: return Wide{load<T8>(bytes.value())};
    case 2: return Wide{load<T16>(bytes.value())};
    case 4: return Wide{load<T32>(bytes.value())};
    case 8: return Wide{load<T64>(bytes.value())};
  }
  return fail("field " + field.name + " has " + std::to_string(field.size) + " bytes, not an integer's 1, 2, 4 or 8");
}

}  // namespace

const TraceField* EventFormat::field(std::string_view wanted) const {
  const auto found = std::ranges::find(fields, wanted, &TraceField::name);
  return found == fields.end() ? nullptr : &*found;
}

Expected<EventFormat> parse_event_format(std::string_view text) {
  EventFormat format;
  bool has_id = false;
  std::size_t number = 0;
  for (const auto line : split_lines(text)) {
    ++number;
    auto more = take_format_line(trim(line), format, has_id);
    if (!more) return fail(line_named(number, line) + ": " + more.error().message);
    if (!more.value()) break;
  }
  if (format.name.empty()) return fail("no 'name:' line");
  if (!has_id) return fail("no 'ID:' line for " + format.name);
  return format;
}

Expected<PageHeaderFormat> parse_header_page(std::string_view text) {
  auto fields = header_page_fields(text);
  if (!fields) return fields.error();
  const auto* timestamp = fields.value().field("timestamp");
  const auto* commit = fields.value().field("commit");
  const auto* data = fields.value().field("data");
  if (!timestamp || !commit || !data) return fail("header_page lacks its timestamp, commit or data field");
  if (timestamp->size != 8) return fail("header_page: a timestamp of " + std::to_string(timestamp->size) + " bytes");
  if (commit->size != 4 && commit->size != 8) {
    return fail("header_page: a commit of " + std::to_string(commit->size) + " bytes, not a long's 4 or 8");
  }
  return PageHeaderFormat{timestamp->offset, commit->offset, commit->size, data->offset, data->size};
}

Expected<std::uint64_t> read_unsigned(const TraceField& field, std::string_view data) {
  return read_integer<std::uint64_t, std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t>(field, data);
}

Expected<std::int64_t> read_signed(const TraceField& field, std::string_view data) {
  return read_integer<std::int64_t, std::int8_t, std::int16_t, std::int32_t, std::int64_t>(field, data);
}

Expected<std::string> read_chars(const TraceField& field, std::string_view data) {
  if (field.size == 0) {  // a flexible array ("char buf[]"): the rest of the record
    if (field.offset > data.size())
      return fail("field " + field.name + " (from byte " + std::to_string(field.offset) +
                  ") lies outside the event's " + std::to_string(data.size()) + " bytes");
    const auto rest = data.substr(field.offset);
    return std::string(rest.substr(0, rest.find('\0')));
  }
  auto bytes = field_bytes(field, data);
  if (!bytes) return bytes.error();
  return std::string(bytes.value().substr(0, bytes.value().find('\0')));
}

}  // namespace bh::analysis
