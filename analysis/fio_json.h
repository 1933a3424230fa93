#pragma once
/// Reading fio's --output-format=json output defensively: fio may print text around the
/// JSON, and --status-interval prints several objects back to back (the last one is final).

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// The percentiles a summary quotes; all are in fio's default percentile_list.
inline constexpr std::array<double, 5> kSummaryPercentiles = {50, 90, 99, 99.9, 99.99};

/// Completion latency (fio's clat_ns) of one direction, in nanoseconds; all zero when the
/// direction did no I/O.
struct FioLatency {
  std::uint64_t samples = 0;  ///< fio's "N"
  double mean_ns = 0;
  std::uint64_t min_ns = 0;
  std::uint64_t max_ns = 0;
  double stddev_ns = 0;
  /// fio's percentiles (99.9 for its key "99.900000") to nanoseconds. Empty when fio reported
  /// none: no I/O in this direction, or clat_percentiles=0.
  std::map<double, std::uint64_t> percentiles_ns;

  /// The value fio reported for `percentile` (e.g. 99.9), or nullopt when it reported none.
  std::optional<std::uint64_t> percentile_ns(double percentile) const;
};

/// One direction's totals for one job.
struct FioDirection {
  std::uint64_t total_ios = 0;
  std::uint64_t io_bytes = 0;
  double iops = 0;
  std::uint64_t bw_bytes = 0;    ///< bytes per second
  std::uint64_t runtime_ms = 0;  ///< how long the job ran in this direction
  FioLatency clat;               ///< completion latency: from submission to completion
};

/// One job (or group, with group_reporting) of a fio run.
struct FioJob {
  std::string name;
  int error = 0;  ///< fio's per-job error code (errno), 0 when fine
  FioDirection read;
  FioDirection write;
};

/// A whole fio run.
struct FioReport {
  std::string fio_version;
  std::vector<FioJob> jobs;

  /// I/Os completed over all jobs and directions: the proof the workload happened.
  std::uint64_t total_ios() const;
  /// Reads completed over all jobs.
  std::uint64_t read_ios() const;
};

/// Parses fio's JSON output, skipping text before and after it; with several objects the
/// last complete one wins. Errors quote what was found instead.
Expected<FioReport> parse_fio_json(std::string_view text);

}  // namespace bh::analysis
