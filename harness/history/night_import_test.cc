#include "harness/history/night_import.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness/history/test_support.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using testing::raw_rows;
namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

const fs::path kFixtureSummary = fs::path(BH_SOURCE_DIR) / "tests/fixtures/report/summary.json";

void write_json_file(const fs::path& path, const json& value) {
  fs::create_directories(path.parent_path());
  ASSERT_TRUE(write_file_atomically(path, value.dump(2)));
}

json nightly(const std::string& night, const json& kernels) {
  return {{"schema", 1},
          {"night", night},
          {"shard", "1/1"},
          {"matrix", "jobs/matrices/nightly.toml"},
          {"kernels", kernels}};
}

json kernel_entry(const std::string& name) {
  return {{"name", name}, {"spec", "debian:" + name}, {"dir", name + "-out"}};
}

json run_json(std::uint64_t seed, const std::string& status, int stale) {
  return {{"seed", seed}, {"status", status}, {"stale_blocks", stale}, {"reason", std::to_string(stale) + " stale"}};
}

/// A summary.json of `scenarios`, each with two runs.
json summary(const std::string& kernel, const std::vector<std::string>& scenarios) {
  json list = json::array();
  for (const auto& name : scenarios) {
    list.push_back({{"name", name},
                    {"kind", "race"},
                    {"status", "FAIL"},
                    {"runs", {run_json(1, "FAIL", 3), run_json(2, "PASS", 0)}}});
  }
  return {{"schema", 1},
          {"status", "FAIL"},
          {"accel", "tcg"},
          {"seed", 1},
          {"kernel", {{"spec", "debian:" + kernel}, {"release", "6.1.0-57-amd64"}}},
          {"provenance", {{"harness", "0.9"}, {"host_cpu", "test"}}},
          {"scenarios", list}};
}

/// A nightly output directory under `root`/`name`: `kernels` maps each kernel to its scenarios.
fs::path write_night(const fs::path& root, const std::string& name, const std::string& night,
                     const std::vector<std::pair<std::string, std::vector<std::string>>>& kernels) {
  const fs::path dir = root / name;
  json entries = json::array();
  for (const auto& [kernel, scenarios] : kernels) {
    entries.push_back(kernel_entry(kernel));
    write_json_file(dir / (kernel + "-out") / "summary.json", summary(kernel, scenarios));
  }
  write_json_file(dir / "nightly.json", nightly(night, entries));
  return dir;
}

class NightImportTest : public ::testing::Test {
 protected:
  HistoryDb open_db(const std::string& name) {
    auto db = HistoryDb::open(dir_.path() / name, HistoryDb::Mode::kCreateIfMissing);
    EXPECT_TRUE(db) << db.error().message;
    return std::move(db).value();
  }

  TempDir dir_{"night-import"};
};

TEST(RecordsFromSummary, ReadsEveryRunOfARealSummary) {
  const auto fixture = json::parse(read_file(kFixtureSummary).value());
  const auto runs = records_from_summary(fixture, "2026-12-04", "stock");
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs.value().size(), 4u);
  const auto& first = runs.value()[0];
  EXPECT_EQ(first.night, "2026-12-04");
  EXPECT_EQ(first.kernel_name, "stock");
  EXPECT_EQ(first.kernel_spec, "debian:stock");
  EXPECT_EQ(first.kernel_release, "6.1.0-28-amd64");
  EXPECT_EQ(first.scenario, "race-writearound-4k");
  EXPECT_EQ(first.kind, "race");
  EXPECT_EQ(first.run_index, 1);
  EXPECT_EQ(first.seed, 11u);
  EXPECT_EQ(first.status, "FAIL");
  EXPECT_EQ(first.run, fixture["scenarios"][0]["runs"][0]);
  EXPECT_EQ(first.provenance, json::object());
  EXPECT_EQ(runs.value()[1].run_index, 2);
  EXPECT_EQ(runs.value()[1].status, "ERROR");
  EXPECT_EQ(runs.value()[3].scenario, "perf-randread");
  EXPECT_EQ(runs.value()[3].kind, "perf");
  EXPECT_EQ(runs.value()[3].status, "SKIP");
}

TEST(RecordsFromSummary, ARunWithoutSeedHasTheSummarysSeedAndProvenance) {
  auto value = summary("stock", {"race-seq-bypass"});
  value["scenarios"][0]["runs"][1].erase("seed");
  const auto runs = records_from_summary(value, "2026-12-04", "stock").value();
  EXPECT_EQ(runs[1].seed, 1u);
  EXPECT_EQ(runs[1].provenance, value["provenance"]);
}

TEST(RecordsFromSummary, ErrorsNameTheKey) {
  auto value = summary("stock", {"race-a", "race-b"});
  value["scenarios"][1]["runs"][1].erase("status");
  const auto runs = records_from_summary(value, "2026-12-04", "stock");
  ASSERT_FALSE(runs);
  EXPECT_EQ(runs.error().message, "scenarios[1].runs[1]: no \"status\"");

  value["schema"] = 2;
  EXPECT_THAT(records_from_summary(value, "n", "k").error().message, HasSubstr("schema 2 is not 1"));
  EXPECT_FALSE(records_from_summary(json::array(), "n", "k"));
  EXPECT_FALSE(records_from_summary(json{{"schema", 1}}, "n", "k"));
}

