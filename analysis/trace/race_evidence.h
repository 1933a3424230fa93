#pragma once
/// Race evidence from bcache's events: did the run open the window the stale-data race
/// needs, how often, and did bcache insert stale data through it.
///
/// The race (drivers/md/bcache/request.c): a bypassed write invalidates its range in the
/// cache and writes the backing device; a read that misses the cache meanwhile inserts a
/// placeholder key, reads the backing device (the OLD data while the write is in flight)
/// and inserts what it read with the placeholder as replace key. bcache's own defence
/// drops that insert when something overwrote the placeholder first (a cache-miss
/// collision); it cannot when the invalidation came before the placeholder.
///
/// - a bypass write: a write bcache bypassed (bcache_write with bypass set), in flight from
///   its bcache_request_start to its bcache_request_end; its reason is the tracepoint
///   check_should_bypass fired for it (sequential, congested), else "writearound" in that
///   cache mode, else "other";
/// - a read miss: a read whose lookup missed without bypassing (bcache_read hit=0
///   bypass=0); its time is when its placeholder key landed (a level-0 btree insert inside
///   its range while it was pending), or when it was issued if no placeholder is seen;
/// - a race window: a read miss overlapping (sharing a sector with) a bypass write that
///   was in flight at the miss's time: issued at or before it, completed after it;
/// - a stale insert: a race window whose data insert landed (a replace insert inside the
///   miss's range after the miss, bcache_btree_insert_key with op = replace).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/trace/bcache_events.h"

namespace bh::analysis {

/// A range of backing-device sectors, [begin, end).
struct SectorRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  bool overlaps(const SectorRange& other) const { return begin < other.end && other.begin < end; }
  bool contains(const SectorRange& other) const { return begin <= other.begin && other.end <= end; }
};

/// What the evidence is computed for.
struct RaceEvidenceOptions {
  SectorRange write_range;   ///< the writer's range, backing sectors
  bool writearound = false;  ///< cache_mode writearound: bypass without a tracepoint
};

/// A write bcache bypassed.
struct BypassWrite {
  SectorRange range;
  std::uint64_t issued_ns = 0;
  std::optional<std::uint64_t> completed_ns;  ///< none: still in flight when the trace ended
  std::string reason;                         ///< sequential, congested, writearound, other
  bool in_flight_at(std::uint64_t t_ns) const { return issued_ns <= t_ns && (!completed_ns || t_ns < *completed_ns); }
};

/// A read that missed the cache.
struct ReadMiss {
  SectorRange range;
  std::uint64_t issued_ns = 0;
  std::uint64_t miss_ns = 0;  ///< the placeholder's time, else issued_ns
  bool placeholder = false;   ///< its placeholder key was seen
  std::optional<std::uint64_t> completed_ns;
  bool insert_attempted = false;             ///< bch_data_insert began for it
  std::optional<std::uint64_t> inserted_ns;  ///< its data landed in the btree (first key)
  SectorRange inserted;                      ///< the sectors that landed
  std::optional<std::size_t> raced_write;    ///< index into RaceEvidence::bypass_writes
};

/// What the events show.
struct RaceEvidence {
  std::uint64_t first_event_ns = 0;
  std::uint64_t writer_writes = 0;         ///< writes of >0 sectors overlapping the write range
  std::vector<BypassWrite> bypass_writes;  ///< overlapping the write range
  std::map<std::string, std::uint64_t> bypass_by_reason;
  std::vector<ReadMiss> read_misses;  ///< overlapping the write range
  /// Read misses overlapping the write range that bcache bypassed (read from the backing
  /// device, never inserted: they cannot race). Congestion bypasses readers too.
  std::uint64_t bypassed_read_misses = 0;
  std::uint64_t reads = 0;  ///< every read request in the trace
  std::uint64_t race_windows = 0;
  std::uint64_t stale_inserts = 0;
  /// Race windows whose insert was attempted but never landed (bcache's collision check).
  std::uint64_t insert_collisions = 0;
  /// The stale insert that explains a stale block of sectors `block`: the latest landed
  /// insert of a race-window miss covering it. nullptr when none does.
  const ReadMiss* explain(const SectorRange& block) const;
};

/// Walks the events once, in time order.
RaceEvidence find_race_evidence(const BcacheTrace& trace, const RaceEvidenceOptions& options);

}  // namespace bh::analysis
