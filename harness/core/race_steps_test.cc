#include "harness/core/race_steps.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

TEST(IsBootHang, OnlyAnAgentDeadlineWithQemuStillRunning) {
  EXPECT_TRUE(is_boot_hang(
      "guest agent not ready (timed out waiting for the guest agent's ready event (120 s); QEMU running); last 30 "
      "console lines"));
  EXPECT_FALSE(is_boot_hang("guest agent not ready (QEMU exited; QEMU exited with status 0); last 30 console lines"))
      << "a guest that rebooted or panicked did not hang";
  EXPECT_FALSE(is_boot_hang("the guest runs kernel '6.12' but the spec resolved to '6.1'"));
}

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
  const nlohmann::json counts = {{"torn_blocks", 2}, {"stale_blocks", 7}, {"lost_writes", 0}};
  EXPECT_EQ(nonzero_counts(counts, {"stale_blocks", "lost_writes", "torn_blocks", "absent"}),
            "7 stale_blocks; 2 torn_blocks");
  EXPECT_EQ(nonzero_counts(counts, {"lost_writes"}), "");
}

}  // namespace
}  // namespace bh
