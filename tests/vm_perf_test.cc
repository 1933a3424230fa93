// Perf scenarios end to end (ctest label `vm`): `bcache-harness run` of a perf scenario on
// debian:stock under TCG measures latency, IOPS, bcache's counters and kernel memory, writes
// the reports, and `bcache-harness report` re-renders them; two identical runs agree on
// memory within the bound the README states.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "harness/runs/perf_run.h"
#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

/// Two identical runs agree on a memory source's peak minus baseline within this many KiB
/// (README, "Kernel memory": how it was established).
constexpr double kMemoryAgreementKib = 1024;
constexpr int kRuntimeS = 6;

/// One `run` of perf-randread-seqwrite with a short warm-up and measured phase.
struct PerfRunOutput {
  std::unique_ptr<TempDir> dir;
  int exit_code = -1;
  std::string output;
  Json summary;

  fs::path out() const { return dir->path() / "out"; }
  const Json& run() const { return summary["scenarios"][0]["runs"][0]; }
};

PerfRunOutput run_perf() {
  PerfRunOutput result;
  result.dir = std::make_unique<TempDir>("bh-perf");
  const auto cli =
      run_cli({"run", "--accel", "tcg", "--scenario", "perf-randread-seqwrite", "--seed", "3", "--perf-warmup", "2",
               "--perf-runtime", std::to_string(kRuntimeS), "--out", result.out().string()},
              600s);
  result.exit_code = cli.exit_code;
  result.output = cli.output;
  if (auto text = read_file(result.out() / "summary.json")) result.summary = Json::parse(text.value(), nullptr, false);
  return result;
}

void expect_latency_and_iops_per_direction(const PerfRunOutput& first) {
  const Json& run = first.run();
  EXPECT_EQ(first.summary["scenarios"][0]["kind"], "perf");
  EXPECT_EQ(run["status"], "PASS") << run.value("reason", "");
  EXPECT_EQ(run["measured_phase"], "measure");
  for (const char* direction : {"read", "write"}) {
    SCOPED_TRACE(direction);
    EXPECT_GT(run["iops"][direction].get<double>(), 0);
    const Json& latency = run["latency_us"][direction];
    EXPECT_GT(latency["p50"].get<double>(), 0);
    EXPECT_LE(latency["p50"].get<double>(), latency["p99"].get<double>());
    EXPECT_LE(latency["p99"].get<double>(), latency["p99.99"].get<double>());
    EXPECT_GT(latency["samples"].get<double>(), 0);
  }
  EXPECT_TRUE(fs::exists(first.out() / "perf-randread-seqwrite" / "run-1-seed-3" / "measure_clat.2.log"));
  EXPECT_THAT(first.output, HasSubstr("PASS  perf-randread-seqwrite"));
  EXPECT_THAT(first.output, HasSubstr("IOPS p99"));
}

