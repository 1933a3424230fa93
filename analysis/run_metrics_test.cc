#include "analysis/run_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/latency_log.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::analysis {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::HasSubstr;

const fs::path kFio = fs::path(BH_SOURCE_DIR) / "tests/fixtures/fio";
const fs::path kMemory = fs::path(BH_SOURCE_DIR) / "tests/fixtures/memory";

Json fixture_json(const fs::path& path) { return Json::parse(read_file(path).value()); }

/// A run directory holding the time-based fixture run as the "measure" phase.
class RunMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(kFio / "time-based-3.33.json", run_dir() / "measure.fio.json");
    fs::copy_file(kFio / "time-based-3.33_clat.1.log", run_dir() / "measure_clat.1.log");
  }
  const fs::path& run_dir() const { return dir_.path(); }

  TempDir dir_{"run-metrics"};
};

TEST_F(RunMetricsTest, LatencyAndIopsComeFromFiosJsonPerDirection) {
  const Json fio = fixture_json(kFio / "time-based-3.33.json")["jobs"][0];
  auto metrics = run_metrics(run_dir(), "measure");
  ASSERT_TRUE(metrics) << metrics.error().message;
  const Json& m = metrics.value();
  EXPECT_EQ(m["measured_phase"], "measure");
  for (const char* direction : {"read", "write"}) {
    SCOPED_TRACE(direction);
    const Json& clat = fio[direction]["clat_ns"];
    EXPECT_DOUBLE_EQ(m["iops"][direction].get<double>(), fio[direction]["iops"].get<double>());
    EXPECT_DOUBLE_EQ(m["bandwidth_kib_s"][direction].get<double>(), fio[direction]["bw_bytes"].get<double>() / 1024);
    EXPECT_DOUBLE_EQ(m["latency_us"][direction]["p99.9"].get<double>(),
                     clat["percentile"]["99.900000"].get<double>() / 1000);
    EXPECT_DOUBLE_EQ(m["latency_us"][direction]["p50"].get<double>(),
                     clat["percentile"]["50.000000"].get<double>() / 1000);
    EXPECT_NEAR(m["latency_us"][direction]["mean"].get<double>(), clat["mean"].get<double>() / 1000, 1e-6);
    EXPECT_EQ(m["latency_us"][direction]["samples"], clat["N"]);
    EXPECT_EQ(m["latency_us"][direction]["percentiles_from"], "fio-json");
  }
  EXPECT_FALSE(m.contains("memory_kib")) << "no memory file, no memory numbers";
  EXPECT_FALSE(m.contains("bcache_counters"));
}

TEST_F(RunMetricsTest, ADirectionWithoutIoIsLeftOut) {
  auto report = parse_fio_json(read_file(kFio / "per-direction-3.33.json").value());
  ASSERT_TRUE(report) << report.error().message;
  report.value().jobs.pop_back();  // keep the reading job only
  const Json m = fio_metrics(report.value(), {});
  EXPECT_TRUE(m["latency_us"].contains("read"));
  EXPECT_FALSE(m["latency_us"].contains("write"));
  EXPECT_FALSE(m["iops"].contains("write"));
}

