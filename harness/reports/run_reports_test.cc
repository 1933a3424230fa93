#include "harness/reports/run_reports.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::HasSubstr;

const fs::path kFio = fs::path(BH_SOURCE_DIR) / "tests/fixtures/fio";

/// Draws every plot as the same small SVG and counts them.
class FakeRenderer : public analysis::PlotRenderer {
 public:
  Expected<std::string> svg(const analysis::PlotSpec&) override {
    ++plots;
    return std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0L1 1\"/></svg>");
  }
  int plots = 0;
};

/// A run directory with one perf scenario whose run kept its measured phase's files.
class RunReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto run_dir = out() / "perf-randread" / "run-1-seed-7";
    fs::create_directories(run_dir);
    fs::copy_file(kFio / "time-based-3.33.json", run_dir / "measure.fio.json");
    fs::copy_file(kFio / "time-based-3.33_clat.1.log", run_dir / "measure_clat.1.log");
    summary_ = {
        {"schema", 1},
        {"status", "PASS"},
        {"accel", "tcg"},
        {"seed", 7},
        {"kernel", {{"spec", "debian:stock"}, {"release", "6.1.0-56-amd64"}}},
        {"scenarios",
         {{{"name", "perf-randread"},
           {"kind", "perf"},
           {"status", "PASS"},
           {"runs",
            {{{"seed", 7}, {"status", "PASS"}, {"run_dir", "/moved/away/run-1-seed-7"}, {"iops", {{"read", 1}}}}}}}}}};
    ASSERT_TRUE(write_file_atomically(out() / "summary.json", summary_.dump()));
  }
  fs::path out() const { return dir_.path(); }

  TempDir dir_{"run-reports"};
  Json summary_;
};

TEST_F(RunReportsTest, LocatesAMovedRunDirectoryUnderItsScenario) {
  EXPECT_EQ(locate_run_dir(out(), "perf-randread", summary_["scenarios"][0]["runs"][0]),
            out() / "perf-randread" / "run-1-seed-7");
  const Json here = {{"run_dir", (out() / "perf-randread" / "run-1-seed-7").string()}};
  EXPECT_EQ(locate_run_dir("/elsewhere", "x", here), out() / "perf-randread" / "run-1-seed-7");
}

TEST(MeasuredPhase, ComesFromTheRunElseFromTheKind) {
  EXPECT_EQ(measured_phase_of("perf", Json::object()), "measure");
  EXPECT_EQ(measured_phase_of("race", Json::object()), "race");
  EXPECT_EQ(measured_phase_of("control", Json::object()), "race");
  EXPECT_EQ(measured_phase_of("perf", Json{{"measured_phase", "warmup"}}), "warmup");
}

TEST_F(RunReportsTest, RecomputesMetricsFromTheRawFilesAndWritesEveryReport) {
  FakeRenderer renderer;
  auto files = write_reports(out(), renderer);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_TRUE(files.value().warnings.empty());
  const Json fio = Json::parse(read_file(kFio / "time-based-3.33.json").value())["jobs"][0];
  const Json summary = Json::parse(read_file(out() / "summary.json").value());
  const Json& run = summary["scenarios"][0]["runs"][0];
  EXPECT_DOUBLE_EQ(run["iops"]["read"].get<double>(), fio["read"]["iops"].get<double>()) << "recomputed, not kept";
  EXPECT_EQ(run["measured_phase"], "measure");
  EXPECT_TRUE(run.contains("latency_us"));
  EXPECT_GT(renderer.plots, 0) << "the run's latency logs give plots";
  EXPECT_EQ(files.value().refreshed_summary, summary) << "what it rendered is what it wrote";
  ASSERT_EQ(files.value().series.size(), 1u);
  EXPECT_EQ(files.value().series[0].scenario, "perf-randread");
  EXPECT_EQ(files.value().series[0].seed, 7u);
  for (const auto& path : {files.value().html, files.value().markdown, files.value().junit}) {
    auto text = read_file(path);
    ASSERT_TRUE(text) << path;
    EXPECT_THAT(text.value(), HasSubstr("perf-randread")) << path;
  }
}

