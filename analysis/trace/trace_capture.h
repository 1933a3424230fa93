#pragma once
/// What one tracing session left in a guest's tracefs, as moved to the host: the layouts the
/// kernel describes (events/header_page, each event's `format` file), the raw ring-buffer
/// pages of every CPU (per_cpu/cpuN/trace_pipe_raw) and each CPU's loss counters
/// (per_cpu/cpuN/stats). Saved in a run directory as plain files, so a trace can be parsed
/// again offline and recorded traces serve as test fixtures.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// One tracing session's raw material.
struct TraceCapture {
  std::string kernel_release;                  ///< uname -r of the traced kernel
  std::string clock;                           ///< the trace_clock the timestamps use ("mono")
  std::string header_page;                     ///< events/header_page
  std::map<std::string, std::string> formats;  ///< "bcache/bcache_read" -> its format file
  std::vector<std::string> cpu_raw;            ///< per_cpu/cpuN/trace_pipe_raw bytes, by N
  std::vector<std::string> cpu_stats;          ///< per_cpu/cpuN/stats text, by N
  /// kprobe_profile (hits and misses per kprobe event) when the trace used kprobes; "" when not.
  std::string kprobe_profile;
};

/// Writes `capture` under `dir` (created): meta.json, header_page, format/SYSTEM/EVENT,
/// cpuN.raw and cpuN.stats, and kprobe_profile when the capture has one. An error names the file that could not be
/// written.
Expected<void> save_trace_capture(const TraceCapture& capture, const std::filesystem::path& dir);

/// Reads what save_trace_capture wrote. An error names the missing or unreadable file.
Expected<TraceCapture> load_trace_capture(const std::filesystem::path& dir);

/// Events one CPU's ring buffer lost, from its per_cpu/cpuN/stats.
struct TraceLoss {
  std::uint64_t overrun = 0;         ///< events overwritten ("overrun:")
  std::uint64_t commit_overrun = 0;  ///< events lost while nested writers filled the page
  std::uint64_t dropped_events = 0;  ///< events refused because the buffer was full
  std::uint64_t total() const { return overrun + commit_overrun + dropped_events; }
};

/// Parses a per_cpu/cpuN/stats file. Every counter must be present: an error names the
/// missing one (a kernel that does not report loss cannot prove none happened).
Expected<TraceLoss> parse_cpu_stats(std::string_view text);

}  // namespace bh::analysis
