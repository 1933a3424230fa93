#include "analysis/trace/event_hist.h"

#include <optional>

#include "base/strings.h"

namespace bh::analysis {
namespace {

/// "name: 12" -> (name, 12).
std::optional<std::pair<std::string, std::uint64_t>> field_of(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto name = trim(text.substr(0, colon));
  const auto value = to_number(trim(text.substr(colon + 1)));
  if (name.empty() || !value) return std::nullopt;
  return std::pair{std::string(name), *value};
}

/// "{ a: 1, b: 0 } hitcount: 3  sectors: 24" -> its keys and values.
std::optional<HistEntry> entry_of(std::string_view line) {
  const auto close = line.find('}');
  if (close == std::string_view::npos) return std::nullopt;
  HistEntry entry;
  for (auto keys = line.substr(1, close - 1); !trim(keys).empty();) {
    const auto comma = keys.find(',');
    const auto key = field_of(keys.substr(0, comma));
    if (!key) return std::nullopt;
    entry.keys.insert(*key);
    keys = comma == std::string_view::npos ? std::string_view() : keys.substr(comma + 1);
  }
  const auto words = split_words(line.substr(close + 1));
  if (words.empty() || words.size() % 2 != 0) return std::nullopt;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    if (!words[i].ends_with(':')) return std::nullopt;
    const auto value = field_of(std::string(words[i]) + std::string(words[i + 1]));
    if (!value) return std::nullopt;
    entry.values.insert(*value);
  }
  return entry;
}

}  // namespace

Expected<EventHist> parse_event_hist(std::string_view text) {
  EventHist hist;
  bool totals = false;
  std::size_t number = 0;
  for (const auto raw : split_lines(text)) {
    ++number;
    const auto line = trim(raw);
    if (line.empty() || line.starts_with('#')) continue;
    const auto where = "hist line " + std::to_string(number) + ": ";
    if (line.starts_with('{')) {
      auto entry = entry_of(line);
      if (!entry)
        return fail(where + "not an entry of numeric keys and values: '" + std::string(line.substr(0, 80)) + "'");
      hist.entries.push_back(std::move(*entry));
    } else if (line == "Totals:") {
      totals = true;
    } else if (const auto field = field_of(line); field && totals) {
      if (field->first == "Hits") hist.hits += field->second;
      if (field->first == "Dropped") hist.dropped += field->second;
    } else {
      return fail(where + "unexpected '" + std::string(line.substr(0, 80)) + "'");
    }
  }
  if (!totals) return fail("hist: no Totals (the file is cut short, or is no histogram)");
  return hist;
}

std::uint64_t hist_sum(const EventHist& hist, std::string_view value, const HistFields& where) {
  std::uint64_t sum = 0;
  for (const auto& entry : hist.entries) {
    bool matches = true;
    for (const auto& [name, wanted] : where) {
      const auto key = entry.keys.find(name);
      matches = matches && key != entry.keys.end() && key->second == wanted;
    }
    const auto it = entry.values.find(value);
    if (matches && it != entry.values.end()) sum += it->second;
  }
  return sum;
}

}  // namespace bh::analysis
