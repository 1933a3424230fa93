#pragma once
/// tracefs' kprobe_profile read back: per kprobe event, how often it fired and how often it
/// could not run (a hit while another kprobe's handler ran on that CPU: the kernel counts it
/// in nmissed and records nothing).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh::analysis {

/// One kprobe event's line.
struct KprobeCounts {
  std::uint64_t hits = 0;
  std::uint64_t missed = 0;
};

/// Event name (without its group, as the file prints it) -> its counts, from lines of
/// "  EVENT   HITS   MISSES". Blank lines are skipped; an error names the line that has not
/// those three words.
Expected<std::map<std::string, KprobeCounts, std::less<>>> parse_kprobe_profile(std::string_view text);

}  // namespace bh::analysis