TEST(FioMetrics, SeveralJobsInOneDirectionTakePercentilesFromTheLogsAndAddUpIops) {
  FioReport report;
  for (int i = 0; i < 2; ++i) {
    FioJob job;
    job.read.total_ios = 5;
    job.read.iops = 100 + i;
    job.read.clat.samples = 5;
    job.read.clat.mean_ns = i == 0 ? 1000 : 3000;
    job.read.clat.max_ns = i == 0 ? 5000 : 9000;
    report.jobs.push_back(job);
  }
  // Ten reads of 1..10 µs over two logs: nearest-rank p50 is 5 µs, p90 9 µs, p99 10 µs.
  auto first = parse_latency_log(
      "1, 1000, 0, 4096, 0, 0\n2, 2000, 0, 4096, 0, 0\n3, 3000, 0, 4096, 0, 0\n"
      "4, 4000, 0, 4096, 0, 0\n5, 5000, 0, 4096, 0, 0\n");
  auto second = parse_latency_log(
      "1, 6000, 0, 4096, 0, 0\n2, 7000, 0, 4096, 0, 0\n3, 8000, 0, 4096, 0, 0\n"
      "4, 9000, 0, 4096, 0, 0\n5, 10000, 0, 4096, 0, 0\n");
  ASSERT_TRUE(first && second);
  const Json m = fio_metrics(report, {first.value(), second.value()});
  const Json& read = m["latency_us"]["read"];
  EXPECT_EQ(read["percentiles_from"], "latency-logs");
  EXPECT_DOUBLE_EQ(read["p50"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(read["p90"].get<double>(), 9.0);
  EXPECT_DOUBLE_EQ(read["p99"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(read["mean"].get<double>(), 2.0);  // (5 x 1 + 5 x 3) / 10
  EXPECT_DOUBLE_EQ(read["max"].get<double>(), 9.0);
  EXPECT_DOUBLE_EQ(m["iops"]["read"].get<double>(), 201.0);
  const Json without_logs = fio_metrics(report, {});
  EXPECT_FALSE(without_logs["latency_us"]["read"].contains("p50"));
  EXPECT_THAT(without_logs["latency_us"]["read"]["percentiles_from"].get<std::string>(), HasSubstr("no latency logs"));
}

TEST_F(RunMetricsTest, MemoryAndCountersFilesAreSummarised) {
  Json memory = fixture_json(kMemory / "host-6.18-phase.json");
  memory["interval_ms"] = 250;
  memory["baseline"]["bcache_module_kib"] = 348;
  ASSERT_TRUE(write_file_atomically(run_dir() / "measure.memory.json", memory.dump()));
  const Json counters = {{"measure", {{"delta", {{"cache_hits", 7}}}}}};
  ASSERT_TRUE(write_file_atomically(run_dir() / "bcache-counters.json", counters.dump()));
  auto metrics = run_metrics(run_dir(), "measure");
  ASSERT_TRUE(metrics) << metrics.error().message;
  const Json& m = metrics.value()["memory_kib"];
  EXPECT_EQ(m["phase"], "measure");
  EXPECT_EQ(m["interval_ms"], 250);
  EXPECT_EQ(m["samples"], memory["samples"].size());
  EXPECT_EQ(m["bcache_module_kib"], 348);
  EXPECT_EQ(m["meminfo"]["Slab"]["baseline_kib"], memory["baseline"]["meminfo"]["Slab"]);
  EXPECT_TRUE(m["allocinfo"].is_null());
  EXPECT_THAT(m["allocinfo_unavailable"].get<std::string>(), HasSubstr("CONFIG_MEM_ALLOC_PROFILING"));
  EXPECT_LE(m["slab"].size(), kReportedSlabCaches + 10);
  EXPECT_EQ(metrics.value()["bcache_counters"], counters);
}

TEST(MemoryMetrics, AllocinfoReportsBcachesPeakOverItsBaseline) {
  const Json file = {{"interval_ms", 250},
                     {"baseline", {{"meminfo", {{"Slab", 100}}}, {"allocinfo_kib", {{"total", 40}}}}},
                     {"samples",
                      {{{"t_s", 0.25}, {"meminfo", {{"Slab", 120}}}, {"allocinfo_kib", {{"total", 44}}}},
                       {{"t_s", 0.5}, {"meminfo", {{"Slab", 110}}}, {"allocinfo_kib", {{"total", 104}}}},
                       {{"t_s", 0.75}, {"meminfo", {{"Slab", 100}}}, {"allocinfo_kib", {{"total", 41}}}}}}};
  auto memory = memory_metrics(file, "measure");
  ASSERT_TRUE(memory) << memory.error().message;
  EXPECT_EQ(memory.value()["allocinfo"]["baseline_kib"], 40);
  EXPECT_EQ(memory.value()["allocinfo"]["peak_kib"], 104);
  EXPECT_EQ(memory.value()["allocinfo"]["peak_minus_baseline_kib"], 64);
  EXPECT_DOUBLE_EQ(memory.value()["allocinfo"]["peak_t_s"].get<double>(), 0.5);
  EXPECT_EQ(memory.value()["meminfo"]["Slab"]["peak_minus_baseline_kib"], 20);
  EXPECT_TRUE(memory.value()["bcache_module_kib"].is_null()) << "not reported is not 0";
}

TEST(MemoryMetrics, AFileWithoutSamplesIsAnError) {
  auto memory = memory_metrics(Json{{"baseline", Json::object()}}, "measure");
  ASSERT_FALSE(memory);
  EXPECT_THAT(memory.error().message, HasSubstr("\"samples\""));
}

TEST_F(RunMetricsTest, IllTypedGuestMemorySamplesAreLeftOutOfTheSeries) {
  Json memory = fixture_json(kMemory / "host-6.18-phase.json");
  const auto samples = memory["samples"].size();
  memory["samples"][0]["meminfo"]["Slab"] = "lots";
  memory["samples"][1]["t_s"] = "soon";
  ASSERT_TRUE(write_file_atomically(run_dir() / "measure.memory.json", memory.dump()));
  auto series = run_series(run_dir(), "measure");
  ASSERT_TRUE(series) << series.error().message;
  EXPECT_EQ(series.value().memory_over_time_kib.at("Slab").size(), samples - 2);
}

TEST_F(RunMetricsTest, SeriesHoldCdfsTimeSeriesAndMemory) {
  Json memory = fixture_json(kMemory / "host-6.18-phase.json");
  ASSERT_TRUE(write_file_atomically(run_dir() / "measure.memory.json", memory.dump()));
  auto series = run_series(run_dir(), "measure");
  ASSERT_TRUE(series) << series.error().message;
  for (const char* direction : {"read", "write"}) {
    SCOPED_TRACE(direction);
    ASSERT_FALSE(series.value().latency_cdf.at(direction).empty());
    EXPECT_DOUBLE_EQ(series.value().latency_cdf.at(direction).back().fraction, 1.0);
    EXPECT_FALSE(series.value().latency_over_time_us.at(direction).empty());
  }
  ASSERT_TRUE(series.value().memory_over_time_kib.contains("Slab"));
  EXPECT_EQ(series.value().memory_over_time_kib.at("Slab").size(), memory["samples"].size());
  EXPECT_DOUBLE_EQ(series.value().memory_over_time_kib.at("Slab").front().y,
                   memory["samples"][0]["meminfo"]["Slab"].get<double>());
}

TEST_F(RunMetricsTest, AMissingFioFileIsAnErrorNamingIt) {
  auto metrics = run_metrics(run_dir(), "warmup");
  ASSERT_FALSE(metrics);
  EXPECT_THAT(metrics.error().message, HasSubstr("warmup.fio.json"));
}

TEST_F(RunMetricsTest, AMalformedLatencyLogIsAnErrorNamingItsLine) {
  ASSERT_TRUE(write_file_atomically(run_dir() / "measure_clat.2.log", "1, 2, 0, 4096, 0, 0\nnot a number\n"));
  auto metrics = run_metrics(run_dir(), "measure");
  ASSERT_FALSE(metrics);
  EXPECT_THAT(metrics.error().message, HasSubstr("measure_clat.2.log:2"));
}

}  // namespace
}  // namespace bh::analysis

namespace bh::analysis {
namespace {

TEST_F(RunMetricsTest, AnalyseRunGivesTheSameMetricsAndSeriesFromOneReading) {
  Json memory = fixture_json(kMemory / "host-6.18-phase.json");
  ASSERT_TRUE(write_file_atomically(run_dir() / "measure.memory.json", memory.dump()));
  auto both = analyse_run(run_dir(), "measure");
  auto metrics = run_metrics(run_dir(), "measure");
  auto series = run_series(run_dir(), "measure");
  ASSERT_TRUE(both && metrics && series);
  EXPECT_EQ(both.value().metrics, metrics.value());
  EXPECT_EQ(both.value().series.latency_cdf, series.value().latency_cdf);
  EXPECT_EQ(both.value().series.latency_over_time_us, series.value().latency_over_time_us);
  EXPECT_EQ(both.value().series.memory_over_time_kib, series.value().memory_over_time_kib);
  EXPECT_FALSE(both.value().series.memory_over_time_kib.empty());
}

TEST_F(RunMetricsTest, AnalyseRunNamesAMissingFioFile) {
  auto both = analyse_run(run_dir(), "warmup");
  ASSERT_FALSE(both);
  EXPECT_THAT(both.error().message, HasSubstr("warmup.fio.json"));
}

}  // namespace
}  // namespace bh::analysis
