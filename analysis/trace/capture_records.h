#pragma once
/// Every event record of a TraceCapture, with what its ring buffers lost: the part of
/// decoding a trace that does not depend on which events were traced.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/trace/ring_buffer.h"
#include "analysis/trace/trace_capture.h"
#include "base/expected.h"

namespace bh::analysis {

struct CaptureRecords {
  /// CPU by CPU, each CPU's in its order (not merged by time). Each record's data points
  /// into the capture, which must outlive this.
  std::vector<TraceRecord> records;
  std::uint64_t lost_events = 0;  ///< stats counters plus pages flagged as having missed events
  std::string loss_detail;        ///< "cpu1: 12 dropped events; ..." when lost_events > 0
};

/// Parses every CPU's pages and loss counters. Errors name the CPU whose pages or stats do
/// not parse, or a CPU without stats (a trace that cannot show it lost nothing).
Expected<CaptureRecords> read_capture_records(const TraceCapture& capture);

}  // namespace bh::analysis