TEST_F(RunReportsTest, AMalformedRawFileIsAWarningAndTheRecordedNumbersStay) {
  ASSERT_TRUE(write_file_atomically(out() / "perf-randread" / "run-1-seed-7" / "measure.fio.json", "not fio"));
  FakeRenderer renderer;
  auto files = write_reports(out(), renderer);
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files.value().warnings.size(), 1u);
  EXPECT_THAT(files.value().warnings[0], HasSubstr("measure.fio.json"));
  const Json summary = Json::parse(read_file(out() / "summary.json").value());
  EXPECT_EQ(summary["scenarios"][0]["runs"][0]["iops"]["read"], 1);
}

TEST(ReadBlockMaps, ReadsTheMapOfEachRunThatHasOne) {
  TempDir dir("run-reports-maps");
  const auto fixture = fs::path(BH_SOURCE_DIR) / "tests/fixtures/report";
  Json summary = Json::parse(read_file(fixture / "summary.json").value());
  const auto run_dir = dir.path() / "race-writearound-4k" / "run-1-seed-11";
  fs::create_directories(run_dir);
  fs::copy_file(fixture / "race-writearound-4k/run-1-seed-11/block-map.json", run_dir / "block-map.json");
  fs::create_directories(dir.path() / "perf-randread" / "run-1-seed-21");  // a perf run: no map
  std::vector<std::string> warnings;
  const auto maps = read_block_maps(dir.path(), summary, warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(maps.size(), 1u);
  EXPECT_EQ(maps[0].scenario, "race-writearound-4k");
  EXPECT_EQ(maps[0].run_index, 0u);
  EXPECT_EQ(maps[0].classes.size(), 4096u);
  EXPECT_EQ(std::count(maps[0].classes.begin(), maps[0].classes.end(), 'S'), 2);
}

TEST(ReadBlockMaps, AMalformedMapIsAWarningNamingTheFile) {
  TempDir dir("run-reports-bad-map");
  const Json summary = {{"scenarios", {{{"name", "race"}, {"runs", {{{"run_dir", "race/run-1"}}}}}}}};
  fs::create_directories(dir.path() / "race" / "run-1");
  ASSERT_TRUE(write_file_atomically(dir.path() / "race" / "run-1" / "block-map.json", "{\"blocks\": 1}"));
  std::vector<std::string> warnings;
  EXPECT_TRUE(read_block_maps(dir.path(), summary, warnings).empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("block-map.json"));
}

TEST_F(RunReportsTest, TheHtmlReportDrawsTheBlockMapOfARunThatHasOne) {
  const auto run_dir = out() / "perf-randread" / "run-1-seed-7";
  const Json map = {{"block_size", 4096}, {"start_offset", 0}, {"blocks", 4}, {"classes", ".S.."}};
  ASSERT_TRUE(write_file_atomically(run_dir / "block-map.json", map.dump()));
  FakeRenderer renderer;
  auto files = write_reports(out(), renderer);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_THAT(read_file(files.value().html).value(), HasSubstr("<figure class=\"block-map\""));
  EXPECT_EQ(Json::parse(read_file(out() / "summary.json").value()), files.value().refreshed_summary);
  EXPECT_EQ(files.value().refreshed_summary.dump().find("block-map"), std::string::npos)
      << "the map is not copied into summary.json";
}

TEST(WriteReports, ADirectoryWithoutASummaryIsAnErrorNamingTheFile) {
  TempDir empty("run-reports-empty");
  FakeRenderer renderer;
  auto files = write_reports(empty.path(), renderer);
  ASSERT_FALSE(files);
  EXPECT_THAT(files.error().message, HasSubstr("summary.json"));
}

TEST(WriteReports, ASummaryWithoutScenariosIsRefused) {
  TempDir dir("run-reports-bad");
  ASSERT_TRUE(write_file_atomically(dir.path() / "summary.json", "{\"schema\": 1}"));
  FakeRenderer renderer;
  auto files = write_reports(dir.path(), renderer);
  ASSERT_FALSE(files);
  EXPECT_THAT(files.error().message, HasSubstr("no \"scenarios\" array"));
}

}  // namespace
}  // namespace bh
