#include "guest/agent/memory_sample.h"

#include <gtest/gtest.h>

#include "guest/agent/fake_guest_system.h"

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

TEST(SampleMemory, LeavesOutBcacheKeysTheGuestCannotTell) {
  FakeGuestSystem system;
  system.files["/proc/meminfo"] = "MemTotal: 1024 kB\n";
  auto sample = sample_memory(system);
  ASSERT_TRUE(sample);
  EXPECT_FALSE(sample.value().contains("bcache_module_kib"));
  EXPECT_FALSE(sample.value().contains("allocinfo_kib"));
  EXPECT_FALSE(sample.value().contains("allocinfo_error"));
}

TEST(SampleMemory, ReportsTheModuleSizeInKibRoundedUp) {
  FakeGuestSystem system;
  system.files["/proc/meminfo"] = "MemTotal: 1024 kB\n";
  system.files["/sys/module/bcache/coresize"] = "315393\n";  // 308.0009... KiB
  auto sample = sample_memory(system);
  ASSERT_TRUE(sample);
  EXPECT_EQ(sample.value()["bcache_module_kib"], 309);
}

TEST(SampleMemory, SumsBcacheAllocationsFromAllocinfo) {
  FakeGuestSystem system;
  system.files["/proc/meminfo"] = "MemTotal: 1024 kB\n";
  system.files["/proc/allocinfo"] =
      "allocinfo - version: 1.0\n"
      "#     <size>  <calls> <tag info>\n"
      "     8388608        1 mm/vmalloc.c:3000 func:__vmalloc_node_range_noprof \n"
      "        1000        1 drivers/md/bcache/super.c:1824 [bcache] func:bch_cache_set_alloc \n"
      "        2000        1 drivers/md/bcache/super.c:1824 [bcache] func:bch_cache_set_alloc \n"
      "     1048576      256 drivers/md/bcache/btree.c:612 [bcache] func:mca_data_alloc \n"
      "           0        0 drivers/md/bcache/journal.c:900 [bcache] func:bch_journal_alloc \n";
  auto sample = sample_memory(system);
  ASSERT_TRUE(sample) << sample.error().message;
  const auto& allocations = sample.value()["allocinfo_kib"];
  // 1000 + 2000 + 1048576 bytes = 1026.93 KiB, rounded up; mm/vmalloc.c is not bcache's.
  EXPECT_EQ(allocations["total"], 1027);
  EXPECT_EQ(allocations["sites"]["drivers/md/bcache/super.c:1824 bch_cache_set_alloc"], 3);
  EXPECT_EQ(allocations["sites"]["drivers/md/bcache/btree.c:612 mca_data_alloc"], 1024);
  EXPECT_EQ(allocations["sites"].size(), 2u);  // the 0-byte journal site is left out
}

TEST(SampleMemory, SaysWhyAllocinfoDidNotParse) {
  FakeGuestSystem system;
  system.files["/proc/meminfo"] = "MemTotal: 1024 kB\n";
  system.files["/proc/allocinfo"] = "allocinfo - version: 1.0\n#\nbroken line\n";
  auto sample = sample_memory(system);
  ASSERT_TRUE(sample);
  EXPECT_FALSE(sample.value().contains("allocinfo_kib"));
  EXPECT_NE(sample.value()["allocinfo_error"].get<std::string>().find("/proc/allocinfo:3:"), std::string::npos);
}

}  // namespace
}  // namespace bh::agent
