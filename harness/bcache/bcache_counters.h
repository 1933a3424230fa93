#pragma once
/// bcache's hit/miss/bypass counters of one device, read so that a phase's I/O is all in them.
///
/// bcache does not add to /sys/.../stats_total/* as requests complete: it counts them in
/// per-device atomic collectors and folds those into the exported totals from a timer, every
/// accounting_delay = (HZ * 300) / 22 jiffies, about 13.64 s (drivers/md/bcache/stats.c,
/// scale_accounting). A reading taken right after a phase therefore misses up to 13.6 s of
/// its requests. settle_counters() waits for the next fold before it reports.
/// Counters the kernel keeps as requests happen (harness/runs/trace_counters.h, read through
/// the same CounterSource interface) need no fold: quiet_counters() waits until they stop
/// moving.

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "harness/vm/guest_agent.h"
#include "util/clock.h"

namespace bh {

/// Counter name -> value. The names are the stats_total files' (cache_hits, cache_misses,
/// cache_bypass_hits, cache_bypass_misses, cache_miss_collisions, cache_readaheads where the
/// kernel has it), plus "bypassed_bytes" read from the "bypassed" file (see
/// parse_counter_files: bcache prints it rounded, so it is approximate).
using BcacheCounterValues = std::map<std::string, std::uint64_t>;

/// Where counter readings come from.
class CounterSource {
 public:
  virtual ~CounterSource() = default;
  /// One reading of every counter there is. The counters are not read atomically.
  virtual Expected<BcacheCounterValues> read() = 0;
};

/// "/sys/block/<device>/bcache/stats_total" for a bcache device such as "bcache0".
std::string bcache_stats_total_dir(std::string_view device);

/// Reads a stats_total directory in the guest (a bcache device's, or a cache set's
/// /sys/fs/bcache/<uuid>/stats_total) through the agent, in one request.
class GuestCounterSource : public CounterSource {
 public:
  GuestCounterSource(GuestAgent& agent, std::string stats_dir) : agent_(agent), stats_dir_(std::move(stats_dir)) {}

  /// The counters whose files exist (a missing file is left out); fails when none exists
  /// (naming the directory), when the agent fails, or when a file does not parse (naming it).
  Expected<BcacheCounterValues> read() override;

 private:
  GuestAgent& agent_;
  std::string stats_dir_;
};

/// The counters from stats_total file contents by file name ("cache_hits" -> "12\n", ...):
/// unsigned decimals, and "bypassed" into "bypassed_bytes". bcache prints "bypassed" with
/// bch_hprint ("288.8M": three digits, one truncated decimal, a 1024-based unit), so that
/// value is under the true count by up to a tenth of its unit (about 0.1 % above 100 units,
/// up to 10 % near 1). Unknown names are ignored; `dir` only names the files in errors.
Expected<BcacheCounterValues> parse_counter_files(const std::map<std::string, std::string>& by_name,
                                                  std::string_view dir);

/// A reading taken once the counters hold a phase's requests: after bcache's accounting
/// timer has fired at least once (settle_counters), or once they stopped moving
/// (quiet_counters, for counters that count as requests happen).
struct SettledCounters {
  BcacheCounterValues values;
  double waited_s = 0;    ///< from the first reading to the last
  bool saw_tick = false;  ///< settle_counters: a reading changed, so a fold was seen
  /// quiet_counters: whether two readings in a row were equal; unset for settle_counters.
  std::optional<bool> quiet;
};

/// Reads the counters, then polls every `poll` until a reading differs from the first or
/// `max_wait` has passed, and returns:
///  - when one differed (the timer folded counts in after the call): one more reading, not
///    the one that differed. The files are read one after another, so the reading that first
///    differs may have caught the fold half done; the fold itself takes microseconds and the
///    next is 13.6 s away, so the reading after it has all of them.
///  - when none differed within max_wait: the last reading. The timer must have fired in that
///    time (max_wait exceeds its period) and found nothing to fold, so nothing was pending.
/// The default max_wait is 15 s, not 13.64: the timer wheel rounds a ~13.6 s timer up to its
/// level's granularity (512 jiffies at HZ=1000, 64 at HZ=100/250), so one fold may come up
/// to ~0.64 s late. A counter source error ends the wait and is returned.
Expected<SettledCounters> settle_counters(CounterSource& source, Clock& clock,
                                          std::chrono::milliseconds poll = std::chrono::milliseconds(250),
                                          std::chrono::milliseconds max_wait = std::chrono::milliseconds(15000));

/// For counters kept as requests happen (harness/runs/trace_counters.h): reads them every
/// `poll` until two readings in a row are equal, and returns that reading (quiet = true),
/// or the last one when `max_wait` passes first (quiet = false). Work a phase's last
/// requests leave behind (a miss's cache insert, where a collision is counted) ends within
/// milliseconds of fio's last completion, so this costs one or two polls. A counter source
/// error ends the wait and is returned.
Expected<SettledCounters> quiet_counters(CounterSource& source, Clock& clock,
                                         std::chrono::milliseconds poll = std::chrono::milliseconds(100),
                                         std::chrono::milliseconds max_wait = std::chrono::milliseconds(2000));

/// after - before for each counter in both. Fails naming the counter when one went down
/// (the totals only grow, unless someone wrote clear_stats in between).
Expected<BcacheCounterValues> counter_delta(const BcacheCounterValues& before, const BcacheCounterValues& after);

/// bcache counts one request per bio it is sent, so over a phase in which fio alone read
/// the device, cache_hits + cache_misses + cache_bypass_hits + cache_bypass_misses is at
/// least fio's reads. bcache's own accounting breaks that: scale_accounting (stats.c, 6.1
/// and 6.12 alike) moves each 13.64 s period's count into the totals as a 32-bit value
/// shifted left by 16, so a period with more than 65,535 requests of one kind (about 4,800
/// a second) loses a multiple of 65,536 of them.
/// {"fio_reads": fio_reads, "reads_not_counted": how many of them the delta lacks (0 when
/// it has them all)}.
nlohmann::json reads_check(const BcacheCounterValues& delta, std::uint64_t fio_reads);

/// {"before": {...}, "after": {...}, "delta": {...}, "settle_s": waited_s, "saw_tick": bool},
/// and "quiet": bool when `after` has it.
nlohmann::json to_json(const BcacheCounterValues& before, const SettledCounters& after,
                       const BcacheCounterValues& delta);

}  // namespace bh