void expect_counters_per_phase(const PerfRunOutput& first) {
  const Json& counters = first.run()["bcache_counters"];
  for (const char* phase : {"fill", "warmup", "measure"}) {
    SCOPED_TRACE(phase);
    ASSERT_TRUE(counters.contains(phase));
    EXPECT_TRUE(counters[phase].contains("before"));
    EXPECT_TRUE(counters[phase].contains("after"));
  }
  for (const char* phase : {"fill", "warmup", "measure"}) {
    SCOPED_TRACE(phase);
    EXPECT_EQ(counters[phase]["source"], "tracefs") << counters[phase];
    EXPECT_EQ(counters[phase]["quiet"], true) << "the counts stop moving once the phase's I/O is done";
    EXPECT_LT(counters[phase]["settle_s"].get<double>(), 2.5) << "no wait for bcache's 13.6 s fold";
    EXPECT_TRUE(counters[phase]["delta"].contains("probe_misses"));
  }
  const Json& measure = counters["measure"]["delta"];
  // bcache marks every read it serves as a hit or a miss (bypass_* for reads it bypasses),
  // so the counters must add up to fio's reads exactly.
  const double reads_counted = measure["cache_hits"].get<double>() + measure["cache_misses"].get<double>() +
                               measure["cache_bypass_hits"].get<double>() +
                               measure["cache_bypass_misses"].get<double>();
  EXPECT_EQ(reads_counted, first.run()["latency_us"]["read"]["samples"].get<double>()) << measure;
  // ...and the run says so itself: fio's reads beside how many of them bcache did not count.
  EXPECT_EQ(counters["measure"]["fio_reads"].get<double>(), first.run()["latency_us"]["read"]["samples"].get<double>());
  EXPECT_EQ(counters["measure"]["reads_not_counted"], 0);
  EXPECT_TRUE(counters["warmup"].contains("reads_not_counted"));
  EXPECT_FALSE(counters["fill"].contains("fio_reads")) << "the fill's counts are not checked against fio's";
  // The writer's 128 KiB writes pass the 64 KiB cutoff, each alone: bcache bypasses every
  // byte fio wrote, and every bypassed 4 KiB read. The tracefs count is exact (stats_total's
  // wraps every 32 MiB a fold interval).
  auto fio_text = read_file(first.out() / "perf-randread-seqwrite" / "run-1-seed-3" / "measure.fio.json");
  ASSERT_TRUE(fio_text);
  const Json fio = Json::parse(fio_text.value(), nullptr, false);
  ASSERT_TRUE(fio.contains("jobs")) << fio_text.value().substr(0, 200);
  double written = 0;
  for (const auto& job : fio["jobs"]) written += job["write"]["io_bytes"].get<double>();
  EXPECT_GT(written, 0);
  const double bypassed_reads =
      measure["cache_bypass_hits"].get<double>() + measure["cache_bypass_misses"].get<double>();
  EXPECT_EQ(measure["bypassed_bytes"].get<double>(), written + 4096 * bypassed_reads) << measure;
}

void expect_memory_samples(const PerfRunOutput& first) {
  const Json& memory = first.run()["memory_kib"];
  EXPECT_EQ(memory["interval_ms"], 250);
  EXPECT_GE(memory["samples"].get<int>(), kRuntimeS * 4 * 3 / 4) << "about one sample per 250 ms";
  for (const char* source : {"Slab", "SUnreclaim", "Percpu", "VmallocUsed"}) {
    SCOPED_TRACE(source);
    ASSERT_TRUE(memory["meminfo"][source].is_object());
    EXPECT_GT(memory["meminfo"][source]["baseline_kib"].get<double>(), 0);
    EXPECT_GE(memory["meminfo"][source]["peak_kib"].get<double>(),
              memory["meminfo"][source]["baseline_kib"].get<double>());
  }
  EXPECT_TRUE(memory["meminfo"]["MemAvailable"].contains("min_kib"));
  EXPECT_GT(memory["bcache_module_kib"].get<double>(), 100) << "bcache.ko's core is a few hundred KiB";
  EXPECT_TRUE(memory["allocinfo"].is_null()) << "Debian's kernels have no CONFIG_MEM_ALLOC_PROFILING";
}

void expect_memory_agreement(const PerfRunOutput& first, const PerfRunOutput& second) {
  for (const char* source : {"Slab", "SUnreclaim", "Percpu", "VmallocUsed"}) {
    const double a = first.run()["memory_kib"]["meminfo"][source]["peak_minus_baseline_kib"].get<double>();
    const double b = second.run()["memory_kib"]["meminfo"][source]["peak_minus_baseline_kib"].get<double>();
    std::printf("memory agreement: %s peak-baseline %g vs %g KiB\n", source, a, b);
    EXPECT_LE(std::fabs(a - b), kMemoryAgreementKib) << source << ": " << a << " vs " << b << " KiB";
  }
}

