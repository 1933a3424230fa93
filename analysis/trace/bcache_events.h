#pragma once
/// bcache's tracepoints (include/trace/events/bcache.h) decoded from a TraceCapture into one
/// time-ordered list, with the fields the race evidence needs. Every field is located
/// through the traced kernel's own `format` files, so any kernel whose events carry the
/// named fields parses (6.1 and 6.12 differ in their common fields).
///
/// All sectors are as bcache sees them: backing-device sectors (bcache adds the backing
/// device's data offset before tracing a request; its keys use the same addresses).

#include <array>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "analysis/trace/trace_capture.h"
#include "base/expected.h"

namespace bh::analysis {

/// The traced events, as "SYSTEM/EVENT".
inline constexpr std::array<std::string_view, 9> kBcacheTraceEvents = {
    "bcache/bcache_request_start", "bcache/bcache_request_end",       "bcache/bcache_read",
    "bcache/bcache_write",         "bcache/bcache_bypass_sequential", "bcache/bcache_bypass_congested",
    "bcache/bcache_cache_insert",  "bcache/bcache_btree_insert_key",  "bcache/bcache_read_retry"};

/// Filters the kernel applies before recording (tracefs filter syntax).
/// Only misses of bcache_read and leaf-node inserts of bcache_btree_insert_key are kept: a
/// read that ends without a bcache_read was a hit.
inline const std::map<std::string_view, std::string_view> kBcacheTraceFilters = {
    {"bcache/bcache_read", "cache_hit == 0"}, {"bcache/bcache_btree_insert_key", "btree_level == 0"}};

enum class BcacheEventType {
  kRequestStart,      ///< a bio reached bcache (before the bypass decision)
  kRequestEnd,        ///< bcache completed the bio to its submitter
  kRead,              ///< a read's lookup ended: hit or miss, bypassed or not
  kWrite,             ///< bch_data_insert began: a write (bypass: invalidate) or a miss's insert
  kBypassSequential,  ///< check_should_bypass: the stream passed sequential_cutoff
  kBypassCongested,   ///< check_should_bypass: the cache set was congested
  kCacheInsert,       ///< a key allocated for data on its way into the cache
  kBtreeInsertKey,    ///< a key landed in a btree node (replace = a miss's data insert)
  kReadRetry,         ///< a failed cache read retried from the backing device
};

/// One event; fields that its type lacks stay 0/false.
struct BcacheEvent {
  BcacheEventType type = BcacheEventType::kRequestStart;
  std::uint64_t t_ns = 0;  ///< trace clock
  unsigned cpu = 0;
  int pid = 0;
  std::uint64_t sector = 0;   ///< first sector (for keys: KEY_START = offset - size)
  std::uint32_t sectors = 0;  ///< length in sectors
  bool write = false;         ///< bios: rwbs says write (not discard)
  bool hit = false;           ///< kRead: served from the cache
  bool bypass = false;        ///< kRead, kWrite: bcache bypassed the cache
  bool writeback = false;     ///< kWrite
  bool dirty = false;         ///< keys
  unsigned level = 0;         ///< kBtreeInsertKey: 0 for leaf (data) keys
  bool replace = false;       ///< kBtreeInsertKey: inserted with a replace key (a miss's data)
  unsigned status = 0;        ///< kBtreeInsertKey: BTREE_INSERT_STATUS_*
  std::uint64_t end() const { return sector + sectors; }
};

/// A decoded trace.
struct BcacheTrace {
  std::vector<BcacheEvent> events;  ///< by time (ties keep CPU order)
  std::uint64_t records = 0;        ///< every record read, including other events
  std::uint64_t lost_events = 0;    ///< stats counters plus pages flagged as having missed events
  std::string loss_detail;          ///< "cpu1: 12 dropped events; ..." when lost_events > 0
};

/// Decodes every bcache event of `capture`. Errors name the event or CPU whose data does
/// not parse, or the field a format lacks; lost events are counted, not an error here.
Expected<BcacheTrace> decode_bcache_trace(const TraceCapture& capture);

}  // namespace bh::analysis
