#include "analysis/trace/kprobe_profile.h"

#include "base/strings.h"

namespace bh::analysis {

Expected<std::map<std::string, KprobeCounts, std::less<>>> parse_kprobe_profile(std::string_view text) {
  std::map<std::string, KprobeCounts, std::less<>> profile;
  std::size_t number = 0;
  for (const auto line : split_lines(text)) {
    ++number;
    const auto words = split_words(line);
    if (words.empty()) continue;
    const auto hits = words.size() == 3 ? to_number(words[1]) : std::nullopt;
    const auto missed = words.size() == 3 ? to_number(words[2]) : std::nullopt;
    if (!hits || !missed) return fail("kprobe_profile line " + std::to_string(number) + ": expected EVENT HITS MISSES");
    profile[std::string(words[0])] = {*hits, *missed};
  }
  return profile;
}

}  // namespace bh::analysis
