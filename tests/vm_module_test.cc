// `module:PATH@BASE` kernels (ctest label `vm`): scripts/build-bcache-module builds Debian's
// bcache.ko with jobs/patches/bcache-noop-param.patch against the stock kernel's headers
// (installing linux-headers and linux-source on first use), and the guest booted from the
// spec it prints loads that module: its bh_noop parameter, which Debian's bcache lacks,
// exists. The same module on another release's kernel is refused, naming the vermagics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace fs = std::filesystem;

/// The no-op-patched module for debian:stock, built (or reused) once per process.
Expected<BuiltModule> noop_module() { return build_patched_module("jobs/patches/bcache-noop-param.patch"); }

TEST(ModuleKernel, ThePatchedModuleIsTheOneTheGuestLoads) {
  auto stock = prepared("debian:stock");  // first, so the script finds the kernel's version
  ASSERT_TRUE(stock) << stock.error().message;
  auto module = noop_module();
  ASSERT_TRUE(module) << module.error().message;
  EXPECT_THAT(module.value().spec, HasSubstr("@debian:" + stock.value().kernel.release));

  auto guest = boot_provisioned(module.value().spec, writethrough_64k_cutoff(DeviceKind::kVirtio));
  ASSERT_TRUE(guest) << guest.error().message;
  const auto patched = prepared(module.value().spec);
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_THAT(patched.value().kernel.source, StartsWith("bcache.ko from " + module.value().module.string()));
  EXPECT_NE(patched.value().kernel.modules_dir, stock.value().kernel.modules_dir);
  EXPECT_EQ(guest.value().session->report().guest_release, stock.value().kernel.release);
  auto& agent = guest.value().session->agent();
  auto parameter = agent.read_file("/sys/module/bcache/parameters/bh_noop");
  ASSERT_TRUE(parameter) << "the guest's bcache has no bh_noop: not the patched module; " << parameter.error().message;
  EXPECT_EQ(parameter.value(), "N\n");
  EXPECT_EQ(guest.value().bcache.readback.at("state"), "clean");
  auto off = guest.value().session->power_off();
  EXPECT_TRUE(off) << off.error().message;
}

TEST(ModuleKernel, AModuleForAnotherReleaseIsRefusedNamingTheVermagics) {
  auto module = noop_module();
  ASSERT_TRUE(module) << module.error().message;
  const auto spec = "module:" + module.value().module.string() + "@" + kBackportSpec;
  auto result = run_cli({"image", "--kernel", spec});
  std::cerr << result.output;
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.output, HasSubstr("has vermagic '6.1.0-"));
  EXPECT_THAT(result.output, HasSubstr("has '6.12.107+deb12-amd64 SMP"));
  EXPECT_THAT(result.output, HasSubstr(module.value().module.string()));
}

