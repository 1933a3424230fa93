#include "harness/runs/perf_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh {
namespace {

using ::testing::HasSubstr;

analysis::FioJob job(const std::string& name, std::uint64_t reads, std::uint64_t writes, std::uint64_t runtime_ms) {
  analysis::FioJob job;
  job.name = name;
  job.read.total_ios = reads;
  job.write.total_ios = writes;
  job.read.runtime_ms = reads > 0 ? runtime_ms : 0;
  job.write.runtime_ms = writes > 0 ? runtime_ms : 0;
  return job;
}

TEST(PerfWorkload, EveryJobDidIoForTheMeasuredRuntime) {
  analysis::FioReport report;
  report.jobs = {job("writer", 0, 300, 20001), job("reader", 90000, 0, 20000)};
  EXPECT_EQ(perf_workload_problem(report, 20), "");
}

TEST(PerfWorkload, AJobWithoutIoIsAProblemNamingIt) {
  analysis::FioReport report;
  report.jobs = {job("writer", 0, 300, 20000), job("reader", 0, 0, 0)};
  EXPECT_THAT(perf_workload_problem(report, 20), HasSubstr("job 'reader' completed no I/O"));
}

TEST(PerfWorkload, AJobThatStoppedEarlyIsAProblem) {
  analysis::FioReport report;
  report.jobs = {job("reader", 5000, 0, 17000)};
  EXPECT_THAT(perf_workload_problem(report, 20), HasSubstr("ran 17000 ms of the 20 s"));
  report.jobs = {job("reader", 5000, 0, 18000)};
  EXPECT_EQ(perf_workload_problem(report, 20), "") << "90% of the runtime is enough (fio's own start-up)";
}

TEST(PerfWorkload, NoJobsIsAProblem) {
  EXPECT_THAT(perf_workload_problem(analysis::FioReport{}, 20), HasSubstr("no jobs"));
}

TEST(PerfPhaseEnvironment, NamesTheRuntimeAndTheLogPrefix) {
  const auto env = perf_phase_environment("measure", 20);
  EXPECT_EQ(env.at("BH_RUNTIME"), "20");
  EXPECT_EQ(env.at("BH_LAT_LOG"), "measure");
}

TEST(PerfMemoryError, ALostTraceMakesAnErrorThatMayBeRetried) {
  RunResult run{.status = Status::kPass};
  add_memory_error(run,
                   "/out/memory.trace: the memory trace lost 1 events (vfree: 1 missed): its figures would "
                   "under-count");
  EXPECT_EQ(run.status, Status::kError);
  EXPECT_THAT(run.reason, HasSubstr("bcache's memory: /out/memory.trace: the memory trace lost 1 events"));
  EXPECT_TRUE(run.lost_a_measurement);
}

TEST(PerfMemoryError, AnErrorOtherThanALossIsNotRetried) {
  RunResult run{.status = Status::kPass};
  add_memory_error(run, "the memory trace has no end mark (it was not stopped)");
  EXPECT_EQ(run.status, Status::kError);
  EXPECT_FALSE(run.lost_a_measurement);
}

TEST(PerfMemoryError, ALossBesideAnotherErrorIsNotRetried) {
  RunResult run{.status = Status::kPass};
  run.errors = {"saving bcache-counters.json: No space left on device"};
  add_memory_error(run, "the memory trace lost 2 events (cpu1: 2 dropped events): its figures would under-count");
  EXPECT_EQ(run.status, Status::kError);
  EXPECT_EQ(run.errors.size(), 2u);
  EXPECT_FALSE(run.lost_a_measurement) << "the other error would come back";
}

}  // namespace
}  // namespace bh
