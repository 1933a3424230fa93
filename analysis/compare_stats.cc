#include "analysis/compare_stats.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace bh::analysis {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Expected<void> check_sample(std::span<const double> values, std::string_view name) {
  if (values.empty()) return fail(std::string(name) + " sample is empty");
  if (!std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); }))
    return fail(std::string(name) + " sample holds a value that is not finite");
  return outcome::success();
}

/// The median of `values`, which it reorders; `values` is not empty.
double median_in_place(std::span<double> values) {
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  if (values.size() % 2 == 1) return values[mid];
  // The lower middle value is the largest of the elements nth_element put before `mid`.
  const double lower = *std::max_element(values.begin(), values.begin() + mid);
  return lower + (values[mid] - lower) / 2;
}

/// The candidate's rank sum with ties given their average rank, and sum(t^3 - t) over the
/// groups of t tied values (0 when there are no ties).
struct Ranking {
  double candidate_rank_sum = 0;
  double tie_term = 0;
};

Ranking rank(std::span<const double> baseline, std::span<const double> candidate) {
  std::vector<std::pair<double, bool>> pooled;  // (value, is candidate)
  for (double v : baseline) pooled.emplace_back(v, false);
  for (double v : candidate) pooled.emplace_back(v, true);
  std::sort(pooled.begin(), pooled.end());
  Ranking ranking;
  for (std::size_t first = 0; first < pooled.size();) {
    std::size_t end = first;
    while (end < pooled.size() && pooled[end].first == pooled[first].first) ++end;
    const double t = static_cast<double>(end - first);
    const double average_rank = static_cast<double>(first + 1 + end) / 2;  // 1-based ranks
    for (std::size_t i = first; i < end; ++i)
      if (pooled[i].second) ranking.candidate_rank_sum += average_rank;
    ranking.tie_term += t * t * t - t;
    first = end;
  }
  return ranking;
}

/// The number of arrangements of m + n distinct values giving each U in 0..m*n. A
/// recurrence on the largest value: it is one of the m (beating all n others, adding n to
/// U) or one of the n, so counts(m, n)[u] = counts(m - 1, n)[u - n] + counts(m, n - 1)[u].
std::vector<double> exact_u_counts(std::size_t m, std::size_t n) {
  // row[j] holds counts(i, j) for the current i.
  std::vector<std::vector<double>> row(n + 1, std::vector<double>{1.0});  // i = 0
  for (std::size_t i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> next(n + 1);
    next[0] = {1.0};
    for (std::size_t j = 1; j <= n; ++j) {
      next[j].assign(i * j + 1, 0.0);
      for (std::size_t u = 0; u < row[j].size(); ++u) next[j][u + j] += row[j][u];
      for (std::size_t u = 0; u < next[j - 1].size(); ++u) next[j][u] += next[j - 1][u];
    }
    row = std::move(next);
  }
  return row[n];
}

double exact_p(double u, std::size_t m, std::size_t n) {
  const std::vector<double> counts = exact_u_counts(m, n);
  const auto k = static_cast<std::size_t>(std::llround(u));
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const double at_most = std::accumulate(counts.begin(), counts.begin() + k + 1, 0.0);
  const double at_least = std::accumulate(counts.begin() + k, counts.end(), 0.0);
  return std::min(1.0, 2 * std::min(at_most, at_least) / total);
}

double normal_p(double u, double m, double n, double tie_term) {
  const double total = m + n;
  const double variance = m * n / 12 * ((total + 1) - tie_term / (total * (total - 1)));
  if (variance <= 0) return 1.0;  // every value the same
  const double z = (std::abs(u - m * n / 2) - 0.5) / std::sqrt(variance);
  if (z <= 0) return 1.0;
  const boost::math::normal standard;
  return std::min(1.0, 2 * boost::math::cdf(boost::math::complement(standard, z)));
}

/// The median of a resample of `sample` (with replacement, its own size) drawn into `buffer`.
double resampled_median(std::span<const double> sample, std::mt19937_64& rng, std::vector<double>& buffer) {
  buffer.resize(sample.size());
  // Modulo, not std::uniform_int_distribution, whose algorithm each library chooses.
  for (double& value : buffer) value = sample[rng() % sample.size()];
  return median_in_place(buffer);
}

/// The `p` quantile of ascending, non-empty `sorted` by linear interpolation between
/// closest ranks (numpy's default), +infinity propagating without producing NaN.
double quantile_of_sorted(std::span<const double> sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lo);
  if (fraction == 0 || lo + 1 >= sorted.size() || sorted[lo] == sorted[lo + 1]) return sorted[lo];
  return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * fraction;
}

Verdict verdict_of(const MedianRatio& ratio, Direction direction, Threshold threshold) {
  if (!ratio.ratio) return Verdict::kUndefined;
  const double r = *ratio.ratio;
  const bool up = *ratio.ci_low > 1 && r > 1 + threshold.relative;
  const bool down = *ratio.ci_high < 1 && r < 1 - threshold.relative;
  if (!up && !down) return Verdict::kNoChange;
  return up == (direction == Direction::kHigherIsBetter) ? Verdict::kImprovement : Verdict::kRegression;
}