void expect_reports_rerendered(const PerfRunOutput& first) {
  for (const char* name : {"report.html", "report.md", "junit.xml"}) {
    EXPECT_TRUE(fs::exists(first.out() / name)) << name;
  }
  auto junit = read_file(first.out() / "junit.xml");
  ASSERT_TRUE(junit);
  EXPECT_THAT(junit.value(), HasSubstr("name=\"run-1-seed-3\""));
  fs::remove(first.out() / "report.html");
  const auto again = run_cli({"report", first.out().string()}, 120s);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(fs::exists(first.out() / "report.html"));
  auto summary = read_file(first.out() / "summary.json");
  ASSERT_TRUE(summary);
  const Json rerendered = Json::parse(summary.value());
  EXPECT_EQ(rerendered["scenarios"][0]["runs"][0]["latency_us"], first.run()["latency_us"]);
  EXPECT_EQ(rerendered["scenarios"][0]["runs"][0]["memory_kib"], first.run()["memory_kib"]);
}

// One test, so that ctest (a process per test) boots for the two runs once: each run costs
// a boot and ~40 s of guest time.
TEST(PerfRun, MeasuresReportsAndRepeatsWithinTheMemoryBound) {
  const auto first = run_perf();
  const auto second = run_perf();
  for (const auto* run : {&first, &second}) {
    ASSERT_EQ(run->exit_code, 0) << run->output;
    ASSERT_TRUE(run->summary.is_object()) << run->output;
  }
  {
    SCOPED_TRACE("latency and IOPS");
    expect_latency_and_iops_per_direction(first);
  }
  {
    SCOPED_TRACE("bcache counters");
    expect_counters_per_phase(first);
  }
  {
    SCOPED_TRACE("memory samples");
    expect_memory_samples(first);
  }
  {
    SCOPED_TRACE("memory agreement of two identical runs");
    expect_memory_agreement(first, second);
  }
  {
    SCOPED_TRACE("reports");
    expect_reports_rerendered(first);
  }
}

/// Sets an environment variable for its lifetime (the CLI the test starts inherits it).
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnvironment() { ::unsetenv(name_); }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
};

// The path a guest kernel without hist triggers or kprobe events takes, forced here:
// stats_total, each reading once bcache's 13.6 s fold has come.
TEST(PerfRun, CountsFromStatsTotalAfterTheFoldWhenTracefsCountersAreNotUsed) {
  ScopedEnvironment forced(kStatsTotalCountersVariable, "1");
  TempDir dir("bh-perf-stats-total");
  const auto out = dir.path() / "out";
  const auto cli = run_cli({"run", "--accel", "tcg", "--scenario", "perf-randread", "--seed", "1", "--perf-warmup", "0",
                            "--perf-runtime", "3", "--out", out.string()},
                           300s);
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto text = read_file(out / "summary.json");
  ASSERT_TRUE(text);
  const Json run = Json::parse(text.value())["scenarios"][0]["runs"][0];
  const Json& counters = run["bcache_counters"];
  for (const char* phase : {"fill", "measure"}) {
    SCOPED_TRACE(phase);
    ASSERT_TRUE(counters.contains(phase)) << counters;
    EXPECT_EQ(counters[phase]["source"], "stats_total");
    EXPECT_THAT(counters[phase]["tracefs_unavailable"].get<std::string>(), HasSubstr("BH_STATS_TOTAL_COUNTERS is set"));
    EXPECT_FALSE(counters[phase].contains("quiet"));
    EXPECT_FALSE(counters[phase]["delta"].contains("probe_misses"));
  }
  // The reading waited for a fold, or a whole period in which none brought anything new.
  EXPECT_TRUE(counters["measure"]["saw_tick"] == true || counters["measure"]["settle_s"].get<double>() > 300.0 / 22)
      << counters["measure"];
  EXPECT_GT(counters["measure"]["delta"]["cache_hits"].get<double>(), 0) << "perf-randread reads what the fill cached";
  EXPECT_EQ(counters["measure"]["reads_not_counted"], 0) << counters["measure"];
}

TEST(ReportCommand, RefusesADirectoryWithoutASummary) {
  TempDir empty("bh-report-empty");
  const auto result = run_cli({"report", empty.path().string()}, 30s);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("no summary.json"));
}

}  // namespace
}  // namespace bh::testing
