#include "analysis/memory_summary.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

Json sample(double t_s, Json meminfo, Json slab_kb = Json::object()) {
  return Json{{"t_s", t_s}, {"uptime_s", 100 + t_s}, {"meminfo", meminfo}, {"slab_kb", slab_kb}};
}

Json baseline(Json meminfo, Json slab_kb = Json::object()) {
  return Json{{"uptime_s", 99.0}, {"meminfo", meminfo}, {"slab_kb", slab_kb}};
}

std::string error_of(const Json& base, const Json& samples) {
  auto summary = summarize_memory(base, samples);
  return summary ? "(no error)" : summary.error().message;
}

Json fixture() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/memory/host-6.18-phase.json";
  return Json::parse(read_file(path).value());
}

TEST(GrowthOfMeminfoKey, IsDownOnlyForMemAvailable) {
  EXPECT_EQ(growth_of_meminfo_key("MemAvailable"), Growth::kDown);
  EXPECT_EQ(growth_of_meminfo_key("Slab"), Growth::kUp);
  EXPECT_EQ(growth_of_meminfo_key("VmallocUsed"), Growth::kUp);
}

TEST(SummarizeMemory, PeakIsTheLargestSampleAtItsFirstTime) {
  const Json samples{sample(0.25, {{"Slab", 120}}), sample(0.5, {{"Slab", 150}}), sample(0.75, {{"Slab", 150}}),
                     sample(1.0, {{"Slab", 130}})};
  const auto summary = summarize_memory(baseline({{"Slab", 100}}), samples).value();
  EXPECT_EQ(summary.meminfo.at("Slab"), (SourceSummary{Growth::kUp, 100, 150, 0.5, 50}));
}

TEST(SummarizeMemory, MemAvailablePeakUseIsItsMinimum) {
  const Json samples{sample(0.25, {{"MemAvailable", 900}}), sample(0.5, {{"MemAvailable", 700}}),
                     sample(0.75, {{"MemAvailable", 800}})};
  const auto summary = summarize_memory(baseline({{"MemAvailable", 1000}}), samples).value();
  EXPECT_EQ(summary.meminfo.at("MemAvailable"), (SourceSummary{Growth::kDown, 1000, 700, 0.5, 300}));
}

TEST(SummarizeMemory, ExtraUseIsNegativeWhenUseOnlyFell) {
  const Json samples{sample(0.25, {{"SUnreclaim", 90}, {"MemAvailable", 1100}})};
  const auto summary = summarize_memory(baseline({{"SUnreclaim", 100}, {"MemAvailable", 1000}}), samples).value();
  EXPECT_EQ(summary.meminfo.at("SUnreclaim")->extra_use_kib, -10);
  EXPECT_EQ(summary.meminfo.at("MemAvailable")->extra_use_kib, -100);
}

TEST(SummarizeMemory, ASourceMissingFromTheBaselineOrEverySampleIsUnavailable) {
  const Json base = baseline({{"Slab", 100}, {"Percpu", 5}});
  const Json samples{sample(0.25, {{"Slab", 110}, {"VmallocUsed", 7}}), sample(0.5, {{"VmallocUsed", 8}})};
  const auto summary = summarize_memory(base, samples).value();
  ASSERT_EQ(summary.meminfo.size(), kMeminfoKeys.size());
  EXPECT_EQ(summary.meminfo.at("Slab"), (SourceSummary{Growth::kUp, 100, 110, 0.25, 10}));
  EXPECT_EQ(summary.meminfo.at("Percpu"), std::nullopt);       // in no sample
  EXPECT_EQ(summary.meminfo.at("VmallocUsed"), std::nullopt);  // not in the baseline
  EXPECT_EQ(summary.meminfo.at("MemAvailable"), std::nullopt);
}

TEST(SummarizeMemory, SummarisesEverySlabCacheSeen) {
  const Json base = baseline(Json::object(), {{"bcache_btree", 10}, {"dentry", 50}});
  const Json samples{sample(0.25, Json::object(), {{"bcache_btree", 30}, {"bch_new", 4}}),
                     Json{{"t_s", 0.5}, {"meminfo", Json::object()}},  // no slab_kb at all
                     sample(0.75, Json::object(), {{"dentry", 40}})};
  const auto summary = summarize_memory(base, samples).value();
  ASSERT_EQ(summary.slab.size(), 3u);
  EXPECT_EQ(summary.slab.at("bcache_btree"), (SourceSummary{Growth::kUp, 10, 30, 0.25, 20}));
  EXPECT_EQ(summary.slab.at("dentry"), (SourceSummary{Growth::kUp, 50, 40, 0.75, -10}));
  EXPECT_EQ(summary.slab.at("bch_new"), std::nullopt);  // created after the baseline
}

TEST(SummarizeMemory, NoSamplesLeaveEverySourceUnavailable) {
  const auto summary = summarize_memory(baseline({{"Slab", 100}}, {{"dentry", 5}}), Json::array()).value();
  for (const auto& [key, source] : summary.meminfo) EXPECT_EQ(source, std::nullopt) << key;
  EXPECT_EQ(summary.slab.at("dentry"), std::nullopt);
}

