#include "harness/nightly/night_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "harness/exit/harness_error.h"
#include "harness/history/night_import.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::HasSubstr;

class QuietEvents : public RunEvents {
 public:
  void say(const std::string& text) const override { lines.push_back(text); }
  void update(const ProgressPosition&) const override {}
  mutable std::vector<std::string> lines;
};

constexpr const char* kMatrix = R"(
seed = 11
scenarios = ["race-seq-bypass", "control-disjoint", "perf-randread"]
[[kernels]]
name = "stock"
spec = "debian:stock"
[[kernels]]
name = "candidate"
spec = "module:/candidate/bcache.ko@debian:stock"
)";

/// A fake night: every run PASSes, except race-seq-bypass on a kernel whose spec is in
/// `failing_specs`; kernels whose spec is in `broken_specs` cannot be prepared.
struct FakeNight {
  std::set<std::string> failing_specs;
  std::set<std::string> broken_specs;

  NightlyRunners runners() const {
    NightlyRunners runners;
    runners.prepare = [this](const std::string& spec) -> Expected<PreparedGuest> {
      if (broken_specs.count(spec)) return fail("cannot download " + spec);
      PreparedGuest guest;
      guest.kernel.release = "6.1.0-99-amd64";
      return guest;
    };
    runners.make_run_once = [this](const RunOptions& options) -> RunOnce {
      const bool failing = failing_specs.count(options.guest.kernel_spec) > 0;
      return [failing](const Scenario& scenario, const PreparedGuest&, std::uint64_t seed, const fs::path&,
                       ProgressPosition, std::string& used_accel) {
        used_accel = "tcg";
        RunResult result;
        result.seed = seed;
        const bool fails = failing && scenario.name == "race-seq-bypass";
        result.status = fails ? Status::kFail : Status::kPass;
        result.reason = fails ? "stale 12 of 4096 blocks" : "";
        result.timing_s["race"] = 1.5;
        return result;
      };
    };
    return runners;
  }
};

class NightRun : public ::testing::Test {
 protected:
  NightlyOptions options(const std::string& night, const std::string& out, const std::string& shard = "1/1") {
    NightlyOptions options;
    options.matrix_file = dir_.path() / "matrix.toml";
    options.db_file = dir_.path() / "history.db";
    options.out_dir = dir_.path() / out;
    options.night = night;
    options.shard = parse_shard(shard).value();
    options.command_line = {"bcache-harness", "nightly"};
    return options;
  }

  void SetUp() override { std::ofstream(dir_.path() / "matrix.toml") << kMatrix; }

  /// The rows, without provenance (it names the command line and time of each shard).
  std::vector<RunRecord> rows(const fs::path& db_file) {
    auto db = HistoryDb::open(db_file, HistoryDb::Mode::kOpenExisting);
    EXPECT_TRUE(db) << db.error().message;
    auto runs = db.value().runs();
    EXPECT_TRUE(runs);
    for (auto& run : runs.value()) run.provenance = Json::object();
    return runs.value();
  }

  TempDir dir_{"bh-night-run"};
  QuietEvents events_;
};

TEST_F(NightRun, TwoNightsRecordEveryRunAndFlagTheNewFail) {
  FakeNight fake;
  auto first = run_nightly(options("2026-12-04", "night-1"), events_, fake.runners());
  EXPECT_EQ(first.exit_code, 0) << first.summary_text;
  fake.failing_specs = {"module:/candidate/bcache.ko@debian:stock"};
  auto second = run_nightly(options("2026-12-05", "night-2"), events_, fake.runners());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.summary_text, HasSubstr("NEW FAIL  candidate race-seq-bypass (passed on 2026-12-04)"));

  const auto runs = rows(dir_.path() / "history.db");
  ASSERT_EQ(runs.size(), 12u) << "2 nights x 2 kernels x 3 scenarios";
  std::size_t fails = 0;
  for (const auto& run : runs) {
    EXPECT_EQ(run.kernel_release, "6.1.0-99-amd64");
    fails += run.status == "FAIL";
  }
  EXPECT_EQ(fails, 1u);
  for (const char* file :
       {"nightly.json", "kcidb.json", "night-verdict.json", "stock/summary.json", "candidate/summary.json"}) {
    EXPECT_TRUE(fs::exists(dir_.path() / "night-2" / file)) << file;
  }
  const auto verdict = Json::parse(read_file(dir_.path() / "night-2" / "night-verdict.json").value());
  EXPECT_EQ(verdict["status"], "NEW_FAIL");
  const auto kcidb = Json::parse(read_file(dir_.path() / "night-2" / "kcidb.json").value());
  EXPECT_EQ(kcidb["tests"].size(), 6u + 0u) << "one test per run (perf runs here have no numbers)";
}

