#include "harness/scenario/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "util/files.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path kSourceDir = BH_SOURCE_DIR;
const fs::path kJobsDir = kSourceDir / "jobs";
const fs::path kFixtures = kSourceDir / "tests/fixtures/scenarios";

std::string load_error(const std::string& fixture, std::string_view variant = "") {
  auto scenario = load_scenario_file(kFixtures / fixture, variant);
  EXPECT_FALSE(scenario) << fixture << " loaded";
  return scenario ? "" : scenario.error().message;
}

TEST(ShippedScenarios, RaceScenariosFirstThenControlsThenPerf) {
  EXPECT_THAT(shipped_scenarios(kJobsDir), ElementsAre("race-congestion", "race-seq-bypass", "race-writearound",
                                                       "race-writeback", "control-disjoint", "control-no-cache",
                                                       "perf-randread", "perf-randread-seqwrite", "perf-randrw"));
}

TEST(ShippedScenarios, PerfScenariosKeepTheHostPageCacheOutOfTheirImages) {
  for (const auto& name : shipped_scenarios(kJobsDir)) {
    auto scenario = resolve_scenario(name, kJobsDir);
    ASSERT_TRUE(scenario) << name;
    EXPECT_EQ(scenario.value().settings.image_cache,
              scenario.value().kind == ScenarioKind::kPerf ? "none" : "writeback")
        << name;
  }
}

TEST(ShippedScenarios, EachRaceAndControlLoadsAndItsNaturalVariantHasNoDelay) {
  for (const auto& name : shipped_scenarios(kJobsDir)) {
    SCOPED_TRACE(name);
    auto base = resolve_scenario(name, kJobsDir);
    ASSERT_TRUE(base) << base.error().message;
    if (base.value().kind == ScenarioKind::kPerf) continue;
    EXPECT_EQ(base.value().settings.delay_write_ms.value_or(0), 100u) << "the default amplifier";
    EXPECT_EQ(base.value().settings.cache_bytes, 256ull << 20);
    EXPECT_EQ(base.value().settings.bucket_bytes, 64ull << 10);
    EXPECT_EQ(base.value().settings.backing_bytes, 1ull << 30);
    EXPECT_TRUE(fs::is_regular_file(base.value().fill_job));
    EXPECT_TRUE(fs::is_regular_file(base.value().race_job));
    const bool race = base.value().kind == ScenarioKind::kRace;
    EXPECT_EQ(base.value().expected_stale, race ? ExpectedStale::kSome : ExpectedStale::kNone);
    auto natural = resolve_scenario(name + ":natural", kJobsDir);
    ASSERT_TRUE(natural) << natural.error().message;
    EXPECT_FALSE(natural.value().settings.has_delay());
    EXPECT_EQ(natural.value().full_name(), name + ":natural");
  }
}

TEST(ShippedScenarios, SeqBypassHasTheMeasuredSettings) {
  auto scenario = resolve_scenario("race-seq-bypass", kJobsDir);
  ASSERT_TRUE(scenario) << scenario.error().message;
  const auto& s = scenario.value().settings;
  EXPECT_EQ(s.cache_mode, CacheMode::kWritethrough);
  EXPECT_EQ(s.sequential_cutoff_bytes.value(), 65536u);
  EXPECT_EQ(s.congested_read_threshold_us.value(), 0u);
  EXPECT_EQ(s.congested_write_threshold_us.value(), 0u);
  EXPECT_EQ(scenario.value().region.fill_offset(), 0u);
  EXPECT_EQ(scenario.value().region.fill_size(), 16u << 20);
  EXPECT_TRUE(scenario.value().required_knobs.empty());
}

TEST(ShippedScenarios, CongestionRequiresItsKnobs) {
  auto scenario = resolve_scenario("race-congestion", kJobsDir);
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_THAT(scenario.value().required_knobs,
              ElementsAre("congested_read_threshold_us", "congested_write_threshold_us"));
  EXPECT_EQ(scenario.value().settings.sequential_cutoff_bytes.value(), 0u);
}

TEST(ShippedScenarios, DisjointControlFillsBothRanges) {
  auto scenario = resolve_scenario("control-disjoint", kJobsDir);
  ASSERT_TRUE(scenario) << scenario.error().message;
  const auto& region = scenario.value().region;
  EXPECT_EQ(region.write_offset, 0u);
  EXPECT_EQ(region.read_offset, 16u << 20);
  EXPECT_EQ(region.fill_offset(), 0u);
  EXPECT_EQ(region.fill_size(), 32u << 20);
  EXPECT_EQ(scenario.value().kind, ScenarioKind::kControl);
}

