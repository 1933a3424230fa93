#include "harness/runs/run_steps.h"

#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

analysis::FioReport race_report() {
  analysis::FioReport report;
  analysis::FioJob writer;
  writer.write = {128, 16u << 20, 9.5, 1u << 20, 13480};
  analysis::FioJob reader;
  reader.read = {20000, 20000u * 4096, 1500, 6u << 20, 13500};
  report.jobs = {writer, reader};
  return report;
}

TEST(WriterFacts, RuntimeAndIoSizeComeFromTheWritingJob) {
  const auto report = race_report();
  EXPECT_DOUBLE_EQ(writer_runtime_s(report), 13.48);
  EXPECT_EQ(writer_io_size(report), 128u * 1024);
  EXPECT_EQ(written_bytes(report), 16u << 20);
  EXPECT_EQ(read_ios(report), 20000u);
  EXPECT_EQ(writer_io_size(analysis::FioReport{}), 0u);
  EXPECT_DOUBLE_EQ(writer_runtime_s(analysis::FioReport{}), 0.0);
}

TEST(NonzeroCounts, NamesOnlyTheCountsAboveZeroInKeyOrder) {
  EXPECT_EQ(nonzero_counts({{"stale_blocks", 7}, {"lost_writes", 0}, {"torn_blocks", 2}, {"absent", 0}}),
            "7 stale_blocks; 2 torn_blocks");
  EXPECT_EQ(nonzero_counts({{"lost_writes", 0}}), "");
}

TEST(CheckSpaceForRun, ARunThatWouldFillTheFilesystemStopsAsAnErrorSayingSo) {
  TempDir dir("run-steps-space");
  Region region;
  EXPECT_NO_THROW(check_space_for_run(dir.path(), region));
  region.write_size = 1ull << 60;
  try {
    check_space_for_run(dir.path(), region);
    FAIL() << "an exabyte fitted";
  } catch (const RunStop& stopped) {
    EXPECT_EQ(stopped.status, Status::kError);
    EXPECT_NE(stopped.reason.find("no space left on device for the run: " + dir.path().string()), std::string::npos)
        << stopped.reason;
  }
}

TEST(RunUntilStopped, AConsoleTheEmulatorBrokeIsAnErrorOfQemuNotAKernelFinding) {
  TempDir dir("run-until-stopped-test");
  const auto stale_int3 =
      read_file(std::string(BH_SOURCE_DIR) + "/harness/vm/testdata/console-6.12-tcg-stale-int3.log");
  ASSERT_TRUE(stale_int3);
  ASSERT_TRUE(write_file_atomically(dir.path() / "console.log", stale_int3.value()));
  RunResult result;
  const bool completed =
      run_until_stopped(result, dir.path(), [] { stop(Status::kError, "race job: the guest agent went away"); });
  EXPECT_FALSE(completed);
  EXPECT_EQ(result.status, Status::kError);
  EXPECT_EQ(result.reason.rfind("QEMU: the emulator trapped on a breakpoint", 0), 0u) << result.reason;
  EXPECT_NE(result.reason.find("(race job: the guest agent went away)"), std::string::npos);
  EXPECT_TRUE(result.console_findings.empty()) << "no kernel finding to FAIL a compare on";
}

TEST(RunUntilStopped, AnOopsExplainsAnErrorAsAKernelFailure) {
  TempDir dir("run-until-stopped-test");
  ASSERT_TRUE(write_file_atomically(dir.path() / "console.log", "[ 9.1] BUG: kernel NULL pointer dereference\n"));
  RunResult result;
  EXPECT_FALSE(run_until_stopped(result, dir.path(), [] { stop(Status::kError, "fill job timed out"); }));
  EXPECT_EQ(result.status, Status::kFail);
  EXPECT_EQ(result.reason, "kernel: [ 9.1] BUG: kernel NULL pointer dereference (fill job timed out)");
  EXPECT_EQ(result.errors, std::vector<std::string>{"fill job timed out"}) << "the harness's error is not hidden";
}

TEST(RunUntilStopped, AMissingConsoleAfterQemuStartedIsAnErrorNeverAPass) {
  TempDir dir("run-until-stopped-test");
  ASSERT_TRUE(write_file_atomically(dir.path() / "qemu.log", ""));
  RunResult result;
  result.status = Status::kPass;
  EXPECT_TRUE(run_until_stopped(result, dir.path(), [] {}));
  settle_errors(result.status, result.reason, result.errors);
  EXPECT_EQ(result.status, Status::kError);
  EXPECT_NE(result.reason.find("the guest's console is missing"), std::string::npos) << result.reason;
}

TEST(RunUntilStopped, AStallUnderEmulationIsAnErrorAndUnderKvmAFinding) {
  TempDir dir("run-until-stopped-test");
  ASSERT_TRUE(write_file_atomically(dir.path() / "qemu.log", ""));
  ASSERT_TRUE(
      write_file_atomically(dir.path() / "console.log", "[ 62.1] rcu: INFO: rcu_preempt self-detected stall on CPU\n"));
  RunResult emulated;
  emulated.facts.accel = "tcg";
  EXPECT_FALSE(run_until_stopped(emulated, dir.path(), [] { stop(Status::kError, "race job timed out"); }));
  EXPECT_EQ(emulated.status, Status::kError);
  EXPECT_TRUE(emulated.console_findings.empty());
  ASSERT_EQ(emulated.errors.size(), 2u);
  EXPECT_NE(emulated.errors[0].find("a RCU stall under emulation"), std::string::npos) << emulated.errors[0];

  RunResult hardware;
  hardware.facts.accel = "kvm";
  EXPECT_FALSE(run_until_stopped(hardware, dir.path(), [] { stop(Status::kError, "race job timed out"); }));
  EXPECT_EQ(hardware.status, Status::kFail);
  EXPECT_EQ(hardware.console_findings.size(), 1u);
  EXPECT_EQ(hardware.errors, std::vector<std::string>{"race job timed out"});
}

}  // namespace
}  // namespace bh