TEST_F(NightRun, ShardsImportedGiveTheSameRowsAsOneNight) {
  FakeNight fake;
  auto whole = options("2026-12-04", "whole");
  whole.db_file = dir_.path() / "whole.db";
  (void)run_nightly(whole, events_, fake.runners());
  std::vector<fs::path> shard_dirs;
  for (const char* shard : {"1/2", "2/2"}) {
    auto part = options("2026-12-04", std::string("shard-") + shard[0], shard);
    part.db_file = dir_.path() / (std::string("shard-") + shard[0] + ".db");
    (void)run_nightly(part, events_, fake.runners());
    shard_dirs.push_back(part.out_dir);
  }
  EXPECT_EQ(rows(dir_.path() / "shard-1.db").size() + rows(dir_.path() / "shard-2.db").size(), 6u);
  auto merged = HistoryDb::open(dir_.path() / "merged.db", HistoryDb::Mode::kCreateIfMissing);
  ASSERT_TRUE(merged);
  ASSERT_TRUE(import_night_directories(merged.value(), shard_dirs));
  ASSERT_TRUE(import_night_directories(merged.value(), shard_dirs)) << "re-import is idempotent";
  const auto a = rows(dir_.path() / "whole.db");
  const auto b = rows(dir_.path() / "merged.db");
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kernel_name, b[i].kernel_name);
    EXPECT_EQ(a[i].scenario, b[i].scenario);
    EXPECT_EQ(a[i].run_index, b[i].run_index);
    EXPECT_EQ(a[i].status, b[i].status);
    Json run_a = a[i].run, run_b = b[i].run;
    run_a.erase("run_dir");  // each night's own directory
    run_b.erase("run_dir");
    EXPECT_EQ(run_a, run_b) << a[i].scenario;
  }
}

TEST_F(NightRun, AKernelThatCannotBePreparedIsRecordedAsErrorsAndTheNightGoesOn) {
  FakeNight fake;
  fake.broken_specs = {"debian:stock"};
  auto night = run_nightly(options("2026-12-04", "night"), events_, fake.runners());
  EXPECT_EQ(night.exit_code, 3);
  const auto runs = rows(dir_.path() / "history.db");
  ASSERT_EQ(runs.size(), 6u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.status, run.kernel_name == "stock" ? "ERROR" : "PASS") << run.kernel_name << " " << run.scenario;
  }
  EXPECT_THAT(night.manifest["kernels"][0].value("error", ""), HasSubstr("cannot download debian:stock"));
}

TEST_F(NightRun, AForeignDatabaseIsRefusedAndLeftAlone) {
  const auto db = dir_.path() / "history.db";
  std::ofstream(db) << "not a database, but precious";
  FakeNight fake;
  try {
    (void)run_nightly(options("2026-12-04", "night"), events_, fake.runners());
    ADD_FAILURE() << "no error";
  } catch (const HarnessError& error) {
    EXPECT_THAT(error.what(), HasSubstr(db.string()));
  }
  EXPECT_EQ(read_file(db).value(), "not a database, but precious");
  EXPECT_FALSE(fs::exists(dir_.path() / "night")) << "nothing ran";
}

TEST_F(NightRun, ANonEmptyOutputDirectoryIsRefusedBeforeTheDatabaseIsMade) {
  fs::create_directories(dir_.path() / "night");
  std::ofstream(dir_.path() / "night" / "keep.txt") << "earlier results";
  FakeNight fake;
  try {
    (void)run_nightly(options("2026-12-04", "night"), events_, fake.runners());
    ADD_FAILURE() << "no error";
  } catch (const HarnessError& error) {
    EXPECT_EQ(error.code(), ExitCode::kUsage) << error.what();
  }
  EXPECT_EQ(read_file(dir_.path() / "night" / "keep.txt").value(), "earlier results");
  EXPECT_FALSE(fs::exists(dir_.path() / "history.db"));
}

void expect_usage_error(const NightlyOptions& options, const NightlyRunners& runners, const RunEvents& events) {
  try {
    (void)run_nightly(options, events, runners);
    ADD_FAILURE() << "no error for night " << options.night;
  } catch (const HarnessError& error) {
    EXPECT_EQ(error.code(), ExitCode::kUsage) << error.what();
  }
}

TEST_F(NightRun, BadNightNamesAndUnknownScenariosAreUsageErrors) {
  FakeNight fake;
  expect_usage_error(options("../x", "night"), fake.runners(), events_);
  std::ofstream(dir_.path() / "matrix.toml")
      << "scenarios = [\"no-such\"]\n[[kernels]]\nname = \"k\"\nspec = \"debian:stock\"\n";
  expect_usage_error(options("2026-12-04", "night"), fake.runners(), events_);
  EXPECT_FALSE(fs::exists(dir_.path() / "history.db")) << "nothing was created";
}

}  // namespace
}  // namespace bh
