#pragma once
/// The bytes a kernel module holds over time, from its allocations and frees matched by
/// pointer: what the kmem tracepoints (kmalloc, kmem_cache_alloc, kfree, kmem_cache_free)
/// and the page/vmalloc kprobes report, filtered to the module's call sites.
///
/// What matching by pointer can and cannot see: a free the trace did not record (made
/// from outside the filtered call sites, or before tracing began) leaves its allocation
/// counted as held until the same address is allocated again by a traced call; a free of
/// an address the trace never saw allocated (allocated before tracing, or by a mempool)
/// changes nothing. Both are counted, so a report can say how much it could not match.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace bh::analysis {

/// One allocation or free.
struct MemoryEvent {
  enum class Kind { kAlloc, kFree };
  Kind kind = Kind::kAlloc;
  std::uint64_t t_ns = 0;
  std::uint64_t ptr = 0;        ///< 0 for a failed allocation (ignored)
  std::uint64_t bytes = 0;      ///< kAlloc: bytes the allocator handed out (bytes_alloc)
  std::uint64_t call_site = 0;  ///< kAlloc: the caller's return address
};

/// What the ledger could not match, by kind.
struct LedgerAnomalies {
  /// Frees of an address already freed and not allocated again: a kernel bug, or a free
  /// recorded twice.
  std::uint64_t double_frees = 0;
  /// Frees of an address never seen allocated (allocated before tracing, or elsewhere).
  std::uint64_t untracked_frees = 0;
  /// Allocations at an address still held: its free was made where the trace does not
  /// look. The older allocation is released at that moment.
  std::uint64_t reused_live_addresses = 0;
  std::uint64_t reused_live_bytes = 0;   ///< the bytes those older allocations held
  std::uint64_t failed_allocations = 0;  ///< ptr 0
};

/// Bytes held through one call site.
struct CallSiteBytes {
  std::uint64_t allocations = 0;
  std::uint64_t frees = 0;
  std::uint64_t held_bytes = 0;  ///< now
  std::uint64_t peak_bytes = 0;  ///< this site's own maximum
};

/// Allocations held, by pointer. Events must be applied in time order.
class AllocationLedger {
 public:
  void apply(const MemoryEvent& event);

  std::uint64_t held_bytes() const { return held_bytes_; }
  std::uint64_t peak_bytes() const { return peak_bytes_; }
  std::uint64_t peak_t_ns() const { return peak_t_ns_; }
  /// Starts a new peak from the bytes held now (the peak of what follows a baseline).
  void reset_peak(std::uint64_t t_ns);
  const std::map<std::uint64_t, CallSiteBytes>& sites() const { return sites_; }
  const LedgerAnomalies& anomalies() const { return anomalies_; }

 private:
  struct Held {
    std::uint64_t bytes = 0;
    std::uint64_t call_site = 0;
  };
  void release(std::unordered_map<std::uint64_t, Held>::iterator held);

  std::unordered_map<std::uint64_t, Held> live_;
  std::unordered_set<std::uint64_t> freed_;  ///< addresses freed and not allocated since
  std::map<std::uint64_t, CallSiteBytes> sites_;
  std::uint64_t held_bytes_ = 0;
  std::uint64_t peak_bytes_ = 0;
  std::uint64_t peak_t_ns_ = 0;
  LedgerAnomalies anomalies_;
};

/// One call site's figures in a summary.
struct CallSiteSummary {
  std::uint64_t baseline_bytes = 0;
  std::uint64_t peak_bytes = 0;  ///< the site's own maximum after the baseline
  std::uint64_t held_at_end_bytes = 0;
  std::uint64_t allocations = 0;
  std::uint64_t frees = 0;
};

/// Where a phase of the run begins (a trace mark), in time order.
struct PhaseMark {
  std::string name;
  std::uint64_t t_ns = 0;
};

/// A module's memory through one phase.
struct PhaseAllocations {
  std::string name;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  std::uint64_t held_at_start_bytes = 0;
  std::uint64_t peak_bytes = 0;  ///< at least held_at_start_bytes
  std::uint64_t peak_t_ns = 0;   ///< when the peak was reached (start_ns when never above the start)
  std::uint64_t held_at_end_bytes = 0;
};

/// A module's memory over a run: held at the baseline, the peak after it, held at the end,
/// and the same per phase.
struct AllocationSummary {
  std::uint64_t baseline_bytes = 0;
  std::uint64_t peak_bytes = 0;  ///< at least baseline_bytes
  std::uint64_t peak_t_ns = 0;
  std::uint64_t held_at_end_bytes = 0;
  std::uint64_t peak_minus_baseline_bytes() const { return peak_bytes - baseline_bytes; }
  std::vector<PhaseAllocations> phases;
  std::map<std::uint64_t, CallSiteSummary> by_call_site;
  LedgerAnomalies anomalies;
  /// (t_ns, bytes held) after every event that changed it: the curve a report plots.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> held_over_time;
};

/// Applies `events` (sorted by time; ties keep their order) up to `end_ns` and summarizes
/// them. `phases` run each from its mark to the next one's, the last to `end_ns`; what is
/// held at the first phase's start (events at that instant included) is the baseline, and
/// the peak is taken over what follows (never below the baseline). Without phases the
/// baseline is taken at `end_ns`.
AllocationSummary summarize_allocations(const std::vector<MemoryEvent>& events, const std::vector<PhaseMark>& phases,
                                        std::uint64_t end_ns);

}  // namespace bh::analysis
