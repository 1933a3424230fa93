#include "harness/reports/report_tables.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

ReportInput fixture() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/summary.json";
  return {Json::parse(read_file(path).value()), {}, {}};
}

const Table& table_named(const std::vector<Table>& tables, const std::string& id) {
  for (const auto& table : tables) {
    if (table.id == id) return table;
  }
  throw std::runtime_error("no table " + id);
}

/// The row's cell texts.
std::vector<std::string> texts(const std::vector<Cell>& row) {
  std::vector<std::string> out;
  for (const auto& cell : row) out.push_back(cell.text);
  return out;
}

using Texts = std::vector<std::string>;

TEST(FormatNumber, IntegersExactlyOthersWithFixedDecimalsMissingAsDash) {
  EXPECT_EQ(format_number(Json(18446744073709551615ull), 0), "18446744073709551615");
  EXPECT_EQ(format_number(Json(80), 1), "80.0");
  EXPECT_EQ(format_number(Json(120.46), 1), "120.5");
  EXPECT_EQ(format_number(Json(2.0), 0), "2");
  EXPECT_EQ(format_number(Json(), 0), "–");
  EXPECT_EQ(format_number(Json("12"), 0), "–");
}

TEST(ReportFacts, StatusKernelAccelSeed) {
  const auto facts = report_facts(fixture().summary);
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].first, "status");
  EXPECT_EQ(facts[0].second, (Cell{"FAIL", CellKind::kStatus, ""}));
  EXPECT_EQ(facts[1].second.text, "debian:stock (6.1.0-28-amd64)");
  EXPECT_EQ(facts[2].second.text, "tcg");
  EXPECT_EQ(facts[3].second.text, "7");
  EXPECT_EQ(report_facts(Json::object())[1].second.text, "–");
}

TEST(RunsTable, OneRowPerRunWithDashesForWhatARunDidNotReport) {
  const auto tables = report_tables(fixture());
  const auto& table = table_named(tables, "runs");
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(texts(table.rows[0]), (Texts{"race-writearound-4k", "1", "11", "FAIL", "2 stale blocks | first at 0x1000",
                                         "2", "4096", "41", "2", "3"}));
  EXPECT_EQ(texts(table.rows[1]), (Texts{"race-writearound-4k", "2", "12", "ERROR",
                                         "guest did not answer <ping> & gave up", "–", "–", "–", "–", "–"}));
  EXPECT_EQ(texts(table.rows[3]),
            (Texts{"perf-randread", "2", "22", "SKIP", "kernel has no bcache module", "–", "–", "–", "–", "–"}));
  EXPECT_EQ(table.rows[0][3].kind, CellKind::kStatus);
  EXPECT_EQ(table.column_kinds[6], CellKind::kNumber);
  EXPECT_EQ(table.column_kinds[4], CellKind::kText);
}

TEST(RunsTable, RunCellLinksTheRunDirectoryRelativeToTheReport) {
  auto input = fixture();
  auto& runs = input.summary["scenarios"][0]["runs"];
  runs[1]["run_dir"] = "/out/a:b c/run-2";
  input.directory = "/out";
  runs.push_back({{"seed", 13}, {"status", "PASS"}, {"run_dir", "/elsewhere/run-3"}});
  runs.push_back({{"seed", 14}, {"status", "PASS"}, {"run_dir", "../up/run-4"}});
  const auto tables = report_tables(input);
  const auto& rows = table_named(tables, "runs").rows;
  EXPECT_EQ(rows[0][1].link, "race-writearound-4k/run-1-seed-11");
  EXPECT_EQ(rows[1][1].link, "a%3Ab%20c/run-2");
  EXPECT_EQ(rows[2][1].link, "");
  EXPECT_EQ(rows[3][1].link, "");
  EXPECT_EQ(rows[5][1].link, "");  // perf-randread run 2 has no run_dir

  input.directory.clear();  // an absolute run_dir cannot be made relative to nothing
  EXPECT_EQ(table_named(report_tables(input), "runs").rows[1][1].link, "");
}

TEST(LatencyTable, OneRowPerDirectionThatDidIo) {
  const auto tables = report_tables(fixture());
  const auto& table = table_named(tables, "latency");
  EXPECT_EQ(table.columns,
            (Texts{"scenario", "run", "direction", "IOPS", "p50", "p90", "p99", "p99.9", "p99.99", "mean"}));
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(texts(table.rows[0]),
            (Texts{"perf-randread", "1", "read", "11734.2", "80.0", "120.5", "300.0", "900.0", "1500.0", "85.2"}));
}

TEST(LatencyTable, ADirectionWithIopsButNoLatencyShowsDashes) {
  auto input = fixture();
  input.summary["scenarios"][1]["runs"][0]["iops"]["write"] = 10.0;
  const auto tables = report_tables(input);
  const auto& rows = table_named(tables, "latency").rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(texts(rows[1]), (Texts{"perf-randread", "1", "write", "10.0", "–", "–", "–", "–", "–", "–"}));
}

TEST(MemoryTable, SourcesInReportOrderWithUnavailableAndLowest) {
  const auto tables = report_tables(fixture());
  const auto& table = table_named(tables, "memory");
  ASSERT_EQ(table.rows.size(), 8u);
  using R = Texts;
  EXPECT_EQ(texts(table.rows[0]), (R{"perf-randread", "1", "MemAvailable (lowest)", "900000", "880000", "20000"}));
  EXPECT_EQ(texts(table.rows[1]), (R{"perf-randread", "1", "Slab", "40000", "46000", "6000"}));
  EXPECT_EQ(texts(table.rows[3]), (R{"perf-randread", "1", "Percpu", "unavailable", "unavailable", "unavailable"}));
  EXPECT_EQ(texts(table.rows[5]), (R{"perf-randread", "1", "slab bcache_btree", "512", "640", "128"}));
  EXPECT_EQ(texts(table.rows[6]), (R{"perf-randread", "1", "bcache allocations (allocinfo)", "2048", "2304", "256"}));
  EXPECT_EQ(texts(table.rows[7]), (R{"perf-randread", "1", "bcache module", "312", "–", "–"}));
  EXPECT_FALSE(table.note.empty());
}