TEST_F(NightImportTest, ReadsTheRunsOfEveryKernel) {
  const auto dir =
      write_night(dir_.path(), "night", "2026-12-04", {{"stock", {"race-a", "race-b"}}, {"candidate", {"race-a"}}});
  const auto runs = read_night_directory(dir);
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs.value().size(), 6u);
  EXPECT_EQ(runs.value()[0].kernel_name, "stock");
  EXPECT_EQ(runs.value()[0].kernel_spec, "debian:stock");
  EXPECT_EQ(runs.value()[3].scenario, "race-b");
  EXPECT_EQ(runs.value()[3].run_index, 2);
  EXPECT_EQ(runs.value()[3].seed, 2u);
  EXPECT_EQ(runs.value()[4].kernel_name, "candidate");
  for (const auto& run : runs.value()) EXPECT_EQ(run.night, "2026-12-04");
}

TEST_F(NightImportTest, AKernelWithoutSummaryIsSkippedAndCounted) {
  const auto dir = write_night(dir_.path(), "night", "2026-12-04", {{"stock", {"race-a"}}});
  auto listed = json::parse(read_file(dir / "nightly.json").value());
  listed["kernels"].push_back(kernel_entry("candidate"));  // its shard died before it started
  listed["kernels"].push_back(kernel_entry("next"));
  fs::create_directories(dir / "next-out");  // started, no summary.json yet
  write_json_file(dir / "nightly.json", listed);

  const auto night = read_night(dir);
  ASSERT_TRUE(night) << night.error().message;
  EXPECT_EQ(night.value().runs.size(), 2u);
  EXPECT_EQ(night.value().kernels_missing, (std::vector<std::string>{"candidate", "next"}));
  auto db = open_db("history.sqlite");
  const auto counts = import_nights(db, {dir});
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts.value().runs, 2u);
  EXPECT_EQ(counts.value().kernels_missing, 2u);
}

TEST_F(NightImportTest, ErrorsNameTheFileAndWhatIsWrong) {
  const fs::path dir = dir_.path() / "night";
  fs::create_directories(dir);
  auto error = [&] { return read_night_directory(dir).error().message; };
  EXPECT_THAT(error(), HasSubstr((dir / "nightly.json").string()));

  ASSERT_TRUE(write_file_atomically(dir / "nightly.json", "{\"night\": "));
  EXPECT_THAT(error(), HasSubstr((dir / "nightly.json").string() + ": not JSON"));

  write_json_file(dir / "nightly.json", {{"schema", 1}, {"kernels", json::array()}});
  EXPECT_THAT(error(), HasSubstr("nightly.json: no \"night\""));

  auto newer = nightly("2026-12-04", json::array());
  newer["schema"] = 2;
  write_json_file(dir / "nightly.json", newer);
  EXPECT_THAT(error(), HasSubstr("nightly.json: schema 2 is not 1"));

  write_json_file(dir / "nightly.json", nightly("2026-12-04", json::array({kernel_entry("stock")})));
  ASSERT_TRUE(write_file_atomically(dir / "stock-out/summary.json", "not json"));
  EXPECT_THAT(error(), HasSubstr((dir / "stock-out/summary.json").string() + ": not JSON"));

  auto broken = summary("stock", {"race-a"});
  broken["scenarios"][0].erase("runs");
  write_json_file(dir / "stock-out/summary.json", broken);
  EXPECT_EQ(error(), (dir / "stock-out/summary.json").string() + ": scenarios[0]: no \"runs\" array");
}

TEST_F(NightImportTest, ReimportingANightChangesNothing) {
  const auto dir =
      write_night(dir_.path(), "night", "2026-12-04", {{"stock", {"race-a", "race-b"}}, {"candidate", {"race-a"}}});
  auto db = open_db("history.sqlite");
  ASSERT_EQ(import_night_directories(db, {dir}).value(), 6u);
  const auto runs = db.runs().value();
  const auto before = raw_rows(dir_.path() / "history.sqlite");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // recorded_at has milliseconds

  ASSERT_EQ(import_night_directories(db, {dir}).value(), 6u);
  EXPECT_EQ(db.runs().value(), runs);
  EXPECT_EQ(raw_rows(dir_.path() / "history.sqlite"), before);
  EXPECT_EQ(before.size(), 6u);
}

TEST_F(NightImportTest, ShardsOfANightMergeIntoTheRowsOfOneDirectory) {
  const fs::path root = dir_.path();
  const auto shard1 = write_night(root, "shard1", "2026-12-04", {{"stock", {"race-a"}}, {"candidate", {"race-a"}}});
  const auto shard2 = write_night(root, "shard2", "2026-12-04", {{"stock", {"race-b"}}, {"other", {"race-c"}}});
  const auto whole = write_night(root, "whole", "2026-12-04",
                                 {{"stock", {"race-a", "race-b"}}, {"candidate", {"race-a"}}, {"other", {"race-c"}}});
  auto merged = open_db("merged.sqlite");
  auto single = open_db("single.sqlite");
  ASSERT_EQ(import_night_directories(merged, {shard1, shard2}).value(), 8u);
  ASSERT_EQ(import_night_directories(single, {whole}).value(), 8u);
  const auto runs = merged.runs().value();
  EXPECT_EQ(runs.size(), 8u);
  EXPECT_EQ(runs, single.runs().value());
  EXPECT_EQ(merged.nights().value(), std::vector<std::string>{"2026-12-04"});
}

TEST_F(NightImportTest, ABadDirectoryStopsTheImportBeforeAnythingIsStored) {
  const auto good = write_night(dir_.path(), "good", "2026-12-04", {{"stock", {"race-a"}}});
  auto db = open_db("history.sqlite");
  const auto imported = import_night_directories(db, {good, dir_.path() / "absent"});
  ASSERT_FALSE(imported);
  EXPECT_THAT(imported.error().message, HasSubstr((dir_.path() / "absent" / "nightly.json").string()));
  EXPECT_TRUE(db.runs().value().empty());
}

}  // namespace
}  // namespace bh