TEST(LoadScenario, LeavesOptionalKeysAtTheirDefaults) {
  auto scenario = load_scenario_file(kFixtures / "minimal.toml");
  ASSERT_TRUE(scenario) << scenario.error().message;
  const auto& s = scenario.value();
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.full_name(), "minimal");
  EXPECT_EQ(s.expected_stale, ExpectedStale::kNone);  // from kind = "control"
  EXPECT_EQ(s.race_timeout_s, 300u);
  EXPECT_EQ(s.region.write_size, 16u << 20);
  EXPECT_EQ(s.fill_job, kJobsDir / "fill.fio");
  EXPECT_EQ(s.settings.delay_write_ms.value(), 20u);
  ASSERT_EQ(s.variants.size(), 2u);
}

TEST(LoadScenario, TextLoadsAsTheFileItWouldBe) {
  const auto text = read_file(kFixtures / "minimal.toml").value();
  auto scenario = load_scenario_text(text, kFixtures / "not-on-disk.toml", "plain");
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario.value().full_name(), "not-on-disk:plain");
  EXPECT_EQ(scenario.value().fill_job, kJobsDir / "fill.fio");
  auto broken = load_scenario_text("kind = \n", kFixtures / "broken.toml");
  ASSERT_FALSE(broken);
  EXPECT_THAT(broken.error().message, HasSubstr("broken.toml:1: "));
}

TEST(LoadScenario, MinRaceWindowsDefaultsAndIsReadForRaceScenariosOnly) {
  auto shipped = resolve_scenario("race-seq-bypass", kJobsDir);
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_EQ(shipped.value().min_race_windows, kDefaultMinRaceWindows);
  auto set = load_scenario_file(kFixtures / "race-min-windows.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set.value().min_race_windows, 7u);
  EXPECT_THAT(load_error("control-min-windows.toml"),
              AllOf(HasSubstr("control-min-windows.toml:3: key 'min_race_windows'"), HasSubstr("only race scenarios")));
}

TEST(LoadScenario, WriterIodepthDefaultsIsBoundedAndBelongsToRaceWriters) {
  auto shipped = resolve_scenario("control-disjoint", kJobsDir);
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_EQ(shipped.value().writer_iodepth, kDefaultWriterIodepth);
  const auto text = read_file(kFixtures / "minimal.toml").value();
  const auto path = kFixtures / "depth.toml";
  auto set = load_scenario_text("writer_iodepth = 4\n" + text, path);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set.value().writer_iodepth, 4u);
  for (const char* bad : {"writer_iodepth = 0\n", "writer_iodepth = 257\n", "writer_iodepth = \"8\"\n"}) {
    auto refused = load_scenario_text(bad + text, path);
    ASSERT_FALSE(refused) << bad;
    EXPECT_THAT(refused.error().message,
                HasSubstr("depth.toml:1: key 'writer_iodepth': expected an integer from 1 to 256"));
  }
  const auto perf_text = read_file(kJobsDir / "perf-randread.toml").value();
  auto perf = load_scenario_text("writer_iodepth = 4\n" + perf_text, kJobsDir / "perf-copy.toml");
  ASSERT_FALSE(perf);
  EXPECT_THAT(perf.error().message, HasSubstr("only race and control scenarios have a race writer"));
}

TEST(LoadScenario, NotExercisedIsAnErrorUnlessARaceScenarioAsksForSkip) {
  auto shipped = resolve_scenario("race-seq-bypass", kJobsDir);
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_FALSE(shipped.value().skip_when_not_exercised);
  auto congestion = resolve_scenario("race-congestion", kJobsDir);
  ASSERT_TRUE(congestion) << congestion.error().message;
  EXPECT_TRUE(congestion.value().skip_when_not_exercised);
  EXPECT_THAT(
      load_error("race-not-exercised-bad.toml"),
      AllOf(HasSubstr("race-not-exercised-bad.toml:3: key 'not_exercised'"), HasSubstr("not one of error|skip")));
  EXPECT_THAT(load_error("control-not-exercised.toml"),
              AllOf(HasSubstr("control-not-exercised.toml:3: key 'not_exercised'"), HasSubstr("only race scenarios")));
}

TEST(LoadScenario, AppliesTheSelectedVariantAfterTheBase) {
  auto slow = load_scenario_file(kFixtures / "minimal.toml", "slow");
  ASSERT_TRUE(slow) << slow.error().message;
  EXPECT_EQ(slow.value().settings.delay_write_ms.value(), 80u);
  auto plain = load_scenario_file(kFixtures / "minimal.toml", "plain");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain.value().settings.delay_write_ms.has_value());  // 0 both ways: no layer
}

