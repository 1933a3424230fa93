#include "analysis/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace bh::analysis {
namespace {

/// One point per distinct latency of ascending `sorted_ns`.
std::vector<CdfPoint> distinct_steps(const std::vector<std::uint64_t>& sorted_ns) {
  std::vector<CdfPoint> steps;
  const double n = static_cast<double>(sorted_ns.size());
  for (std::size_t i = 0; i < sorted_ns.size(); ++i) {
    if (i + 1 == sorted_ns.size() || sorted_ns[i + 1] != sorted_ns[i])
      steps.push_back({sorted_ns[i], static_cast<double>(i + 1) / n});
  }
  return steps;
}

/// `max_points` of `steps`, evenly spaced by index, first and last included.
std::vector<CdfPoint> thin(const std::vector<CdfPoint>& steps, std::size_t max_points) {
  if (steps.size() <= max_points) return steps;
  std::vector<CdfPoint> points;
  points.reserve(max_points);
  const std::size_t last = steps.size() - 1, intervals = max_points - 1;
  for (std::size_t k = 0; k <= intervals; ++k) points.push_back(steps[(k * last + intervals / 2) / intervals]);
  return points;
}

double statistic_of(std::span<const std::uint64_t> sorted_ns, BinStatistic statistic) {
  if (statistic.kind == BinStatistic::Kind::kPercentile)
    return static_cast<double>(percentile_of_sorted(sorted_ns, statistic.percentile).value_or(0));
  const double sum = std::accumulate(sorted_ns.begin(), sorted_ns.end(), 0.0);
  return sum / static_cast<double>(sorted_ns.size());
}

}  // namespace

std::optional<std::uint64_t> percentile_of_sorted(std::span<const std::uint64_t> sorted_ns, double percentile) {
  if (sorted_ns.empty()) return std::nullopt;
  const double n = static_cast<double>(sorted_ns.size());
  // The epsilon keeps 99.9 % of 1000 samples at rank 999 despite 99.9 * 1000 / 100 > 999.
  const double rank = std::ceil(std::clamp(percentile, 0.0, 100.0) * n / 100.0 - 1e-9);
  const auto index = static_cast<std::size_t>(std::clamp(rank, 1.0, n)) - 1;
  return sorted_ns[index];
}

std::vector<CdfPoint> latency_cdf(std::vector<std::uint64_t> latency_ns, std::size_t max_points) {
  std::sort(latency_ns.begin(), latency_ns.end());
  return thin(distinct_steps(latency_ns), std::max<std::size_t>(max_points, 2));
}

std::vector<TimeBin> latency_time_series(const LatencySamples& samples, std::uint64_t bin_ms, BinStatistic statistic) {
  bin_ms = std::max<std::uint64_t>(bin_ms, 1);
  // (bin, latency) pairs sorted: each bin's latencies end up adjacent and ascending.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> binned(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) binned[i] = {samples.time_ms[i] / bin_ms, samples.latency_ns[i]};
  std::sort(binned.begin(), binned.end());

  std::vector<TimeBin> series;
  std::vector<std::uint64_t> latencies;
  for (std::size_t begin = 0, end = 0; begin < binned.size(); begin = end) {
    latencies.clear();
    for (end = begin; end < binned.size() && binned[end].first == binned[begin].first; ++end)
      latencies.push_back(binned[end].second);
    series.push_back({binned[begin].first * bin_ms, latencies.size(), statistic_of(latencies, statistic)});
  }
  return series;
}

}  // namespace bh::analysis
