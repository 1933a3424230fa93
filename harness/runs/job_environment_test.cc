#include "harness/runs/job_environment.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

TEST(JobEnvironment, GivesTheWriterDepthAndTheRanges) {
  Scenario scenario;
  scenario.region = {1 << 20, 2 << 20, 0, 4 << 20};
  const auto environment = job_environment(scenario, 7, 2, 16);
  EXPECT_EQ(environment.at("BH_WRITE_DEPTH"), "16");
  EXPECT_EQ(environment.at("BH_SEED"), "7");
  EXPECT_EQ(environment.at("BH_GEN_PATTERN"), "0x42484702");
  EXPECT_EQ(environment.at("BH_WRITE_OFFSET"), "1048576");
  EXPECT_EQ(environment.at("BH_FILL_OFFSET"), "0");
  EXPECT_EQ(environment.at("BH_FILL_SIZE"), "4194304");
}

TEST(JobEnvironment, PowerCutsWriteAtDepthOne) {
  Scenario scenario;
  scenario.writer_iodepth = 32;
  EXPECT_EQ(race_writer_iodepth(scenario, false), 32u);
  EXPECT_EQ(race_writer_iodepth(scenario, true), 1u);
}

}  // namespace
}  // namespace bh
