#include "harness/reports/block_map.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "analysis/block_classifier.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

/// A class's name and colour, in kBlockMapLegend order.
struct ClassLook {
  char block_class;
  std::string_view name;
  std::string_view colour;
};

constexpr std::array<ClassLook, 7> kLooks = {{
    {'.', "current", "#cfe3cf"},
    {'S', "stale", "#d62728"},
    {'L', "lost write", "#5b1f8a"},
    {'N', "newer", "#1f77b4"},
    {'T', "torn", "#ff7f0e"},
    {'M', "misplaced", "#e377c2"},
    {'U', "unrecognised", "#555555"},
}};
static_assert(kLooks.size() == kBlockMapLegend.size());

const ClassLook* look_of(char block_class) {
  for (const auto& look : kLooks) {
    if (look.block_class == block_class) return &look;
  }
  return nullptr;
}

/// `object[key]` as an unsigned integer; fails naming `source` and `key` otherwise.
Expected<std::uint64_t> unsigned_at(const Json& object, const char* key, std::string_view source,
                                    bool required = true) {
  const auto it = object.find(key);
  if (it == object.end() && !required) return std::uint64_t{0};
  if (it == object.end() || !it->is_number_unsigned()) {
    return fail(std::string(source) + ": \"" + key + "\" " +
                (it == object.end() ? "missing" : "is not an unsigned integer"));
  }
  return it->get<std::uint64_t>();
}

/// Fails naming `source` when `classes` is not `blocks` characters of kBlockMapLegend.
Expected<void> check_classes(const std::string& classes, std::uint64_t blocks, std::string_view source) {
  if (classes.size() != blocks) {
    return fail(std::string(source) + ": \"classes\" has " + std::to_string(classes.size()) +
                " characters but \"blocks\" is " + std::to_string(blocks));
  }
  const auto bad = classes.find_first_not_of(kBlockMapLegend);
  if (bad != std::string::npos) {
    return fail(std::string(source) + ": \"classes\" has '" + classes.substr(bad, 1) + "' at block " +
                std::to_string(bad) + ", not one of \"" + std::string(kBlockMapLegend) + "\"");
  }
  return outcome::success();
}

std::string class_attribute(std::string_view name) {
  std::string out = "bm-";
  for (char c : name) out += c == ' ' ? '-' : c;
  return out;
}

std::string rect(std::size_t x, std::size_t y, std::size_t width, std::size_t height) {
  return "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(width) +
         "\" height=\"" + std::to_string(height) + "\"/>";
}

/// The current background: the full rows as one rect, the last partial row as another.
std::string background(std::size_t blocks, std::size_t columns) {
  const std::size_t full_rows = blocks / columns, rest = blocks % columns;
  std::string out = "<g class=\"bm-current\" fill=\"" + std::string(kLooks[0].colour) + "\">";
  if (full_rows > 0) out += rect(0, 0, columns, full_rows);
  if (rest > 0) out += rect(0, full_rows, rest, 1);
  return out + "</g>";
}

/// One <g> per non-current class present, holding a rect per run of it within a row.
std::string class_runs(const std::string& classes, std::size_t columns) {
  std::map<char, std::string> rects;
  for (std::size_t at = 0; at < classes.size();) {
    const char c = classes[at];
    const std::size_t row_end = (at / columns + 1) * columns;
    std::size_t end = at + 1;
    while (end < classes.size() && end < row_end && classes[end] == c) ++end;
    if (c != '.') rects[c] += rect(at % columns, at / columns, end - at, 1);
    at = end;
  }
  std::string out;
  for (const auto& look : kLooks) {
    const auto it = rects.find(look.block_class);
    if (it == rects.end()) continue;
    out += "<g class=\"" + class_attribute(look.name) + "\" fill=\"" + std::string(look.colour) + "\">" + it->second +
           "</g>";
  }
  return out;
}

/// The outline of blocks [first, end) laid out `columns` a row, as path data.
std::string range_outline(std::size_t first, std::size_t end, std::size_t columns) {
  const auto n = [](std::size_t v) { return std::to_string(v); };
  const std::size_t r0 = first / columns, c0 = first % columns;
  const std::size_t r1 = (end - 1) / columns, c1 = (end - 1) % columns + 1;
  const auto box = [&](std::size_t left, std::size_t right, std::size_t row) {
    return "M" + n(left) + " " + n(row) + "H" + n(right) + "V" + n(row + 1) + "H" + n(left) + "Z";
  };
  if (r0 == r1) return box(c0, c1, r0);
  if (r1 == r0 + 1 && c1 < c0) return box(c0, columns, r0) + box(0, c1, r1);  // two pieces
  return "M" + n(c0) + " " + n(r0) + "H" + n(columns) + "V" + n(r1) + "H" + n(c1) + "V" + n(r1 + 1) + "H0V" +
         n(r0 + 1) + "H" + n(c0) + "Z";
}

