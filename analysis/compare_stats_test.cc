#include "analysis/compare_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

// Expected values come from two plain-Python scripts (no scipy/numpy), run once and pasted:
//
// mw.py - Mann-Whitney. U by its definition (count pairs with candidate > baseline, ties
// 1/2, not via ranks). Exact p by enumerating every itertools.combinations(range(m+n), n)
// placement of the candidate among the pooled values, p = 2 * min(#{U' <= U}, #{U' >= U})
// / C(m+n, n) as a Fraction, capped at 1. Normal p from the textbook formula:
//   var = m*n/12 * ((N+1) - sum(t^3-t)/(N*(N-1)));  z = (|U - m*n/2| - 0.5) / sqrt(var)
//   p = min(1, math.erfc(z / sqrt(2)))   (1 when var <= 0 or z <= 0)
//
// boot.py - percentile bootstrap. mt19937_64 written out in Python from its published
// definition and checked against the C++ standard's required 10000th output for seed 5489
// (9981545732273789042); per resample: baseline indices then candidate indices, each
// next() % n; statistics.median; ratio = cm/bm, or inf when bm <= 0; sorted; numpy-style
// linear quantile s[lo] + (s[lo+1] - s[lo]) * frac at (1 -/+ conf) / 2.

namespace bh::analysis {
namespace {

using Values = std::vector<double>;
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(CompareMedian, IsTheMiddleValueOrTheMeanOfTheMiddleTwo) {
  // By hand: sorted {1, 2, 3} -> 2; sorted {1, 2, 3, 4} -> (2 + 3) / 2.
  EXPECT_EQ(median(Values{3, 1, 2}).value(), 2.0);
  EXPECT_EQ(median(Values{4, 1, 3, 2}).value(), 2.5);
  EXPECT_EQ(median(Values{7.5}).value(), 7.5);
  EXPECT_EQ(median(Values{-1, -3}).value(), -2.0);
}

TEST(CompareMedian, FailsOnEmptyOrNonFiniteInput) {
  EXPECT_FALSE(median(Values{}));
  EXPECT_FALSE(median(Values{1, std::nan(""), 3}));
  EXPECT_FALSE(median(Values{1, kInf}));
  EXPECT_NE(median(Values{}).error().message.find("empty"), std::string::npos);
}

TEST(MannWhitney, SeparatedSamplesOfThreeAreExactTwoInTwenty) {
  // mw.py: U = 9, p = Fraction(1, 10) - 2 of the C(6,3) = 20 arrangements are as extreme.
  const auto result = mann_whitney(Values{1.1, 2.2, 3.3}, Values{4.4, 5.5, 6.6}).value();
  EXPECT_EQ(result.method, MannWhitneyMethod::kExact);
  EXPECT_EQ(result.u, 9.0);
  EXPECT_DOUBLE_EQ(result.p_value, 0.1);
  // The other way round U is 0 and p is the same.
  const auto reversed = mann_whitney(Values{4.4, 5.5, 6.6}, Values{1.1, 2.2, 3.3}).value();
  EXPECT_EQ(reversed.u, 0.0);
  EXPECT_DOUBLE_EQ(reversed.p_value, 0.1);
}

TEST(MannWhitney, InterleavedSamplesMatchEnumeration) {
  // mw.py: U = 20, p = Fraction(3, 7) over the C(11,5) = 462 arrangements.
  const auto five_six = mann_whitney(Values{1, 3, 5, 7, 9}, Values{2, 4, 6, 8, 10, 12}).value();
  EXPECT_EQ(five_six.method, MannWhitneyMethod::kExact);
  EXPECT_EQ(five_six.u, 20.0);
  EXPECT_DOUBLE_EQ(five_six.p_value, 3.0 / 7.0);
  // mw.py: U = 50, p = Fraction(2426, 12155) over the C(17,8) = 24310 arrangements.
  const auto eight_nine = mann_whitney(Values{0.3, 1.2, 2.5, 3.1, 4.8, 5.5, 6.9, 8.4},
                                       Values{1.0, 2.9, 4.1, 5.0, 6.2, 7.7, 9.3, 10.1, 11.6})
                              .value();
  EXPECT_EQ(eight_nine.method, MannWhitneyMethod::kExact);
  EXPECT_EQ(eight_nine.u, 50.0);
  EXPECT_DOUBLE_EQ(eight_nine.p_value, 2426.0 / 12155.0);
}

TEST(MannWhitney, TiesUseTheNormalApproximationWithTieCorrection) {
  // mw.py normal(): U = 25.5 (the 2s and 3s tie across samples), p = 0.06414661873440443.
  const auto result = mann_whitney(Values{1, 2, 2, 3, 4}, Values{2, 3, 5, 6, 6, 7}).value();
  EXPECT_EQ(result.method, MannWhitneyMethod::kNormal);
  EXPECT_DOUBLE_EQ(result.u, 25.5);
  EXPECT_NEAR(result.p_value, 0.06414661873440443, 1e-12);
}

TEST(MannWhitney, LargeSamplesUseTheNormalApproximation) {
  // mw.py normal(): baseline 0..59, candidate 10.25..64.25 (55 values, no ties):
  // U = 2075, p = 0.01746621910396826.
  Values baseline, candidate;
  for (int i = 0; i < 60; ++i) baseline.push_back(i);
  for (int i = 0; i < 55; ++i) candidate.push_back(i + 10.25);
  const auto result = mann_whitney(baseline, candidate).value();
  EXPECT_EQ(result.method, MannWhitneyMethod::kNormal);
  EXPECT_EQ(result.u, 2075.0);
  EXPECT_NEAR(result.p_value, 0.01746621910396826, 1e-12);
}

TEST(MannWhitney, IdenticalSamplesGivePOfOne) {
  // mw.py normal(): U = 4.5 = m*n/2, so |U - mu| - 0.5 < 0 and p = 1; all-equal values have
  // zero variance, p = 1 by definition.
  const auto same = mann_whitney(Values{1, 2, 3}, Values{1, 2, 3}).value();
  EXPECT_EQ(same.method, MannWhitneyMethod::kNormal);
  EXPECT_EQ(same.u, 4.5);
  EXPECT_EQ(same.p_value, 1.0);
  const auto constant = mann_whitney(Values{5, 5, 5}, Values{5, 5, 5}).value();
  EXPECT_EQ(constant.p_value, 1.0);
}

TEST(MannWhitney, FailsOnAnEmptySample) {
  EXPECT_FALSE(mann_whitney(Values{}, Values{1}));
  EXPECT_FALSE(mann_whitney(Values{1}, Values{}));
}

TEST(BootstrapRatio, ContainsTheTrueRatioAndMatchesTheReferenceImplementation) {
  // Candidate = exactly 2 x baseline. boot.py, seed 1, B = 10000: ratio 2.0, interval
  // [1.9411764705882353, 2.0606060606060606] (= 198/102 and 204/99).
  const auto r = bootstrap_median_ratio(Values{98, 100, 102, 99, 101}, Values{196, 200, 204, 198, 202}).value();
  EXPECT_EQ(r.baseline_median, 100.0);
  EXPECT_EQ(r.candidate_median, 200.0);
  EXPECT_DOUBLE_EQ(r.ratio.value(), 2.0);
  EXPECT_DOUBLE_EQ(r.ci_low.value(), 1.9411764705882353);
  EXPECT_DOUBLE_EQ(r.ci_high.value(), 2.0606060606060606);
  EXPECT_LT(*r.ci_low, 2.0);
  EXPECT_GT(*r.ci_high, 2.0);
}

TEST(BootstrapRatio, IsReproducibleForASeedAndDependsOnIt) {
  const Values baseline{3.1, 4.7, 2.2, 5.9, 4.1, 3.8};
  const Values candidate{6.3, 7.1, 5.2, 9.8, 6.6, 8.0};
  // boot.py: seed 1 -> [1.2682926829268295, 2.6792452830188673]; seed 2 -> low
  // 1.2553191489361701; seed 7, B = 1000, 90 % -> [1.3160584433072988, 2.435483870967742].
  const auto first = bootstrap_median_ratio(baseline, candidate, {.seed = 1}).value();
  EXPECT_EQ(bootstrap_median_ratio(baseline, candidate, {.seed = 1}).value(), first);
  EXPECT_NEAR(first.ratio.value(), 1.7341772151898736, 1e-12);
  EXPECT_NEAR(first.ci_low.value(), 1.2682926829268295, 1e-12);
  EXPECT_NEAR(first.ci_high.value(), 2.6792452830188673, 1e-12);
  const auto second = bootstrap_median_ratio(baseline, candidate, {.seed = 2}).value();
  EXPECT_NEAR(second.ci_low.value(), 1.2553191489361701, 1e-12);
  const auto small =
      bootstrap_median_ratio(baseline, candidate, {.resamples = 1000, .seed = 7, .confidence = 0.9}).value();
  EXPECT_NEAR(small.ci_low.value(), 1.3160584433072988, 1e-12);
  EXPECT_NEAR(small.ci_high.value(), 2.435483870967742, 1e-12);
}

TEST(BootstrapRatio, ZeroBaselineMedianHasNoRatio) {
  // Median of {0, 0, 5} is 0: no ratio, no interval, no division.
  const auto r = bootstrap_median_ratio(Values{0, 0, 5}, Values{1, 2, 3}).value();
  EXPECT_EQ(r.baseline_median, 0.0);
  EXPECT_EQ(r.candidate_median, 2.0);
  EXPECT_FALSE(r.ratio);
  EXPECT_FALSE(r.ci_low);
  EXPECT_FALSE(r.ci_high);
  EXPECT_FALSE(bootstrap_median_ratio(Values{-4, -2, 1}, Values{1, 2, 3}).value().ratio);
}

TEST(BootstrapRatio, ZerosInTheBaselineLeaveTheIntervalUnboundedAbove) {
  // A resample of {0, 10, 10} has median 0 with probability 7/27 > 2.5 %, so the upper bound
  // is +inf. boot.py: ratio 1.2, interval [1.1, inf].
  const auto r = bootstrap_median_ratio(Values{0, 10, 10}, Values{12, 13, 11}).value();
  EXPECT_DOUBLE_EQ(r.ratio.value(), 1.2);
  EXPECT_DOUBLE_EQ(r.ci_low.value(), 1.1);
  EXPECT_EQ(r.ci_high.value(), kInf);
}

TEST(BootstrapRatio, RejectsBadOptions) {
  EXPECT_FALSE(bootstrap_median_ratio(Values{1}, Values{1}, {.resamples = 0}));
  EXPECT_FALSE(bootstrap_median_ratio(Values{1}, Values{1}, {.confidence = 1.0}));
  EXPECT_FALSE(bootstrap_median_ratio(Values{}, Values{1}));
}

TEST(CompareMetric, IdenticalSamplesAreNoChange) {
  // boot.py: interval [0.8333333333333334, 1.2] contains 1; mw.py: p = 1.
  const Values runs{10, 11, 12, 13};
  const auto c = compare_metric(runs, runs, Direction::kLowerIsBetter).value();
  EXPECT_EQ(c.verdict, Verdict::kNoChange);
  EXPECT_EQ(c.ratio.value(), 1.0);
  EXPECT_EQ(c.p_value, 1.0);
  EXPECT_NEAR(c.ci_low.value(), 0.8333333333333334, 1e-12);
  EXPECT_NEAR(c.ci_high.value(), 1.2, 1e-12);
}

TEST(CompareMetric, DoubledLatencyIsARegressionAndDoubledIopsAnImprovement) {
  // boot.py: ratio 2.0, interval [1.9702970297029703, 2.030150753768844]; mw.py: exact
  // U = 25 of 25, p = 2/252 = 1/126.
  const Values before{100, 101, 99, 100.5, 99.5}, after{200, 202, 198, 201, 199};
  const auto latency = compare_metric(before, after, Direction::kLowerIsBetter).value();
  EXPECT_EQ(latency.verdict, Verdict::kRegression);
  EXPECT_DOUBLE_EQ(latency.ratio.value(), 2.0);
  EXPECT_NEAR(latency.ci_low.value(), 1.9702970297029703, 1e-12);
  EXPECT_NEAR(latency.ci_high.value(), 2.030150753768844, 1e-12);
  EXPECT_EQ(latency.method, MannWhitneyMethod::kExact);
  EXPECT_DOUBLE_EQ(latency.p_value, 1.0 / 126.0);
  EXPECT_EQ(compare_metric(before, after, Direction::kHigherIsBetter).value().verdict, Verdict::kImprovement);
  // Halved: the other way round.
  EXPECT_EQ(compare_metric(after, before, Direction::kLowerIsBetter).value().verdict, Verdict::kImprovement);
  EXPECT_EQ(compare_metric(after, before, Direction::kHigherIsBetter).value().verdict, Verdict::kRegression);
}

TEST(CompareMetric, ChangeBelowTheThresholdIsNoChangeEvenWhenTheIntervalExcludesOne) {
  // boot.py: ratio 1.03, interval [1.026973026973027, 1.033033033033033], clear of 1.
  const Values before{100, 100.2, 99.8, 100.1, 99.9}, after{103, 103.2, 102.8, 103.1, 102.9};
  const auto five = compare_metric(before, after, Direction::kLowerIsBetter).value();
  EXPECT_GT(five.ci_low.value(), 1.0);
  EXPECT_NEAR(five.ci_low.value(), 1.026973026973027, 1e-12);
  EXPECT_EQ(five.verdict, Verdict::kNoChange);
  const auto two = compare_metric(before, after, Direction::kLowerIsBetter, {.relative = 0.02});
  EXPECT_EQ(two.value().verdict, Verdict::kRegression);
}

TEST(CompareMetric, ZeroBaselineMedianIsUndefined) {
  const auto c = compare_metric(Values{0, 0, 0}, Values{4, 8, 12}, Direction::kLowerIsBetter);
  EXPECT_EQ(c.value().verdict, Verdict::kUndefined);
  EXPECT_FALSE(c.value().ratio);
  EXPECT_EQ(c.value().candidate_median, 8.0);
}

MetricComparison with_ratio(Direction direction, std::optional<double> ratio) {
  MetricComparison c;
  c.direction = direction;
  c.ratio = ratio;
  return c;
}

TEST(GeometricMean, IsOrientedSoThatAboveOneIsWorse) {
  // Latency x2 (worse) and IOPS x0.5 (worse): both orient to 2, so the mean is 2.
  const std::vector<MetricComparison> worse{with_ratio(Direction::kLowerIsBetter, 2.0),
                                            with_ratio(Direction::kHigherIsBetter, 0.5)};
  const auto summary = geometric_mean_of_ratios(worse);
  EXPECT_DOUBLE_EQ(summary.worse_if_above_one.value(), 2.0);
  EXPECT_EQ(summary.used, 2u);
  EXPECT_EQ(summary.skipped, 0u);
  // python3 -c "print((1.1*(1/1.25)*1.5)**(1/3))" -> 1.0969613104865237
  const std::vector<MetricComparison> mixed{with_ratio(Direction::kLowerIsBetter, 1.1),
                                            with_ratio(Direction::kHigherIsBetter, 1.25),
                                            with_ratio(Direction::kLowerIsBetter, 1.5)};
  EXPECT_NEAR(geometric_mean_of_ratios(mixed).worse_if_above_one.value(), 1.0969613104865237, 1e-12);
}

TEST(GeometricMean, SkipsMetricsWithoutAUsableRatio) {
  const std::vector<MetricComparison> metrics{with_ratio(Direction::kLowerIsBetter, 4.0),
                                              with_ratio(Direction::kLowerIsBetter, std::nullopt),
                                              with_ratio(Direction::kHigherIsBetter, 0.0)};
  const auto summary = geometric_mean_of_ratios(metrics);
  EXPECT_DOUBLE_EQ(summary.worse_if_above_one.value(), 4.0);
  EXPECT_EQ(summary.used, 1u);
  EXPECT_EQ(summary.skipped, 2u);
  const auto none = geometric_mean_of_ratios(std::span(metrics).subspan(1));
  EXPECT_EQ(none, (GeometricMeanSummary{std::nullopt, 0, 2}));
  EXPECT_EQ(geometric_mean_of_ratios({}), (GeometricMeanSummary{std::nullopt, 0, 0}));
}

TEST(CompareJson, HasEveryFieldAndNullForWhatIsUndefined) {
  const Values before{100, 101, 99, 100.5, 99.5}, after{200, 202, 198, 201, 199};
  const auto json = to_json(compare_metric(before, after, Direction::kLowerIsBetter).value());
  EXPECT_EQ(json["direction"], "lower_is_better");
  EXPECT_EQ(json["baseline_median"], 100.0);
  EXPECT_EQ(json["candidate_median"], 200.0);
  EXPECT_EQ(json["ratio"], 2.0);
  EXPECT_TRUE(json["ci_low"].is_number());
  EXPECT_TRUE(json["ci_high"].is_number());
  EXPECT_EQ(json["u"], 25.0);
  EXPECT_EQ(json["method"], "exact");
  EXPECT_EQ(json["verdict"], "regression");
  EXPECT_EQ(json.size(), 10u);

  const auto undefined = to_json(compare_metric(Values{0, 0, 1}, Values{1, 2, 3}, Direction::kHigherIsBetter).value());
  EXPECT_EQ(undefined["direction"], "higher_is_better");
  EXPECT_TRUE(undefined["ratio"].is_null());
  EXPECT_TRUE(undefined["ci_low"].is_null());
  EXPECT_EQ(undefined["verdict"], "undefined");

  const auto unbounded =
      to_json(compare_metric(Values{0, 10, 10}, Values{12, 13, 11}, Direction::kLowerIsBetter).value());
  EXPECT_EQ(unbounded["ratio"], 1.2);
  EXPECT_TRUE(unbounded["ci_high"].is_null());
  EXPECT_EQ(unbounded["method"], "normal");  // the 10s tie
}

}  // namespace
}  // namespace bh::analysis
