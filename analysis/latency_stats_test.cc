#include "analysis/latency_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "analysis/fio_json.h"
#include "util/files.h"

namespace bh::analysis {
namespace {

std::string fixture_path(const std::string& name) { return std::string(BH_SOURCE_DIR) + "/tests/fixtures/fio/" + name; }

using Ns = std::vector<std::uint64_t>;

TEST(PercentileOfSorted, IsTheNearestRankSample) {
  Ns ns(1000);
  for (std::size_t i = 0; i < ns.size(); ++i) ns[i] = i + 1;
  EXPECT_EQ(percentile_of_sorted(ns, 50), 500u);
  EXPECT_EQ(percentile_of_sorted(ns, 99.9), 999u);
  EXPECT_EQ(percentile_of_sorted(ns, 99.99), 1000u);
  EXPECT_EQ(percentile_of_sorted(ns, 0), 1u);
  EXPECT_EQ(percentile_of_sorted(ns, 100), 1000u);
  EXPECT_EQ(percentile_of_sorted(Ns{7}, 1), 7u);
  EXPECT_EQ(percentile_of_sorted(Ns{}, 50), std::nullopt);
}

TEST(PercentileOfSorted, IsCloseToFiosHistogramPercentilesForTheSameRun) {
  auto log = parse_latency_log_file(fixture_path("time-based-3.33_clat.1.log"));
  auto report = parse_fio_json(read_file(fixture_path("time-based-3.33.json")).value());
  ASSERT_TRUE(log && report);
  Ns sorted = log.value().read.latency_ns;
  std::sort(sorted.begin(), sorted.end());
  // fio's buckets are 1/64 of a power of two wide, so it is off by at most ~1.6 %.
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double exact = static_cast<double>(percentile_of_sorted(sorted, p).value());
    const auto& clat = report.value().jobs[0].read.clat;
    const double fio = static_cast<double>(clat.percentile_ns(p).value());
    EXPECT_NEAR(fio / exact, 1.0, 0.02) << "p" << p;
  }
}

TEST(LatencyCdf, HasOnePointPerDistinctLatency) {
  EXPECT_EQ(latency_cdf({30, 10, 20, 10}, 100), (std::vector<CdfPoint>{{10, 0.5}, {20, 0.75}, {30, 1.0}}));
  EXPECT_TRUE(latency_cdf({}, 100).empty());
}

TEST(LatencyCdf, ThinsToMaxPointsKeepingBothEnds) {
  Ns ns(10001);
  for (std::size_t i = 0; i < ns.size(); ++i) ns[i] = 5 * i;
  const auto cdf = latency_cdf(ns, 101);
  ASSERT_EQ(cdf.size(), 101u);
  EXPECT_EQ(cdf.front().latency_ns, 0u);
  EXPECT_EQ(cdf.back(), (CdfPoint{50000, 1.0}));
  EXPECT_EQ(cdf[50].latency_ns, 25000u);
  EXPECT_TRUE(std::is_sorted(cdf.begin(), cdf.end(), [](auto& a, auto& b) { return a.fraction < b.fraction; }));
  EXPECT_EQ(latency_cdf(ns, 0).size(), 2u);
}

TEST(LatencyCdf, OfARealLogEndsAtTheMaximum) {
  auto log = parse_latency_log_file(fixture_path("time-based-3.33_clat.1.log"));
  ASSERT_TRUE(log);
  const auto cdf = latency_cdf(log.value().read.latency_ns, 50);
  ASSERT_EQ(cdf.size(), 50u);
  EXPECT_EQ(cdf.front(), (CdfPoint{2475, 1.0 / 200}));  // the JSON's clat min
  EXPECT_EQ(cdf.back(), (CdfPoint{4733647, 1.0}));      // and max
}

TEST(LatencyTimeSeries, BinsByCompletionTimeAndLeavesOutEmptyBins) {
  LatencySamples samples{{1200, 5, 15, 2100, 9}, {400, 10, 30, 50, 20}};
  EXPECT_EQ(latency_time_series(samples, 1000, BinStatistic::mean()),
            (std::vector<TimeBin>{{0, 3, 20.0}, {1000, 1, 400.0}, {2000, 1, 50.0}}));
  EXPECT_EQ(latency_time_series(samples, 1000, BinStatistic::at_percentile(50)),
            (std::vector<TimeBin>{{0, 3, 20.0}, {1000, 1, 400.0}, {2000, 1, 50.0}}));
  const auto maxima = latency_time_series(samples, 1000, BinStatistic::at_percentile(100));
  EXPECT_EQ(maxima[0].latency_ns, 30.0);
  EXPECT_TRUE(latency_time_series({}, 1000, BinStatistic::mean()).empty());
}

TEST(LatencyTimeSeries, OfARealLogCoversTheRun) {
  auto log = parse_latency_log_file(fixture_path("time-based-3.33_clat.1.log"));
  ASSERT_TRUE(log);
  // rate_iops=100 for reads over runtime=2: 50 reads in each half second.
  const auto series = latency_time_series(log.value().read, 500, BinStatistic::mean());
  ASSERT_EQ(series.size(), 4u);
  for (const auto& bin : series) EXPECT_EQ(bin.samples, 50u) << bin.start_ms;
  EXPECT_NEAR(series[1].latency_ns, 214014.78, 0.01);  // computed with Python's csv module
  EXPECT_EQ(series[3].start_ms, 1500u);
}

}  // namespace
}  // namespace bh::analysis
