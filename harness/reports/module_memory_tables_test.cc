#include "harness/reports/module_memory_tables.h"

#include <gtest/gtest.h>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

Json memory_run(std::uint64_t backing, std::uint64_t baseline, std::uint64_t peak) {
  return {{"status", "PASS"},
          {"backing_bytes", backing},
          {"bcache_memory",
           {{"baseline_bytes", baseline},
            {"peak_bytes", peak},
            {"peak_minus_baseline_bytes", peak - baseline},
            {"held_at_end_bytes", baseline},
            {"by_call_site", {{{"call_site", "bch_cache_set_alloc+0x25"}, {"peak_bytes", 131072}}}}}}};
}

ReportInput three_sizes() {
  const std::uint64_t gib = 1ull << 30, tib = 1ull << 40;
  ReportInput input;
  input.summary = {{"scenarios",
                    {{{"name", "fix-eval-memory-size"}, {"runs", {memory_run(gib, 2'000'000, 2'000'064)}}},
                     {{"name", "fix-eval-memory-size:1t"}, {"runs", {memory_run(tib, 2'000'256, 2'065'856)}}},
                     {{"name", "fix-eval-memory-size:8t"}, {"runs", {memory_run(8 * tib, 2'002'048, 2'526'336)}}},
                     {{"name", "race-seq-bypass"}, {"runs", {{{"status", "FAIL"}}}}}}}};
  return input;
}

TEST(ModuleMemoryTables, OneRowPerTracedRunWithItsLargestCallSite) {
  const auto table = module_memory_table(three_sizes());
  ASSERT_EQ(table.rows.size(), 3u);  // the race run has no bcache_memory
  EXPECT_EQ(table.rows[1][0].text, "fix-eval-memory-size:1t");
  EXPECT_EQ(table.rows[1][2].text, "1099511627776");
  EXPECT_EQ(table.rows[1][5].text, "65600");
  EXPECT_EQ(table.rows[1][7].text, "bch_cache_set_alloc+0x25 (131072 B)");
}

TEST(ModuleMemoryTables, GrowthPerTibIsTheSlopeAcrossSizesBesideTheV2Figures) {
  const auto table = memory_growth_table(three_sizes());
  ASSERT_EQ(table.rows.size(), 1u);
  const auto& row = table.rows[0];
  EXPECT_EQ(row[0].text, "fix-eval-memory-size*");
  EXPECT_EQ(row[2].text, "3");
  // Exactly 256 B and 65,792 B per TiB more from 1 GiB on: the fit's slope.
  EXPECT_NEAR(std::stod(row[3].text), 256.0, 0.5);
  EXPECT_NEAR(std::stod(row[4].text), 65536.0 + 256.0, 100.0);
  EXPECT_EQ(row[5].text, "256");
  EXPECT_EQ(row[6].text, "65792");
}

TEST(ModuleMemoryTables, OneSizeGivesNoGrowth) {
  ReportInput input;
  input.summary = {{"scenarios", {{{"name", "perf-randrw"}, {"runs", {memory_run(1ull << 30, 10, 20)}}}}}};
  EXPECT_TRUE(memory_growth_table(input).rows.empty());
  EXPECT_FALSE(slope({{1, 2}, {1, 3}}));
  EXPECT_DOUBLE_EQ(*slope({{0, 1}, {2, 5}}), 2.0);
}

}  // namespace
}  // namespace bh::analysis