TEST(ShippedScenarios, PerfScenariosHaveNoAmplifierAWarmUpAndAMeasuredRuntime) {
  for (const auto* name : {"perf-randread", "perf-randread-seqwrite", "perf-randrw"}) {
    SCOPED_TRACE(name);
    auto scenario = resolve_scenario(name, kJobsDir);
    ASSERT_TRUE(scenario) << scenario.error().message;
    const auto& s = scenario.value();
    EXPECT_EQ(s.kind, ScenarioKind::kPerf);
    EXPECT_FALSE(s.settings.has_delay());
    EXPECT_TRUE(fs::is_regular_file(s.perf_job));
    EXPECT_TRUE(s.race_job.empty());
    EXPECT_EQ(s.perf.warmup_s, 5u);
    EXPECT_EQ(s.perf.runtime_s, 20u);
    EXPECT_EQ(s.expected_stale, ExpectedStale::kNone);
  }
  auto hits = resolve_scenario("perf-randread", kJobsDir);
  ASSERT_TRUE(hits);
  EXPECT_EQ(hits.value().settings.sequential_cutoff_bytes.value(), 0u) << "the fill must go through the cache";
}

TEST(LoadScenario, PerfTableSetsThePhases) {
  auto scenario = load_scenario_file(kFixtures / "perf-minimal.toml");
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario.value().kind, ScenarioKind::kPerf);
  EXPECT_EQ(scenario.value().perf.warmup_s, 0u);
  EXPECT_EQ(scenario.value().perf.runtime_s, 3u);
  EXPECT_EQ(scenario_kind_name(scenario.value().kind), "perf");
}

TEST(LoadScenario, APerfScenarioMayHaveNoFillAndAVariantMayChangeItsPhases) {
  auto base = load_scenario_file(kFixtures / "perf-variant-writers.toml");
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_TRUE(base.value().fill_job.empty());
  EXPECT_EQ(base.value().perf.writers, 2u);
  EXPECT_FALSE(base.value().run_by_default);
  EXPECT_THAT(base.value().groups, ElementsAre("probe-set"));
  auto many = load_scenario_file(kFixtures / "perf-variant-writers.toml", "many");
  ASSERT_TRUE(many) << many.error().message;
  EXPECT_EQ(many.value().perf.writers, 64u);
  EXPECT_EQ(many.value().perf.runtime_s, 3u);  // the base's, where the variant says nothing
  EXPECT_EQ(many.value().settings.backing_bytes, 2ull << 30);
  EXPECT_THAT(load_error("perf-variant-bad-writers.toml"),
              HasSubstr("perf-variant-bad-writers.toml:6: key 'variants.too-many.perf.writers': expected an integer "
                        "from 1 to 256"));
  EXPECT_THAT(load_error("bad-group.toml"),
              HasSubstr("bad-group.toml:3: key 'groups': each entry must be a group name"));
}

TEST(ScenarioGroup, FixEvalHoldsTheMemoryWorkloadsWithEveryVariantAndThePerfScenarios) {
  auto group = scenario_group("fix-eval", kJobsDir);
  ASSERT_TRUE(group) << group.error().message;
  EXPECT_THAT(group.value(),
              ElementsAre("fix-eval-memory-size", "fix-eval-memory-size:1t", "fix-eval-memory-size:8t",
                          "fix-eval-memory-writers", "fix-eval-memory-writers:w4", "fix-eval-memory-writers:w16",
                          "fix-eval-memory-writers:w64", "perf-randread", "perf-randread-seqwrite", "perf-randrw"));
  for (const auto& name : group.value()) EXPECT_TRUE(resolve_scenario(name, kJobsDir)) << name;
  // Group-only scenarios stay out of a plain `run`.
  for (const auto& name : shipped_scenarios(kJobsDir)) EXPECT_FALSE(name.starts_with("fix-eval")) << name;
}

TEST(ScenarioGroup, AnUnknownGroupListsTheKnownOnes) {
  auto group = scenario_group("nightly-typo", kJobsDir);
  ASSERT_FALSE(group);
  EXPECT_THAT(group.error().message,
              AllOf(HasSubstr("no scenario in"), HasSubstr("belongs to group @nightly-typo"), HasSubstr("fix-eval")));
}

TEST(LoadScenario, PerfScenarioWithARaceJobIsAnError) {
  EXPECT_THAT(load_error("perf-with-race-job.toml"),
              AllOf(HasSubstr("perf-with-race-job.toml:4: key 'race_job'"), HasSubstr("perf_job")));
}