TEST(SummarizeMemory, ErrorsNameTheSampleAndTheKey) {
  const Json base = baseline({{"Slab", 100}});
  EXPECT_EQ(error_of(base, Json::object()), "memory samples: not a JSON array");
  EXPECT_EQ(error_of(base, Json{sample(0.25, Json::object()), Json{{"t_s", 0.5}}}),
            "memory sample 1: no \"meminfo\" object");
  EXPECT_EQ(error_of(Json{{"meminfo", 3}}, Json::array()), "memory baseline: no \"meminfo\" object");
  EXPECT_EQ(error_of(base, Json{sample(0.25, {{"Slab", "lots"}})}),
            "memory sample 0: meminfo.Slab is not a non-negative integer: \"lots\"");
  EXPECT_EQ(error_of(baseline({{"Slab", -1}}), Json::array()),
            "memory baseline: meminfo.Slab is not a non-negative integer: -1");
  EXPECT_EQ(error_of(base, Json{sample(0.25, Json::object(), {{"dentry", 1.5}})}),
            "memory sample 0: slab_kb.dentry is not a non-negative integer: 1.5");
  EXPECT_EQ(error_of(base, Json{Json{{"meminfo", Json::object()}}}), "memory sample 0: no numeric \"t_s\"");
  EXPECT_EQ(error_of(base, Json{sample(0.25, Json::object(), Json::array())}),
            "memory sample 0: \"slab_kb\" is not an object");
  EXPECT_EQ(error_of(base, Json{7}), "memory sample 0: not a JSON object");
}

TEST(IsBcacheCache, MatchesBcacheAndBchPrefixes) {
  EXPECT_TRUE(is_bcache_cache("bcache_search"));
  EXPECT_TRUE(is_bcache_cache("bch_btree_cache"));
  EXPECT_TRUE(is_bcache_cache("search"));  // KMEM_CACHE(search, 0) in 6.1 and 6.12
  EXPECT_FALSE(is_bcache_cache("searching"));
  EXPECT_FALSE(is_bcache_cache("bch"));
  EXPECT_FALSE(is_bcache_cache("kmalloc-64"));
}

TEST(TopSlabCaches, KeepsTheLargestGrowthAndEveryBcacheCache) {
  const SourceMap slab{{"a", SourceSummary{Growth::kUp, 0, 5, 1, 5}},
                       {"b", SourceSummary{Growth::kUp, 0, 9, 1, 9}},
                       {"c", SourceSummary{Growth::kUp, 0, 5, 1, 5}},
                       {"d", std::nullopt},
                       {"bcache_search", SourceSummary{Growth::kUp, 3, 2, 1, -1}},
                       {"bch_gone", std::nullopt}};
  const auto top = top_slab_caches(slab, 2);
  EXPECT_EQ(top.size(), 4u);
  EXPECT_TRUE(top.contains("b") && top.contains("a"));  // "a" wins the tie with "c" by name
  EXPECT_TRUE(top.contains("bcache_search") && top.contains("bch_gone"));
  EXPECT_EQ(top_slab_caches(slab, 10).size(), 5u);  // the unavailable "d" is never ranked
  EXPECT_EQ(top_slab_caches(slab, 0).size(), 2u);
}

TEST(ToJson, NamesMemAvailablesExtremeAsAMinimum) {
  MemorySummary summary;
  summary.meminfo["Slab"] = SourceSummary{Growth::kUp, 100, 150, 0.5, 50};
  summary.meminfo["MemAvailable"] = SourceSummary{Growth::kDown, 1000, 700, 0.75, 300};
  summary.meminfo["Percpu"] = std::nullopt;
  const Json expected = Json::parse(R"({
    "meminfo": {
      "Slab": {"baseline_kib": 100, "peak_kib": 150, "peak_minus_baseline_kib": 50,
               "peak_t_s": 0.5},
      "MemAvailable": {"baseline_kib": 1000, "min_kib": 700, "baseline_minus_min_kib": 300,
                       "min_t_s": 0.75},
      "Percpu": null},
    "slab": {}})");
  EXPECT_EQ(to_json(summary), expected);
}

// Expected values computed from the fixture with Python (see its README).
TEST(SummarizeMemory, OfRealProcFilesFindsTheLoadsPeaks) {
  const Json phase = fixture();
  const auto summary = summarize_memory(phase["baseline"], phase["samples"]).value();
  EXPECT_EQ(summary.meminfo.at("MemAvailable"), (SourceSummary{Growth::kDown, 24043740, 23908664, 2.31, 135076}));
  EXPECT_EQ(summary.meminfo.at("Slab"), (SourceSummary{Growth::kUp, 266760, 294344, 2.56, 27584}));
  EXPECT_EQ(summary.meminfo.at("Percpu"), (SourceSummary{Growth::kUp, 760, 760, 0.24, 0}));
  EXPECT_EQ(summary.slab.size(), 235u);
  EXPECT_EQ(summary.slab.at("dentry")->extra_use_kib, 3729);
}

TEST(TopSlabCaches, OfRealProcFilesAreTheCachesTheLoadGrew) {
  const Json phase = fixture();
  const auto summary = summarize_memory(phase["baseline"], phase["samples"]).value();
  const auto top = top_slab_caches(summary.slab, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top.at("ext4_inode_cache")->extra_use_kib, 22007);
  EXPECT_EQ(top.at("dentry")->extra_use_kib, 3729);
  EXPECT_EQ(top.at("lsm_inode_cache")->extra_use_kib, 612);
  EXPECT_EQ(to_json({summary.meminfo, top})["slab"]["dentry"]["peak_minus_baseline_kib"], 3729);
}

}  // namespace
}  // namespace bh::analysis
