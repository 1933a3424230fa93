#include "vm/agent/memory_sample.h"

#include <gtest/gtest.h>

#include "vm/agent/fake_guest_system.h"

namespace bh::agent {
namespace {

TEST(SampleMemory, CombinesUptimeMeminfoAndSlabinfo) {
  FakeGuestSystem system;
  system.files["/proc/meminfo"] = "MemTotal: 1024 kB\nHugePages_Total: 2\n";
  system.files["/proc/slabinfo"] = "slabinfo - version: 2.1\nkmalloc-64 3 32 64 64 1\n";
  auto sample = sample_memory(system);
  ASSERT_TRUE(sample) << sample.error().message;
  EXPECT_DOUBLE_EQ(sample.value()["uptime_s"].get<double>(), 101.0);
  EXPECT_EQ(sample.value()["meminfo"]["MemTotal"], 1024);
  EXPECT_EQ(sample.value()["meminfo"]["HugePages_Total"], 2);
  EXPECT_EQ(sample.value()["slab_kb"]["kmalloc-64"], 2);
}

TEST(SampleMemory, UnreadableSlabinfoGivesEmptySlabs) {
  FakeGuestSystem system;
  system.files["/proc/meminfo"] = "MemTotal: 1024 kB\n";
  auto sample = sample_memory(system);
  ASSERT_TRUE(sample);
  EXPECT_TRUE(sample.value()["slab_kb"].is_object());
  EXPECT_TRUE(sample.value()["slab_kb"].empty());
  EXPECT_EQ(sample.value()["meminfo"]["MemTotal"], 1024);
}

TEST(SampleMemory, FailsWithoutMeminfo) {
  FakeGuestSystem system;
  EXPECT_FALSE(sample_memory(system));
}

}  // namespace
}  // namespace bh::agent
