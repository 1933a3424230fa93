#pragma once
/// Views of per-I/O latencies for plots and summaries: the empirical CDF and a time series.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analysis/latency_log.h"

namespace bh::analysis {

/// The nearest-rank percentile of ascending `sorted_ns`: the smallest sample with at least
/// `percentile` % (0-100) of the samples at or below it; nullopt when there are none.
/// Unlike fio's JSON percentiles (histogram buckets) it is always one of the samples.
std::optional<std::uint64_t> percentile_of_sorted(std::span<const std::uint64_t> sorted_ns, double percentile);

/// One step of an empirical CDF: `fraction` (0-1] of the samples took at most `latency_ns`.
struct CdfPoint {
  std::uint64_t latency_ns = 0;
  double fraction = 0;

  bool operator==(const CdfPoint&) const = default;
};

/// The empirical CDF of `latency_ns`, one point per distinct latency in ascending order,
/// thinned to at most `max_points` (taken as at least 2) points evenly spaced among the
/// distinct latencies. The minimum and the maximum (fraction 1) are always kept, so a plot
/// spans the whole range. No samples give no points.
std::vector<CdfPoint> latency_cdf(std::vector<std::uint64_t> latency_ns, std::size_t max_points);

/// What a time bin reports about the latencies of the I/Os that completed in it.
struct BinStatistic {
  enum class Kind { kMean, kPercentile };
  Kind kind = Kind::kMean;
  double percentile = 0;  ///< 0-100, for kPercentile

  static BinStatistic mean() { return {}; }
  static BinStatistic at_percentile(double p) { return {Kind::kPercentile, p}; }
};

/// One bin of a latency time series: the I/Os that completed in [start_ms, start_ms + bin).
struct TimeBin {
  std::uint64_t start_ms = 0;
  std::size_t samples = 0;
  double latency_ns = 0;  ///< the bin's statistic

  bool operator==(const TimeBin&) const = default;
};

/// `samples` in bins of `bin_ms` (taken as at least 1) from time 0, in time order, each
/// reporting `statistic` (percentiles by nearest rank). Bins without I/O are left out, so a
/// stall shows as a gap in start_ms rather than as a zero latency.
std::vector<TimeBin> latency_time_series(const LatencySamples& samples, std::uint64_t bin_ms, BinStatistic statistic);

}  // namespace bh::analysis