nlohmann::json optional_number(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

}  // namespace

Expected<double> median(std::span<const double> values) {
  if (auto ok = check_sample(values, "median:"); !ok) return ok.error();
  std::vector<double> copy(values.begin(), values.end());
  return median_in_place(copy);
}

Expected<MannWhitney> mann_whitney(std::span<const double> baseline, std::span<const double> candidate) {
  if (auto ok = check_sample(baseline, "Mann-Whitney: baseline"); !ok) return ok.error();
  if (auto ok = check_sample(candidate, "Mann-Whitney: candidate"); !ok) return ok.error();
  const Ranking ranking = rank(baseline, candidate);
  const double m = static_cast<double>(baseline.size());
  const double n = static_cast<double>(candidate.size());
  MannWhitney result;
  result.u = ranking.candidate_rank_sum - n * (n + 1) / 2;
  const bool exact =
      ranking.tie_term == 0 && baseline.size() <= kMannWhitneyExactMax && candidate.size() <= kMannWhitneyExactMax;
  result.method = exact ? MannWhitneyMethod::kExact : MannWhitneyMethod::kNormal;
  result.p_value =
      exact ? exact_p(result.u, baseline.size(), candidate.size()) : normal_p(result.u, m, n, ranking.tie_term);
  return result;
}

Expected<MedianRatio> bootstrap_median_ratio(std::span<const double> baseline, std::span<const double> candidate,
                                             const BootstrapOptions& options) {
  if (auto ok = check_sample(baseline, "bootstrap: baseline"); !ok) return ok.error();
  if (auto ok = check_sample(candidate, "bootstrap: candidate"); !ok) return ok.error();
  if (options.resamples == 0) return fail("bootstrap: resamples must be at least 1");
  if (!(options.confidence > 0 && options.confidence < 1)) return fail("bootstrap: confidence must be in (0, 1)");
  MedianRatio result{median(baseline).value(), median(candidate).value(), {}, {}, {}};
  if (!(result.baseline_median > 0)) return result;
  result.ratio = result.candidate_median / result.baseline_median;

  std::mt19937_64 rng(options.seed);
  std::vector<double> ratios(options.resamples), buffer;
  for (double& ratio : ratios) {
    const double b = resampled_median(baseline, rng, buffer);
    const double c = resampled_median(candidate, rng, buffer);
    ratio = b > 0 ? c / b : kInfinity;
  }
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1 - options.confidence) / 2;
  result.ci_low = quantile_of_sorted(ratios, tail);
  result.ci_high = quantile_of_sorted(ratios, 1 - tail);
  return result;
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kNoChange: return "no_change";
    case Verdict::kImprovement: return "improvement";
    case Verdict::kRegression: return "regression";
    case Verdict::kUndefined: return "undefined";
  }
  return "undefined";
}

Expected<MetricComparison> compare_metric(std::span<const double> baseline, std::span<const double> candidate,
                                          Direction direction, Threshold threshold, const BootstrapOptions& options) {
  auto ratio = bootstrap_median_ratio(baseline, candidate, options);
  if (!ratio) return ratio.error();
  const MannWhitney test = mann_whitney(baseline, candidate).value();  // inputs checked
  const MedianRatio& r = ratio.value();
  return MetricComparison{direction,
                          r.baseline_median,
                          r.candidate_median,
                          r.ratio,
                          r.ci_low,
                          r.ci_high,
                          test.u,
                          test.p_value,
                          test.method,
                          verdict_of(r, direction, threshold)};
}

GeometricMeanSummary geometric_mean_of_ratios(std::span<const MetricComparison> metrics) {
  GeometricMeanSummary summary;
  double log_sum = 0;
  for (const MetricComparison& metric : metrics) {
    if (!metric.ratio || !(*metric.ratio > 0)) {
      ++summary.skipped;
      continue;
    }
    const double log_ratio = std::log(*metric.ratio);
    log_sum += metric.direction == Direction::kLowerIsBetter ? log_ratio : -log_ratio;
    ++summary.used;
  }
  if (summary.used > 0) summary.worse_if_above_one = std::exp(log_sum / summary.used);
  return summary;
}

nlohmann::json to_json(const MetricComparison& c) {
  const bool higher = c.direction == Direction::kHigherIsBetter;
  return {{"direction", higher ? "higher_is_better" : "lower_is_better"},
          {"baseline_median", c.baseline_median},
          {"candidate_median", c.candidate_median},
          {"ratio", optional_number(c.ratio)},
          {"ci_low", optional_number(c.ci_low)},
          {"ci_high", optional_number(c.ci_high)},
          {"u", c.u},
          {"p_value", c.p_value},
          {"method", c.method == MannWhitneyMethod::kExact ? "exact" : "normal"},
          {"verdict", std::string(to_string(c.verdict))}};
}

}  // namespace bh::analysis
