#include "analysis/trace/race_evidence.h"

#include <algorithm>
#include <tuple>

namespace bh::analysis {
namespace {

/// A write request while bcache handles it.
struct PendingWrite {
  SectorRange range;
  std::uint64_t issued_ns = 0;
  bool bypass = false;
  std::string reason;
};

/// Requests keyed by first sector; ranges at most `longest` sectors long, so everything
/// that may contain a range starting at S starts in [S - longest, S].
template <class T>
class RangeIndex {
 public:
  void add(std::uint64_t begin, std::uint64_t length, T value) {
    longest_ = std::max(longest_, length);
    entries_.emplace(begin, std::move(value));
  }
  /// Entries whose key is in [begin - longest, begin], in key order, while `visit` returns false.
  template <class Visit>
  typename std::multimap<std::uint64_t, T>::iterator find_containing(std::uint64_t begin, Visit visit) {
    auto it = entries_.lower_bound(begin - std::min(begin, longest_));
    for (; it != entries_.end() && it->first <= begin; ++it) {
      if (visit(it->second)) return it;
    }
    return entries_.end();
  }
  void erase(typename std::multimap<std::uint64_t, T>::iterator it) { entries_.erase(it); }
  typename std::multimap<std::uint64_t, T>::iterator end() { return entries_.end(); }

 private:
  std::multimap<std::uint64_t, T> entries_;
  std::uint64_t longest_ = 0;
};

/// One pass over the events, building writes and misses; windows come after.
class EvidenceBuilder {
 public:
  explicit EvidenceBuilder(const RaceEvidenceOptions& options) : options_(options) {}

  void take(const BcacheEvent& event) {
    if (evidence_.first_event_ns == 0 || event.t_ns < evidence_.first_event_ns) evidence_.first_event_ns = event.t_ns;
    switch (event.type) {
      case BcacheEventType::kRequestStart: return request_start(event);
      case BcacheEventType::kRequestEnd: return request_end(event);
      case BcacheEventType::kBypassSequential: return bypass_reason(event, "sequential");
      case BcacheEventType::kBypassCongested: return bypass_reason(event, "congested");
      case BcacheEventType::kWrite: return data_insert_start(event);
      case BcacheEventType::kRead: return lookup_done(event);
      case BcacheEventType::kBtreeInsertKey: return key_landed(event);
      default: return;
    }
  }

  RaceEvidence finish() {
    for (const auto& [begin, write] : writes_) {
      (void)begin;
      if (write.bypass) keep_bypass_write(write, std::nullopt);
    }
    find_windows();
    return std::move(evidence_);
  }

 private:
  static SectorRange range_of(const BcacheEvent& event) { return {event.sector, event.end()}; }

  void request_start(const BcacheEvent& event) {
    if (event.sectors == 0) return;  // flushes carry no data
    if (event.write) {
      writes_.emplace(event.sector, PendingWrite{range_of(event), event.t_ns});
      if (range_of(event).overlaps(options_.write_range)) ++evidence_.writer_writes;
      return;
    }
    ++evidence_.reads;
    ReadMiss read;
    read.range = range_of(event);
    read.issued_ns = read.miss_ns = event.t_ns;
    looking_up_.add(event.sector, event.sectors, read);
  }

  /// The newest pending write starting at `sector`.
  std::multimap<std::uint64_t, PendingWrite>::iterator pending_write(std::uint64_t sector) {
    auto [first, last] = writes_.equal_range(sector);
    auto newest = writes_.end();
    for (auto it = first; it != last; ++it) {
      if (newest == writes_.end() || it->second.issued_ns >= newest->second.issued_ns) newest = it;
    }
    return newest;
  }

  void bypass_reason(const BcacheEvent& event, const char* reason) {
    if (!event.write) return;
    if (auto it = pending_write(event.sector); it != writes_.end()) it->second.reason = reason;
  }

  void data_insert_start(const BcacheEvent& event) {
    if (event.write) {
      if (auto it = pending_write(event.sector); it != writes_.end()) it->second.bypass = event.bypass;
      return;
    }
    // A miss's insert (its bio was reset to a read): a miss awaiting one there.
    const SectorRange range = range_of(event);
    const auto found = awaiting_insert_.find_containing(event.sector, [&](std::size_t index) {
      const auto& miss = misses_[index];
      return miss.range.contains(range) && !miss.insert_attempted;
    });
    if (found != awaiting_insert_.end()) misses_[found->second].insert_attempted = true;
  }

  void lookup_done(const BcacheEvent& event) {
    const auto found = looking_up_.find_containing(event.sector, [&](const ReadMiss& read) {
      return read.range.begin == event.sector && read.range.end == event.end();
    });
    if (found == looking_up_.end()) return;  // issued before the trace began
    ReadMiss read = found->second;
    looking_up_.erase(found);
    ++misses_ending_[{read.range.begin, read.range.end}];  // its request_end is still to come
    if (event.hit) return;
    if (event.bypass) {
      if (read.range.overlaps(options_.write_range)) ++evidence_.bypassed_read_misses;
      return;
    }
    read.completed_ns = event.t_ns;
    misses_.push_back(read);
    awaiting_insert_.add(read.range.begin, read.range.end - read.range.begin, misses_.size() - 1);
  }

