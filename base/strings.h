#pragma once
/// The string helpers every layer needs: trimming, splitting into lines and words, and
/// whole-string numbers. Header-only and free of host libraries (the guest agent uses them).

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace bh {

/// The whitespace trim() and split_words() treat as blank: space, tab, CR, LF, VT, FF.
inline constexpr std::string_view kBlank = " \t\r\n\v\f";

/// `text` without blanks at its end.
inline std::string_view trim_end(std::string_view text) {
  const auto last = text.find_last_not_of(kBlank);
  return last == std::string_view::npos ? std::string_view() : text.substr(0, last + 1);
}

/// `text` without blanks at either end.
inline std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return trim_end(text.substr(first));
}

/// The lines of `text`, without their '\n'; a final '\n' does not start an empty line.
inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

/// The blank-separated words of `text`, in order.
inline std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while ((pos = text.find_first_not_of(kBlank, pos)) != std::string_view::npos) {
    const auto end = std::min(text.find_first_of(kBlank, pos), text.size());
    words.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

/// `text` as an unsigned decimal number, when all of it is one (no sign, no blanks, no
/// trailing characters, no overflow).
inline std::optional<std::uint64_t> to_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace bh
