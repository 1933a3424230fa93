#pragma once
/// fio's per-I/O latency logs (write_lat_log). fio 3.33 writes one line per I/O,
///   time (ms since the job started), value (latency, ns), direction, block size,
///   [offset, with log_offset=1,] priority
/// and fio before 3.18 (no priority column) writes one column fewer. With log_avg_msec the
/// value is a window's mean or maximum and block size and offset are 0; the format is the same.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// fio's data direction column: 0, 1, 2.
enum class IoDirection : std::uint8_t { kRead = 0, kWrite = 1, kTrim = 2 };

/// Whether the job logged with log_offset=1, which adds an offset column after the block size.
enum class LogOffset { kPresent, kAbsent };

/// One direction's samples in log order: sample i completed time_ms[i] after the job
/// started and took latency_ns[i]. Both vectors always have the same length.
struct LatencySamples {
  std::vector<std::uint64_t> time_ms;
  std::vector<std::uint64_t> latency_ns;

  std::size_t size() const { return latency_ns.size(); }
  bool empty() const { return latency_ns.empty(); }
};

/// A parsed latency log, split by direction.
struct LatencyLog {
  LatencySamples read;
  LatencySamples write;
  LatencySamples trim;

  /// The samples of `direction`.
  const LatencySamples& samples(IoDirection direction) const;
  LatencySamples& samples(IoDirection direction);
  /// Samples over all directions.
  std::size_t total_samples() const;
};

/// Parses the latency log at `path`. Blank lines are skipped and an empty file is an empty
/// log. The column count is taken from the first line and must be one fio writes for
/// `offset`; every line must have that many. Time and value must be unsigned 64-bit decimal
/// numbers and direction 0, 1 or 2; the other columns are only counted. Errors name the
/// file, and the line when it is the content that is wrong: "path:line: what".
Expected<LatencyLog> parse_latency_log_file(const std::string& path, LogOffset offset = LogOffset::kPresent);

/// Parses `text` exactly as parse_latency_log_file parses a file called `name` holding it.
Expected<LatencyLog> parse_latency_log(std::string_view text, const std::string& name = "<memory>",
                                       LogOffset offset = LogOffset::kPresent);

}  // namespace bh::analysis
