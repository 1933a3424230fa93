#pragma once
/// bcache's request counters, under the names stats_total gives them, counted by the guest
/// kernel as the requests happen: tracefs hist triggers in a tracefs instance of their own
/// (kTraceCounterInstance), read back in one round trip. A phase's counts are complete
/// once its I/O is, so a perf run reads them without waiting for bcache's accounting fold
/// (13.6 s, bcache_counters.h), and they do not wrap when a fold period holds over 65,535
/// requests of one kind, as stats_total does.
///
/// - cache_hits, cache_misses, cache_bypass_hits, cache_bypass_misses: the tracepoint
///   bcache:bcache_read keyed by its cache_hit and bypass fields. cached_dev_read_done_bh()
///   fires it right after bch_mark_cache_accounting(), with the same two flags, once per
///   read request (6.1 and 6.12 alike).
/// - cache_miss_collisions: a kprobe event on bch_mark_cache_miss_collision(), which has no
///   tracepoint; a collision is marked when the miss's cache insert ends, a moment after the
///   read itself completed.
/// - bypassed_bytes: a kprobe event on bch_mark_sectors_bypassed(), summing its sectors
///   argument: exact, where stats_total's "bypassed" is printed rounded.
/// - probe_misses: hits of those two kprobes the kernel could not count (kprobe_profile's
///   nmissed: the probe fired while another kprobe's handler ran on that CPU). When it is
///   not 0, cache_miss_collisions and bypassed_bytes are short by up to that many events.
/// Every count covers the guest's bcache devices (a perf run has one) from arm() on.

#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/bcache/bcache_counters.h"
#include "harness/vm/guest_agent.h"

namespace bh {

/// The tracefs instance the counters' triggers live in, apart from the race and memory traces.
inline constexpr const char* kTraceCounterInstance = "/sys/kernel/tracing/instances/bh-counters";

/// What bcache-counters.json calls each counter source.
inline constexpr const char* kTracefsCounters = "tracefs";
inline constexpr const char* kStatsTotalCounters = "stats_total";

/// The writes that define the kprobe events and arm the three triggers, in order.
std::vector<GuestWrite> trace_counter_arming();

/// The counters from the three hist files' and kprobe_profile's contents. Fails naming the
/// file that does not parse, a probe kprobe_profile lacks, or a histogram that dropped
/// events.
Expected<BcacheCounterValues> trace_counter_values(const std::string& reads_hist, const std::string& collisions_hist,
                                                   const std::string& bypassed_hist, const std::string& kprobe_profile);

/// Counter readings from the triggers trace_counter_arming() arms.
class TraceCounterSource : public CounterSource {
 public:
  explicit TraceCounterSource(GuestAgent& agent) : agent_(agent) {}

  /// Defines the probes and arms the triggers, in one round trip. Fails naming the write the
  /// guest kernel refused (a kernel without hist triggers, kprobe events or bcache's
  /// tracepoints, or whose bcache lacks a probed function).
  Expected<void> arm();

  /// Every counter, read in one round trip; fails as trace_counter_values does, or naming a
  /// file the guest does not have.
  Expected<BcacheCounterValues> read() override;

 private:
  GuestAgent& agent_;
};

}  // namespace bh
