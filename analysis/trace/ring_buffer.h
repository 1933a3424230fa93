#pragma once
/// The pages tracefs hands out from per_cpu/cpuN/trace_pipe_raw, parsed as the kernel lays
/// them out (kernel/trace/ring_buffer.c, 6.1 to 6.12): each page a buffer_data_page (base
/// timestamp, commit = bytes of data used plus the missed-events flags, then the events),
/// each event a 32-bit header (type_len:5, time_delta:27) followed by a data payload, a time
/// extend, an absolute time stamp or padding.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/trace/event_format.h"
#include "base/expected.h"

namespace bh::analysis {

/// One event record.
struct TraceRecord {
  std::uint64_t timestamp_ns = 0;  ///< absolute, on the trace clock
  unsigned cpu = 0;
  /// The payload, starting with common_type; points into the input. It may end with up to 3
  /// bytes of the kernel's alignment padding.
  std::string_view data;
};

/// Everything the pages held.
struct RingBufferContents {
  std::vector<TraceRecord> records;
  std::uint64_t pages = 0;
  std::uint64_t pages_with_missed_events = 0;  ///< pages whose commit carries RB_MISSED_EVENTS
  std::uint64_t missed_events = 0;             ///< summed where a page stored the count (RB_MISSED_STORED)
  std::uint64_t discarded_events = 0;          ///< padding with a length: a discarded event or a page's unused tail
};

/// Every event record of the pages in `raw`, in order, with absolute timestamps. An error
/// names the page index and the byte offset of anything malformed (a length past the page's
/// data, a commit larger than the page, a trailing partial page, a header that does not fit
/// `page_size`).
Expected<RingBufferContents> parse_ring_buffer(std::string_view raw, const PageHeaderFormat& header, unsigned cpu,
                                               std::size_t page_size = 4096);

/// The event id of a record (its common_type, the u16 at offset 0), or an error if the record
/// is shorter than 2 bytes.
Expected<std::uint16_t> record_event_id(const TraceRecord& record);

}  // namespace bh::analysis
