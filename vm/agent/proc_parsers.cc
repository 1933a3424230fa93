#include "vm/agent/proc_parsers.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

namespace bh::agent {
namespace {

std::optional<std::uint64_t> to_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (true) {
    pos = line.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos) return words;
    const auto end = line.find_first_of(" \t", pos);
    words.push_back(line.substr(pos, end == std::string_view::npos ? end : end - pos));
    if (end == std::string_view::npos) return words;
    pos = end;
  }
}

/// One "/proc/slabinfo" cache line -> (name, kB), if it has the version 2.x columns.
std::optional<std::pair<std::string, std::uint64_t>> parse_slab_line(std::string_view line) {
  const auto words = split_words(line);
  if (words.size() < 4) return std::nullopt;
  const auto num_objs = to_number(words[2]);
  const auto objsize = to_number(words[3]);
  if (!num_objs || !objsize) return std::nullopt;
  return std::pair{std::string(words[0]), (*num_objs * *objsize + 512) / 1024};
}

}  // namespace

std::map<std::string, std::uint64_t> parse_meminfo(std::string_view text) {
  std::map<std::string, std::uint64_t> result;
  for (const auto line : split_lines(text)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    const auto words = split_words(line.substr(colon + 1));
    if (words.empty() || words.size() > 2 || (words.size() == 2 && words[1] != "kB")) continue;
    if (const auto value = to_number(words[0])) result[std::string(line.substr(0, colon))] = *value;
  }
  return result;
}

Expected<std::map<std::string, std::uint64_t>> parse_slabinfo(std::string_view text) {
  const auto lines = split_lines(text);
  if (lines.empty() || !lines.front().starts_with("slabinfo - version: 2.")) {
    const std::string first = lines.empty() ? "" : std::string(lines.front().substr(0, 60));
    return fail("/proc/slabinfo: unsupported header '" + first + "'");
  }
  std::map<std::string, std::uint64_t> result;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].starts_with("#")) continue;
    if (auto cache = parse_slab_line(lines[i])) result.insert(std::move(*cache));
  }
  return result;
}

Expected<double> parse_uptime(std::string_view text) {
  const auto words = split_words(text.substr(0, text.find('\n')));
  if (words.empty()) return fail("/proc/uptime: empty");
  const std::string first(words.front());
  char* end = nullptr;
  const double seconds = std::strtod(first.c_str(), &end);
  if (end != first.c_str() + first.size()) {
    return fail("/proc/uptime: not a number: '" + first + "'");
  }
  return seconds;
}

}  // namespace bh::agent