std::string aria_label(const BlockMap& map) {
  std::string label = "Block map of " + std::to_string(map.classes.size()) + " blocks:";
  for (const auto& [block_class, count] : block_class_counts(map)) {
    label += " " + std::to_string(count) + " " + std::string(block_class_name(block_class)) + ",";
  }
  label.back() = '.';
  return label;
}

}  // namespace

Expected<BlockMap> parse_block_map(std::string_view text, std::string_view source) {
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return fail(std::string(source) + ": not JSON");
  if (!json.is_object()) return fail(std::string(source) + ": not a JSON object");
  BlockMap map;
  using Field = std::tuple<const char*, std::uint64_t*, bool>;  // key, where, required
  for (auto [key, field, required] :
       {Field{"block_size", &map.block_size, true}, Field{"start_offset", &map.start_offset, true},
        Field{"write_offset", &map.write_offset, false}, Field{"write_size", &map.write_size, false}}) {
    auto value = unsigned_at(json, key, source, required);
    if (!value) return value.error();
    *field = value.value();
  }
  if (map.block_size == 0) return fail(std::string(source) + ": \"block_size\" is 0");
  auto blocks = unsigned_at(json, "blocks", source);
  if (!blocks) return blocks.error();
  const auto classes = json.find("classes");
  if (classes == json.end() || !classes->is_string()) {
    return fail(std::string(source) + ": \"classes\" " + (classes == json.end() ? "missing" : "is not a string"));
  }
  map.classes = classes->get<std::string>();
  if (auto checked = check_classes(map.classes, blocks.value(), source); !checked) {
    return checked.error();
  }
  return map;
}

std::string_view block_class_name(char block_class) {
  const auto* look = look_of(block_class);
  return look ? look->name : "unknown";
}

std::string_view block_class_colour(char block_class) {
  const auto* look = look_of(block_class);
  return look ? look->colour : "#000000";
}

std::vector<std::pair<char, std::uint64_t>> block_class_counts(const BlockMap& map) {
  std::vector<std::pair<char, std::uint64_t>> counts;
  for (char block_class : kBlockMapLegend) {
    const auto n = static_cast<std::uint64_t>(std::count(map.classes.begin(), map.classes.end(), block_class));
    if (n > 0) counts.emplace_back(block_class, n);
  }
  return counts;
}

std::uint64_t non_current_blocks(const BlockMap& map) {
  return map.classes.size() - static_cast<std::uint64_t>(std::count(map.classes.begin(), map.classes.end(), '.'));
}

std::size_t block_map_columns(std::size_t blocks) {
  std::size_t columns = 64;
  while (columns * columns < 4 * blocks) columns *= 2;
  return std::max<std::size_t>(1, std::min(columns, blocks));
}

std::pair<std::size_t, std::size_t> writer_blocks(const BlockMap& map) {
  const std::uint64_t blocks = map.classes.size();
  if (map.write_size == 0 || map.write_offset + map.write_size <= map.start_offset) return {0, 0};
  const std::uint64_t from = map.write_offset > map.start_offset ? map.write_offset - map.start_offset : 0;
  const std::uint64_t to = map.write_offset + map.write_size - map.start_offset;
  const std::uint64_t first = std::min(blocks, from / map.block_size);
  const std::uint64_t end = std::min(blocks, (to + map.block_size - 1) / map.block_size);
  return {first, std::max(first, end)};
}

std::string block_map_svg(const BlockMap& map) {
  const std::size_t blocks = map.classes.size();
  const std::size_t columns = block_map_columns(blocks);
  const std::size_t rows = blocks == 0 ? 1 : (blocks + columns - 1) / columns;
  std::string svg = "<svg class=\"block-map\" viewBox=\"0 0 " + std::to_string(columns) + " " + std::to_string(rows) +
                    "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" + aria_label(map) + "\">";
  if (blocks > 0) svg += background(blocks, columns) + class_runs(map.classes, columns);
  if (const auto [first, end] = writer_blocks(map); first < end) {
    svg += "<path class=\"bm-writer\" d=\"" + range_outline(first, end, columns) + "\" fill=\"none\" stroke=\"" +
           std::string(kWriterOutlineColour) + "\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"/>";
  }
  return svg + "</svg>";
}

}  // namespace bh::analysis
