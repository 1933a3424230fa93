#pragma once
/// A tracefs event histogram read back: the `hist` file of an event that has a
/// "hist:keys=...:vals=..." trigger (Documentation/trace/histogram.rst). The kernel adds
/// each event to its entry as the event happens, so a reading is exact at the moment it is
/// taken, with no sampling and no ring buffer to overflow.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// Field name -> value, for the numeric keys or values of one entry.
using HistFields = std::map<std::string, std::uint64_t, std::less<>>;

/// One line "{ cache_hit:          1, bypass:          0 } hitcount:        103".
struct HistEntry {
  HistFields keys;
  HistFields values;  ///< hitcount and the trigger's vals
};

/// What a hist file holds.
struct EventHist {
  std::vector<HistEntry> entries;
  std::uint64_t hits = 0;     ///< "Totals: Hits": events the trigger saw
  std::uint64_t dropped = 0;  ///< "Totals: Dropped": events not counted, the map being full
};

/// Parses a hist file. Keys and values must be unsigned decimals, which is how the kernel
/// prints numeric fields without a modifier (.hex, .sym, .execname... are not supported);
/// '#' lines are comments. An error names the line that does not parse, or says the
/// Totals are missing (a file cut short).
Expected<EventHist> parse_event_hist(std::string_view text);

/// The sum of value `value` over the entries whose keys include every (name, value) of
/// `where`; 0 when none does.
std::uint64_t hist_sum(const EventHist& hist, std::string_view value, const HistFields& where = {});

}  // namespace bh::analysis
