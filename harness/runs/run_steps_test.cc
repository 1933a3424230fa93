#include "harness/runs/run_steps.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace bh