TEST(MemoryTable, AllocinfoAndModuleSizeMayBeUnavailable) {
  auto input = fixture();
  auto& memory = input.summary["scenarios"][1]["runs"][0]["memory_kib"];
  memory["allocinfo"] = nullptr;
  memory["allocinfo_unavailable"] = "no /proc/allocinfo";
  memory["bcache_module_kib"] = nullptr;
  const auto tables = report_tables(input);
  const auto& rows = table_named(tables, "memory").rows;
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_EQ(texts(rows[6]), (Texts{"perf-randread", "1", "bcache allocations (allocinfo)", "unavailable", "unavailable",
                                   "unavailable"}));
  EXPECT_EQ(texts(rows[7]), (Texts{"perf-randread", "1", "bcache module", "unavailable", "–", "–"}));
}

TEST(CountersTable, KnownCountersFirstThenOthersByName) {
  auto input = fixture();
  auto& phases = input.summary["scenarios"][1]["runs"][0]["bcache_counters"];
  phases["warmup"] = {{"delta", {{"cache_hits", 7}, {"zz_new", 1}, {"aa_new", 2}}}};
  const auto tables = report_tables(input);
  const auto& table = table_named(tables, "counters");
  EXPECT_EQ(table.columns,
            (Texts{"scenario", "run", "phase", "cache_hits", "cache_misses", "cache_bypass_hits", "cache_bypass_misses",
                   "cache_miss_collisions", "bypassed_bytes", "aa_new", "zz_new"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(texts(table.rows[0]),
            (Texts{"perf-randread", "1", "measure", "5000", "1000", "0", "12", "1", "96", "–", "–"}));
  EXPECT_EQ(texts(table.rows[1]), (Texts{"perf-randread", "1", "warmup", "7", "–", "–", "–", "–", "–", "2", "1"}));
}

TEST(ReportTables, OnlyTheRunsTableWhenNoRunHasMetricsOrStaleExamples) {
  auto input = fixture();
  input.summary["scenarios"].erase(1);
  input.summary["scenarios"][0]["runs"][0].erase("stale_examples");
  const auto tables = report_tables(input);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].id, "runs");
}

TEST(ScenarioNumbers, RaceRunsShowStaleOfCheckedAndAfterPowerCuts) {
  const auto input = fixture();
  const auto& scenario = input.summary["scenarios"][0];
  const auto table = scenario_numbers(input, "race-writearound-4k", scenario);
  EXPECT_EQ(table.columns, (Texts{"run", "seed", "status", "stale / checked blocks", "bypass writes", "race windows",
                                  "stale inserts", "stale after power cuts", "reason"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(texts(table.rows[0]),
            (Texts{"1", "11", "FAIL", "2 / 4096", "128", "41", "2", "3", "2 stale blocks | first at 0x1000"}));
  EXPECT_EQ(table.rows[0][0].link, "race-writearound-4k/run-1-seed-11");
  EXPECT_EQ(texts(table.rows[1]),
            (Texts{"2", "12", "ERROR", "–", "–", "–", "–", "–", "guest did not answer <ping> & gave up"}));
}

TEST(ScenarioNumbers, NoPowerCutColumnWithoutCuts) {
  auto input = fixture();
  auto& scenario = input.summary["scenarios"][0];
  scenario["runs"][0].erase("power_cuts");
  scenario["runs"][0].erase("blocks_checked");
  const auto table = scenario_numbers(input, "race-writearound-4k", scenario);
  EXPECT_EQ(table.columns, (Texts{"run", "seed", "status", "stale / checked blocks", "bypass writes", "race windows",
                                  "stale inserts", "reason"}));
  EXPECT_EQ(table.rows[0][3].text, "2 / –");
}

TEST(ScenarioNumbers, PerfRunsShowIopsP99AndSlabGrowth) {
  const auto input = fixture();
  const auto table = scenario_numbers(input, "perf-randread", input.summary["scenarios"][1]);
  EXPECT_EQ(table.columns, (Texts{"run", "seed", "status", "read IOPS", "write IOPS", "read p99 µs", "write p99 µs",
                                  "Slab growth KiB", "reason"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(texts(table.rows[0]), (Texts{"1", "21", "PASS", "11734.2", "–", "300.0", "–", "6000", "–"}));
  EXPECT_EQ(table.column_kinds[3], CellKind::kNumber);
  EXPECT_EQ(texts(table.rows[1])[2], "SKIP");
}

TEST(StaleExplanations, EachStaleExampleShowsHowItBecameStale) {
  const auto tables = report_tables(fixture());
  const auto& table = table_named(tables, "stale-explained");
  ASSERT_EQ(table.rows.size(), 1u);
  const auto row = texts(table.rows[0]);
  EXPECT_EQ(row[0], "race-writearound-4k");
  EXPECT_EQ(row[2], "4096");
  EXPECT_EQ(row[5].rfind("read miss of sectors 8+8 at 0.074697 s while the sequential bypass write", 0), 0u);
}

TEST(ReportTables, EveryRowHasOneCellPerColumn) {
  for (const auto& table : report_tables(fixture())) {
    EXPECT_EQ(table.column_kinds.size(), table.columns.size()) << table.id;
    for (const auto& row : table.rows) EXPECT_EQ(row.size(), table.columns.size()) << table.id;
  }
}

}  // namespace
}  // namespace bh::analysis