TEST(LoadScenario, RaceScenarioWithAPerfTableIsAnError) {
  EXPECT_THAT(
      load_error("race-with-perf-table.toml"),
      AllOf(HasSubstr("race-with-perf-table.toml:"), HasSubstr("key 'perf'"), HasSubstr("only perf scenarios")));
}

TEST(LoadScenario, PerfRuntimeOfZeroIsAnError) {
  EXPECT_THAT(load_error("perf-zero-runtime.toml"),
              AllOf(HasSubstr("perf-zero-runtime.toml:7: key 'perf.runtime_s'"), HasSubstr("between 1 and")));
}

TEST(LoadScenario, UnknownTopLevelKeyNamesFileLineAndKey) {
  EXPECT_THAT(load_error("unknown-top-key.toml"),
              AllOf(HasSubstr("unknown-top-key.toml:5: key 'colour'"), HasSubstr("unknown key")));
}

TEST(LoadScenario, UnknownBcacheKeyNamesFileLineAndKey) {
  EXPECT_THAT(
      load_error("unknown-bcache-key.toml"),
      AllOf(HasSubstr("unknown-bcache-key.toml:8: key 'bcache.cache_mod'"), HasSubstr("unknown setting 'cache_mod'")));
}

TEST(LoadScenario, WrongValueTypeIsAnError) {
  EXPECT_THAT(load_error("bad-type.toml"), AllOf(HasSubstr("bad-type.toml:7: key 'bcache.sequential_cutoff'"),
                                                 HasSubstr("expected a string or an integer")));
}

TEST(LoadScenario, ValueTheSettingsTableRejectsIsAnError) {
  EXPECT_THAT(load_error("bad-value.toml"),
              AllOf(HasSubstr("bad-value.toml:7: key 'bcache.cache_mode'"), HasSubstr("'sideways'")));
}

TEST(LoadScenario, MissingJobFileIsAnError) {
  EXPECT_THAT(load_error("missing-job.toml"), AllOf(HasSubstr("missing-job.toml:4: key 'race_job'"),
                                                    HasSubstr("no-such-job.fio"), HasSubstr("does not exist")));
}

TEST(LoadScenario, UnknownVariantListsTheKnownOnes) {
  EXPECT_THAT(load_error("minimal.toml", "fast"),
              AllOf(HasSubstr("minimal.toml:"), HasSubstr("unknown variant 'fast'"), HasSubstr("slow, plain")));
}

TEST(LoadScenario, BadKeyInAnUnselectedVariantIsStillAnError) {
  EXPECT_THAT(load_error("bad-variant-key.toml"),
              HasSubstr("bad-variant-key.toml:8: key 'variants.natural.dealy_read_ms'"));
}

TEST(LoadScenario, RangesBeyondTheBackingDeviceAreAnError) {
  EXPECT_THAT(load_error("region-beyond-backing.toml"),
              AllOf(HasSubstr("key 'region'"), HasSubstr("beyond backing_size")));
}

TEST(LoadScenario, TomlSyntaxErrorNamesFileAndLine) {
  EXPECT_THAT(load_error("syntax-error.toml"), HasSubstr("syntax-error.toml:2: "));
}

TEST(LoadScenario, MissingFileIsAnError) {
  EXPECT_THAT(load_error("no-such.toml"), HasSubstr("no such scenario file"));
}

TEST(ResolveScenario, UnknownNameListsTheKnownOnes) {
  auto scenario = resolve_scenario("race-sideways", kJobsDir);
  ASSERT_FALSE(scenario);
  EXPECT_THAT(scenario.error().message, AllOf(HasSubstr("unknown scenario 'race-sideways'"),
                                              HasSubstr("race-seq-bypass"), HasSubstr("control-no-cache")));
}

TEST(ResolveScenario, AcceptsAPathWithAVariant) {
  auto scenario = resolve_scenario((kFixtures / "minimal.toml").string() + ":slow", kJobsDir);
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario.value().full_name(), "minimal:slow");
}

TEST(ResolveScenario, RejectsAnEmptyVariant) {
  auto scenario = resolve_scenario("race-seq-bypass:", kJobsDir);
  ASSERT_FALSE(scenario);
  EXPECT_THAT(scenario.error().message, HasSubstr("empty variant"));
}

TEST(DefaultJobsDir, EnvironmentOverridesTheSourceTree) {
  ::unsetenv("BH_JOBS_DIR");
  EXPECT_TRUE(fs::is_regular_file(default_jobs_dir() / "race.fio"));
  ::setenv("BH_JOBS_DIR", "/elsewhere/jobs", 1);
  EXPECT_EQ(default_jobs_dir(), fs::path("/elsewhere/jobs"));
  ::unsetenv("BH_JOBS_DIR");
}

}  // namespace
}  // namespace bh
