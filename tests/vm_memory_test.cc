// bcache's own memory, traced to the byte (ctest label `vm`): the calibration patch
// (jobs/patches/bcache-calibration-alloc.patch) makes bcache allocate a documented amount,
// and the harness must report exactly that above the stock module, run after run.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/scenario/scenario.h"
#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

/// One race-seq-bypass run's summary.json run object (it FAILs on stock: exit 1).
Json race_run(const std::string& kernel, int seed) {
  TempDir dir("bh-memory");
  const auto result = run_cli({"run", "--accel", "tcg", "--kernel", kernel, "--scenario", "race-seq-bypass", "--seed",
                               std::to_string(seed), "--out", (dir.path() / "out").string()},
                              600s);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  auto text = read_file(dir.path() / "out" / "summary.json");
  if (!text) return Json();
  const auto summary = Json::parse(text.value(), nullptr, false);
  return summary.is_object() ? summary["scenarios"][0]["runs"][0] : Json();
}

TEST(BcacheMemory, TheCalibrationPatchsKnownAmountIsReportedToTheByteAboveStock) {
  const auto module = build_patched_module("jobs/patches/bcache-calibration-alloc.patch");
  ASSERT_TRUE(module) << module.error().message;
  const Json stock = race_run("debian:stock", 1);
  const Json stock_again = race_run("debian:stock", 2);
  const Json patched = race_run(module.value().spec, 1);
  for (const Json* run : {&stock, &stock_again, &patched}) {
    ASSERT_TRUE(run->contains("bcache_memory")) << run->dump();
    EXPECT_EQ((*run)["bcache_memory"]["trace"]["lost_events"], 0);
    EXPECT_EQ((*run)["backing_bytes"], 1ull << 30);
  }
  const auto& base = stock["bcache_memory"];
  // Registered and idle, stock bcache holds the same bytes run after run.
  EXPECT_EQ(stock_again["bcache_memory"]["baseline_bytes"], base["baseline_bytes"]);
  // One zeroed page per started 64 GiB of the 1 GiB backing device: 4,096 bytes, held to the end.
  const auto& calibrated = patched["bcache_memory"];
  EXPECT_EQ(calibrated["baseline_bytes"].get<std::int64_t>() - base["baseline_bytes"].get<std::int64_t>(), 4096);
  EXPECT_EQ(calibrated["held_at_end_bytes"].get<std::int64_t>() - base["held_at_end_bytes"].get<std::int64_t>(), 4096);
  // 96 bytes per bypass write while it is in flight, each freed when it completes: a site
  // stock lacks, peaking at 96 bytes per write in flight (at most the writer's iodepth),
  // holding nothing at the end.
  const auto bypassed = patched["bypass_writes"]["total"].get<std::uint64_t>();
  EXPECT_GT(bypassed, 0u);
  const auto per_write = [&](const Json& site) {
    const auto peak = site["peak_bytes"].get<std::int64_t>();
    return site["allocations"].get<std::uint64_t>() >= bypassed && peak >= 96 && peak % 96 == 0 &&
           peak <= 96 * std::int64_t{kDefaultWriterIodepth};
  };
  const auto& sites = calibrated["by_call_site"];
  const auto found = std::find_if(sites.begin(), sites.end(), per_write);
  ASSERT_NE(found, sites.end()) << sites.dump(1);
  EXPECT_EQ((*found)["frees"], (*found)["allocations"]);
  EXPECT_EQ((*found)["held_at_end_bytes"], 0);
  EXPECT_EQ((*found)["baseline_bytes"], 0);
  EXPECT_TRUE(std::none_of(base["by_call_site"].begin(), base["by_call_site"].end(), per_write));
}

}  // namespace
}  // namespace bh::testing
