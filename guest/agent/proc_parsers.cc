#include "guest/agent/proc_parsers.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

#include "base/strings.h"

namespace bh::agent {
namespace {

/// One "/proc/slabinfo" cache line -> (name, kB), if it has the version 2.x columns.
std::optional<std::pair<std::string, std::uint64_t>> parse_slab_line(std::string_view line) {
  const auto words = split_words(line);
  if (words.size() < 4) return std::nullopt;
  const auto num_objs = to_number(words[2]);
  const auto objsize = to_number(words[3]);
  if (!num_objs || !objsize) return std::nullopt;
  return std::pair{std::string(words[0]), (*num_objs * *objsize + 512) / 1024};
}

std::optional<std::int64_t> to_signed(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// "<bytes> <calls> <file>:<line> [<module>] func:<function> [key:value...]" -> a site, or
/// why not.
Expected<AllocSite> parse_alloc_line(std::string_view line) {
  const auto words = split_words(line);
  if (words.size() < 4) return fail("expected '<bytes> <calls> <file>:<line> func:<name>'");
  AllocSite site;
  const auto bytes = to_signed(words[0]);
  const auto calls = to_number(words[1]);
  if (!bytes || !calls) return fail("size and calls are not numbers");
  site.bytes = *bytes;
  site.calls = *calls;
  const auto colon = words[2].rfind(':');
  const auto line_number = colon == std::string_view::npos ? std::nullopt : to_number(words[2].substr(colon + 1));
  if (colon == 0 || !line_number) return fail("no <file>:<line> in '" + std::string(words[2]) + "'");
  site.file = std::string(words[2].substr(0, colon));
  site.line = static_cast<unsigned>(*line_number);
  std::size_t next = 3;
  if (words[next].size() > 2 && words[next].front() == '[' && words[next].back() == ']') {
    site.module = std::string(words[next].substr(1, words[next].size() - 2));
    ++next;
  }
  if (next >= words.size() || !words[next].starts_with("func:") || words[next].size() == 5) {
    return fail("no func:<name> after the call site");
  }
  site.function = std::string(words[next].substr(5));
  return site;
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

Expected<std::vector<AllocSite>> parse_allocinfo(std::string_view text, std::string_view file_part) {
  const auto lines = split_lines(text);
  const std::string_view header = lines.empty() ? std::string_view() : lines.front();
  if (!header.starts_with("allocinfo - version: 1.") && !header.starts_with("allocinfo - version: 2.")) {
    return fail("/proc/allocinfo:1: unsupported header '" + std::string(header.substr(0, 60)) + "'");
  }
  std::vector<AllocSite> sites;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].starts_with("#") || lines[i].find_first_not_of(" \t") == std::string_view::npos) continue;
    auto site = parse_alloc_line(lines[i]);
    if (!site) {
      return fail("/proc/allocinfo:" + std::to_string(i + 1) + ": " + site.error().message + ": '" +
                  std::string(lines[i].substr(0, 120)) + "'");
    }
    if (file_part.empty() || site.value().file.find(file_part) != std::string::npos) {
      sites.push_back(std::move(site).value());
    }
  }
  return sites;
}

Expected<std::uint64_t> parse_sysfs_number(std::string_view text, std::string_view path) {
  const auto words = split_words(text.substr(0, text.find('\n')));
  const auto number = words.size() == 1 ? to_number(words.front()) : std::nullopt;
  if (!number) {
    return fail(std::string(path) + ": not a number: '" + std::string(text.substr(0, 40)) + "'");
  }
  return *number;
}

}  // namespace bh::agent
