#pragma once
/// Statistics for comparing a candidate (e.g. a patched kernel) with a baseline (the stock
/// kernel) from a few runs each: medians, the ratio of medians with a bootstrap confidence
/// interval, the Mann-Whitney U test, a verdict per metric and a geometric-mean summary.
/// Pure functions: no I/O, and randomness only from an explicit seed.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "base/expected.h"

namespace bh::analysis {

/// The median of `values`: the middle value, or the mean of the middle two for an even count.
/// Fails when `values` is empty or holds a NaN or an infinity.
Expected<double> median(std::span<const double> values);

/// How the Mann-Whitney p-value was computed.
enum class MannWhitneyMethod {
  kExact,   ///< the exact null distribution of U (no ties, small samples)
  kNormal,  ///< the normal approximation, with tie and continuity corrections
};

/// The Mann-Whitney U test of `candidate` against `baseline`.
struct MannWhitney {
  /// U of the candidate: the number of (baseline, candidate) pairs in which the candidate
  /// value is larger, a tie counting one half. 0..n_baseline * n_candidate.
  double u = 0;
  double p_value = 1;  ///< two-sided, in [0, 1]
  MannWhitneyMethod method = MannWhitneyMethod::kExact;

  bool operator==(const MannWhitney&) const = default;
};

/// The largest sample size for which mann_whitney uses the exact distribution.
inline constexpr std::size_t kMannWhitneyExactMax = 50;

/// The two-sided Mann-Whitney U test. When no value occurs twice in the pooled samples and
/// each sample has at most kMannWhitneyExactMax values, p is exact: 2 * min(P(U <= u),
/// P(U >= u)) under the null distribution over all equally likely rank arrangements, capped
/// at 1. Otherwise (ties, or a larger sample) p comes from the normal approximation with
/// ties given average ranks, the tie-corrected variance and a 0.5 continuity correction;
/// p is 1 when every value is the same. Fails when a sample is empty or not finite.
Expected<MannWhitney> mann_whitney(std::span<const double> baseline, std::span<const double> candidate);

/// How bootstrap_median_ratio resamples.
struct BootstrapOptions {
  std::size_t resamples = 10'000;  ///< B, at least 1
  std::uint64_t seed = 1;          ///< std::mt19937_64's seed: same seed, same interval
  double confidence = 0.95;        ///< the interval's coverage, in (0, 1)
};

/// The ratio candidate median / baseline median and its percentile-bootstrap interval.
struct MedianRatio {
  double baseline_median = 0;
  double candidate_median = 0;
  /// nullopt when the baseline median is not positive: a ratio to 0 is undefined, and a
  /// ratio to a negative median would read the wrong way round.
  std::optional<double> ratio;
  /// The interval's bounds; nullopt exactly when `ratio` is. ci_high is +infinity when more
  /// than (1 - confidence) / 2 of the resamples had a non-positive baseline median (a
  /// baseline with zeros in it): the data do not bound the ratio from above.
  std::optional<double> ci_low, ci_high;

  bool operator==(const MedianRatio&) const = default;
};

/// The ratio of medians candidate / baseline with a percentile-bootstrap interval: each of
/// `options.resamples` resamples draws each sample's size with replacement from that sample
/// (independently), and the interval is the (1 - confidence) / 2 and (1 + confidence) / 2
/// quantiles (linear interpolation, as numpy's default) of the resampled ratios. A resample
/// whose baseline median is not positive counts as a ratio of +infinity. Deterministic for
/// a given seed (indices are `mt19937_64() % n`, a bias below 1e-17, so the same on every
/// standard library). Fails when a sample is empty or not finite, resamples is 0 or
/// confidence is outside (0, 1).
Expected<MedianRatio> bootstrap_median_ratio(std::span<const double> baseline, std::span<const double> candidate,
                                             const BootstrapOptions& options = {});

/// Which way of a metric is good.
enum class Direction {
  kHigherIsBetter,  ///< throughput: IOPS, bandwidth
  kLowerIsBetter,   ///< latency, memory use
};

/// The smallest relative change of the median worth reporting.
struct Threshold {
  double relative = 0.05;  ///< |ratio - 1| must exceed this; 0.05 is 5 %
};

/// What a comparison concluded about the candidate.
enum class Verdict {
  kNoChange,     ///< no significant change (see compare_metric)
  kImprovement,  ///< significantly better in the metric's Direction
  kRegression,   ///< significantly worse in the metric's Direction
  kUndefined,    ///< no ratio: the baseline median is not positive
};

/// "no_change", "improvement", "regression" or "undefined".
std::string_view to_string(Verdict verdict);

/// One metric compared: the numbers and the verdict.
struct MetricComparison {
  Direction direction = Direction::kLowerIsBetter;
  double baseline_median = 0;
  double candidate_median = 0;
  std::optional<double> ratio;  ///< candidate / baseline; see MedianRatio
  std::optional<double> ci_low, ci_high;
  double u = 0;        ///< Mann-Whitney U of the candidate
  double p_value = 1;  ///< Mann-Whitney, two-sided; reported, not part of the verdict
  MannWhitneyMethod method = MannWhitneyMethod::kExact;
  Verdict verdict = Verdict::kNoChange;

  bool operator==(const MetricComparison&) const = default;
};

/// Compares `candidate` with `baseline`. The change is significant only when the bootstrap
/// interval excludes 1 (ci_high < 1 or ci_low > 1) and |ratio - 1| > threshold.relative;
/// it is then an improvement or a regression according to `direction`, and otherwise
/// kNoChange. kUndefined when the baseline median is not positive. Fails as
/// bootstrap_median_ratio does.
Expected<MetricComparison> compare_metric(std::span<const double> baseline, std::span<const double> candidate,
                                          Direction direction, Threshold threshold = {},
                                          const BootstrapOptions& options = {});

/// The summary row over several metrics, oriented as mmtests' geometric means.
struct GeometricMeanSummary {
  /// The geometric mean of each used metric's ratio oriented so that > 1 means the
  /// candidate is worse: ratio for kLowerIsBetter, 1 / ratio for kHigherIsBetter. nullopt
  /// when no metric could be used.
  std::optional<double> worse_if_above_one;
  std::size_t used = 0;
  /// Metrics left out: no ratio (baseline median not positive), or a ratio that is not
  /// positive (a candidate median of 0 or below), whose logarithm does not exist.
  std::size_t skipped = 0;

  bool operator==(const GeometricMeanSummary&) const = default;
};

/// The geometric mean of `metrics`' oriented ratios; see GeometricMeanSummary.
GeometricMeanSummary geometric_mean_of_ratios(std::span<const MetricComparison> metrics);

/// {"direction": "higher_is_better"|"lower_is_better", "baseline_median",
/// "candidate_median", "ratio", "ci_low", "ci_high", "u", "p_value", "method":
/// "exact"|"normal", "verdict": to_string(verdict)}. "ratio", "ci_low" and "ci_high" are
/// null when undefined; "ci_high" is also null when unbounded (JSON has no infinity), which
/// a non-null "ratio" tells apart.
nlohmann::json to_json(const MetricComparison& comparison);

}  // namespace bh::analysis