  void key_landed(const BcacheEvent& event) {
    if (event.level != 0 || event.sectors == 0) return;
    const SectorRange key = range_of(event);
    if (!event.replace) {
      // A placeholder: the first key landing inside a read still looking up.
      const auto found = looking_up_.find_containing(
          event.sector, [&](const ReadMiss& read) { return !read.placeholder && read.range.contains(key); });
      if (found != looking_up_.end()) {
        found->second.placeholder = true;
        found->second.miss_ns = event.t_ns;
      }
      return;
    }
    // A miss's data: the newest placeholder there won (a later one overwrote any older).
    auto newest = awaiting_insert_.end();
    for (auto it = awaiting_insert_.find_containing(
             event.sector, [&](std::size_t index) { return misses_[index].range.contains(key); });
         it != awaiting_insert_.end() && it->first <= event.sector; ++it) {
      if (misses_[it->second].range.contains(key) &&
          (newest == awaiting_insert_.end() || misses_[it->second].miss_ns >= misses_[newest->second].miss_ns))
        newest = it;
    }
    if (newest == awaiting_insert_.end()) return;
    auto& miss = misses_[newest->second];
    miss.insert_attempted = true;
    if (!miss.inserted_ns) {
      miss.inserted_ns = event.t_ns;
      miss.inserted = key;
    } else {
      miss.inserted = {std::min(miss.inserted.begin, key.begin), std::max(miss.inserted.end, key.end)};
    }
    if (miss.inserted.contains(miss.range)) awaiting_insert_.erase(newest);
  }

  void request_end(const BcacheEvent& event) {
    if (!event.write) return read_end(event);
    // A bypassed write's bio reaches its end with its range consumed by the invalidation
    // (bch_data_invalidate advances it): sector = its end, 0 sectors.
    auto done = writes_.end();
    for (auto it = writes_.begin(); it != writes_.end(); ++it) {
      const auto& range = it->second.range;
      const bool same = event.sectors > 0 ? range.begin == event.sector && range.end == event.end()
                                          : it->second.bypass && range.end == event.sector;
      if (same && (done == writes_.end() || it->second.issued_ns < done->second.issued_ns)) done = it;
    }
    if (done == writes_.end()) return;
    if (done->second.bypass) keep_bypass_write(done->second, event.t_ns);
    writes_.erase(done);
  }

  /// A read that completes while still looking up was a hit (bcache_read is traced for
  /// misses only).
  void read_end(const BcacheEvent& event) {
    // A miss whose lookup already ended (its bcache_read came first) ends here too.
    if (auto ended = misses_ending_.find({event.sector, event.end()}); ended != misses_ending_.end()) {
      if (--ended->second == 0) misses_ending_.erase(ended);
      return;
    }
    const auto found = looking_up_.find_containing(event.sector, [&](const ReadMiss& read) {
      return read.range.begin == event.sector && read.range.end == event.end();
    });
    if (found != looking_up_.end()) looking_up_.erase(found);
  }

  void keep_bypass_write(const PendingWrite& write, std::optional<std::uint64_t> completed_ns) {
    if (!write.range.overlaps(options_.write_range)) return;
    std::string reason = write.reason;
    if (reason.empty()) reason = options_.writearound ? "writearound" : "other";
    ++evidence_.bypass_by_reason[reason];
    evidence_.bypass_writes.push_back({write.range, write.issued_ns, completed_ns, reason});
  }

  /// Sweeps writes' starts and ends and the misses in time order; at equal times a write
  /// that starts is in flight and one that ends is not.
  void find_windows() {
    enum Kind { kStart = 0, kEnd = 1, kMiss = 2 };
    std::vector<std::tuple<std::uint64_t, int, std::size_t>> points;
    const auto& writes = evidence_.bypass_writes;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      points.emplace_back(writes[i].issued_ns, kStart, i);
      if (writes[i].completed_ns) points.emplace_back(*writes[i].completed_ns, kEnd, i);
    }
    for (std::size_t i = 0; i < misses_.size(); ++i) {
      if (misses_[i].range.overlaps(options_.write_range)) points.emplace_back(misses_[i].miss_ns, kMiss, i);
    }
    std::sort(points.begin(), points.end());
    std::map<std::size_t, bool> in_flight;  // by index: the newest write is the last
    for (const auto& [t_ns, kind, index] : points) {
      (void)t_ns;
      if (kind == kStart) in_flight[index] = true;
      if (kind == kEnd) in_flight.erase(index);
      if (kind != kMiss) continue;
      auto& miss = misses_[index];
      for (auto it = in_flight.rbegin(); it != in_flight.rend(); ++it) {
        if (writes[it->first].range.overlaps(miss.range)) {
          miss.raced_write = it->first;
          break;
        }
      }
    }
    for (auto& miss : misses_) {
      if (!miss.range.overlaps(options_.write_range)) continue;
      if (miss.raced_write) {
        ++evidence_.race_windows;
        if (miss.inserted_ns) ++evidence_.stale_inserts;
        if (miss.insert_attempted && !miss.inserted_ns) ++evidence_.insert_collisions;
      }
      evidence_.read_misses.push_back(miss);
    }
  }

  const RaceEvidenceOptions& options_;
  RaceEvidence evidence_;
  std::multimap<std::uint64_t, PendingWrite> writes_;
  RangeIndex<ReadMiss> looking_up_;
  std::vector<ReadMiss> misses_;
  RangeIndex<std::size_t> awaiting_insert_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> misses_ending_;  ///< lookup ended, request not yet
};

}  // namespace

const ReadMiss* RaceEvidence::explain(const SectorRange& block) const {
  const ReadMiss* best = nullptr;
  for (const auto& miss : read_misses) {
    if (!miss.raced_write || !miss.inserted_ns || !miss.inserted.overlaps(block)) continue;
    if (!best || *miss.inserted_ns > *best->inserted_ns) best = &miss;
  }
  return best;
}

RaceEvidence find_race_evidence(const BcacheTrace& trace, const RaceEvidenceOptions& options) {
  EvidenceBuilder builder(options);
  for (const auto& event : trace.events) builder.take(event);
  return builder.finish();
}

}  // namespace bh::analysis