TEST(ModuleKernel, AMissingModuleIsNamed) {
  auto result = run_cli({"image", "--kernel", "module:/nonexistent/bcache.ko@debian:stock"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("module file /nonexistent/bcache.ko"));
  EXPECT_THAT(result.output, HasSubstr("does not exist"));
}

/// Runs `bcache-harness compare ARGS --out DIR/out` and returns its compare.json.
nlohmann::json compare_json(const std::vector<std::string>& args, const fs::path& dir, int expected_exit,
                            std::string& output) {
  std::vector<std::string> argv = {"compare", "--accel", "tcg", "--out", (dir / "out").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_cli(argv, std::chrono::seconds(1500));
  output = result.output;
  EXPECT_EQ(result.exit_code, expected_exit) << result.output;
  auto text = read_file(dir / "out" / "compare.json");
  return text ? nlohmann::json::parse(text.value(), nullptr, false) : nlohmann::json();
}

// The issue's acceptance check: a module with a patch that changes no behaviour, compared
// with its base kernel, shows no significant difference and the same stale-block behaviour
// (the race is there on both sides, so the candidate FAILs as the stock kernel does).
TEST(ModuleKernel, CompareOfANoOpModuleWithItsBaseShowsNoDifference) {
  auto module = noop_module();
  ASSERT_TRUE(module) << module.error().message;
  TempDir dir("bh-compare-noop");
  std::string output;
  const auto comparison = compare_json({"--baseline", "debian:stock", "--candidate", module.value().spec, "--scenario",
                                        "race-seq-bypass", "--repeat", "3", "--seed", "1"},
                                       dir.path(), 1, output);
  ASSERT_TRUE(comparison.is_object()) << output;
  EXPECT_EQ(comparison["status"], "FAIL") << comparison.value("reason", "");
  EXPECT_THAT(comparison["reason"].get<std::string>(), HasSubstr("candidate served"));
  const auto& scenario = comparison["scenarios"][0];
  EXPECT_EQ(scenario["baseline"]["runs"], 3);
  EXPECT_EQ(scenario["candidate"]["runs"], 3);
  EXPECT_GT(scenario["baseline"]["stale_blocks"].get<int>(), 0);
  EXPECT_GT(scenario["candidate"]["stale_blocks"].get<int>(), 0);
  EXPECT_EQ(scenario["baseline"]["status"], "FAIL");
  EXPECT_EQ(scenario["candidate"]["status"], "FAIL");
  ASSERT_FALSE(scenario["metrics"].empty());
  for (const auto& metric : scenario["metrics"]) {
    EXPECT_EQ(metric["baseline_runs"], 3) << metric["name"];
    EXPECT_NE(metric["verdict"], "regression") << metric;
    EXPECT_NE(metric["verdict"], "improvement") << metric;
  }
  for (const char* file : {"compare.html", "compare.md", "junit.xml", "baseline/summary.json", "candidate/summary.json",
                           "baseline/report.html", "candidate/report.html"}) {
    EXPECT_TRUE(fs::exists(dir.path() / "out" / file)) << file;
  }
  auto html = read_file(dir.path() / "out" / "compare.html");
  ASSERT_TRUE(html);
  EXPECT_THAT(html.value(), HasSubstr(module.value().spec));
  EXPECT_THAT(output, HasSubstr("compare FAIL"));
}

// The issue's other acceptance check, CI-sized: Debian's 6.1 against its 6.12 backport, one
// run each; both kernels appear in the report and the statistics say there are too few runs.
TEST(Compare, StockAgainstBackportRunsEndToEnd) {
  TempDir dir("bh-compare-612");
  std::string output;
  const auto comparison = compare_json({"--baseline", "debian:6.1.0-56-amd64", "--candidate", kBackportSpec,
                                        "--scenario", "race-seq-bypass", "--repeat", "1", "--seed", "1"},
                                       dir.path(), 1, output);
  ASSERT_TRUE(comparison.is_object()) << output;
  EXPECT_EQ(comparison["baseline"]["release"], "6.1.0-56-amd64");
  EXPECT_EQ(comparison["candidate"]["release"], "6.12.107+deb12-amd64");
  const auto& scenario = comparison["scenarios"][0];
  EXPECT_GT(scenario["baseline"]["stale_blocks"].get<int>(), 0);
  for (const auto& metric : scenario["metrics"]) EXPECT_EQ(metric["verdict"], "too_few_runs") << metric;
  auto markdown = read_file(dir.path() / "out" / "compare.md");
  ASSERT_TRUE(markdown);
  EXPECT_THAT(markdown.value(), HasSubstr("6.1.0-56-amd64"));
  EXPECT_THAT(markdown.value(), HasSubstr("6.12.107+deb12-amd64"));
  auto junit = read_file(dir.path() / "out" / "junit.xml");
  ASSERT_TRUE(junit);
  EXPECT_THAT(junit.value(), HasSubstr("<testcase classname=\"bcache-harness.compare\" name=\"race-seq-bypass\">"));
}

TEST(Compare, AnUnknownMetricThresholdIsAUsageError) {
  const auto result = run_cli(
      {"compare", "--baseline", "debian:stock", "--candidate", "debian:stock", "--metric-threshold", "latency.p99=5"},
      std::chrono::seconds(30));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("unknown metric 'latency.p99'"));
}

}  // namespace
}  // namespace bh::testing
