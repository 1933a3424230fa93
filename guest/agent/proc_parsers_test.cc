#include "guest/agent/proc_parsers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace bh::agent {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(BH_AGENT_FIXTURES) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ParseMeminfo, ReadsEveryKeyOfARealFile) {
  const auto meminfo = parse_meminfo(fixture("meminfo.txt"));
  EXPECT_EQ(meminfo.size(), 54u);
  EXPECT_EQ(meminfo.at("MemTotal"), 24684092u);
  EXPECT_EQ(meminfo.at("Hugepagesize"), 2048u);
  EXPECT_TRUE(meminfo.contains("Active(anon)"));
}

TEST(ParseMeminfo, KeepsUnitlessValuesAsTheyAre) {
  const auto meminfo = parse_meminfo("HugePages_Total:      12\nMemFree:  5 kB\n");
  EXPECT_EQ(meminfo.at("HugePages_Total"), 12u);
  EXPECT_EQ(meminfo.at("MemFree"), 5u);
}

TEST(ParseMeminfo, SkipsMalformedLines) {
  const auto meminfo = parse_meminfo("garbage\nBad: x kB\nOdd: 3 MB\nGood: 7 kB");
  ASSERT_EQ(meminfo.size(), 1u);
  EXPECT_EQ(meminfo.at("Good"), 7u);
}

TEST(ParseSlabinfo, ReadsEveryCacheOfARealFile) {
  auto slabs = parse_slabinfo(fixture("slabinfo.txt"));
  ASSERT_TRUE(slabs) << slabs.error().message;
  EXPECT_EQ(slabs.value().size(), 235u);
  // "AF_VSOCK 24 24 1280 ...": 24 * 1280 B = 30 kB.
  EXPECT_EQ(slabs.value().at("AF_VSOCK"), 30u);
  EXPECT_EQ(slabs.value().at("btrfs_inode"), 0u);
}

TEST(ParseSlabinfo, UsesNumObjsTimesObjsizeRounded) {
  const std::string text =
      "slabinfo - version: 2.1\n"
      "# name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : ...\n"
      "bio-312  6  12  320  12  1 : tunables 0 0 0 : slabdata 1 1 0\n"
      "tiny     1   1  100  40  1 : tunables 0 0 0 : slabdata 1 1 0\n";
  auto slabs = parse_slabinfo(text);
  ASSERT_TRUE(slabs);
  EXPECT_EQ(slabs.value().at("bio-312"), 4u);  // 3840 B = 3.75 kB
  EXPECT_EQ(slabs.value().at("tiny"), 0u);     // 100 B rounds down
  EXPECT_EQ(slabs.value().size(), 2u);
}

TEST(ParseSlabinfo, RejectsAnUnknownHeader) {
  auto slabs = parse_slabinfo("slabinfo - version: 1.1\nfoo 1 1 1\n");
  ASSERT_FALSE(slabs);
  EXPECT_NE(slabs.error().message.find("version: 1.1"), std::string::npos);
  EXPECT_FALSE(parse_slabinfo(""));
}

TEST(ParseUptime, ReadsTheFirstNumber) {
  auto uptime = parse_uptime("12.34 56.78\n");
  ASSERT_TRUE(uptime);
  EXPECT_DOUBLE_EQ(uptime.value(), 12.34);
  EXPECT_FALSE(parse_uptime("abc 1.0\n"));
  EXPECT_FALSE(parse_uptime(""));
}

// The layout of lib/alloc_tag.c: "%12lli %8llu " then codetag_to_text() then " \n".
constexpr const char* kAllocinfo =
    "allocinfo - version: 1.0\n"
    "#     <size>  <calls> <tag info>\n"
    "           0        0 init/main.c:1314 func:do_initcalls \n"
    "        4096        1 drivers/md/bcache/super.c:1824 [bcache] func:bch_cache_set_alloc \n"
    "     1048576      256 drivers/md/bcache/btree.c:612 [bcache] func:mca_data_alloc \n"
    "         512        2 mm/slub.c:2100 func:alloc_slab_obj_exts \n";

TEST(ParseAllocinfo, ReadsEverySiteWithItsFields) {
  auto sites = parse_allocinfo(kAllocinfo);
  ASSERT_TRUE(sites) << sites.error().message;
  ASSERT_EQ(sites.value().size(), 4u);
  const auto& btree = sites.value()[2];
  EXPECT_EQ(btree.file, "drivers/md/bcache/btree.c");
  EXPECT_EQ(btree.line, 612u);
  EXPECT_EQ(btree.module, "bcache");
  EXPECT_EQ(btree.function, "mca_data_alloc");
  EXPECT_EQ(btree.bytes, 1048576);
  EXPECT_EQ(btree.calls, 256u);
  EXPECT_EQ(sites.value()[0].module, "");
  EXPECT_EQ(sites.value()[0].function, "do_initcalls");
}

TEST(ParseAllocinfo, KeepsOnlySitesWhoseFileMatches) {
  auto sites = parse_allocinfo(kAllocinfo, "drivers/md/bcache/");
  ASSERT_TRUE(sites);
  ASSERT_EQ(sites.value().size(), 2u);
  EXPECT_EQ(sites.value()[0].function, "bch_cache_set_alloc");
  EXPECT_EQ(sites.value()[1].function, "mca_data_alloc");
}

TEST(ParseAllocinfo, AcceptsVersion2WithTheInaccurateMarkerAndNegativeBytes) {
  auto sites = parse_allocinfo(
      "allocinfo - version: 2.0\n"
      "#     <size>  <calls> <tag info>\n"
      "          -64        1 drivers/md/bcache/io.c:20 [bcache] func:bch_bbio_alloc accurate:no \n");
  ASSERT_TRUE(sites) << sites.error().message;
  ASSERT_EQ(sites.value().size(), 1u);
  EXPECT_EQ(sites.value()[0].bytes, -64);
  EXPECT_EQ(sites.value()[0].function, "bch_bbio_alloc");
}

TEST(ParseAllocinfo, NamesTheLineThatDoesNotParse) {
  const std::string header = "allocinfo - version: 1.0\n# <size> <calls> <tag info>\n";
  auto bad_number = parse_allocinfo(header + "0 0 a.c:1 func:f\n12x 3 b.c:2 func:g\n");
  ASSERT_FALSE(bad_number);
  EXPECT_NE(bad_number.error().message.find("/proc/allocinfo:4:"), std::string::npos) << bad_number.error().message;
  EXPECT_NE(bad_number.error().message.find("12x 3 b.c:2"), std::string::npos);
  auto no_func = parse_allocinfo(header + "1 1 drivers/md/bcache/a.c:1 [bcache] f\n");
  ASSERT_FALSE(no_func);
  EXPECT_NE(no_func.error().message.find(":3: no func:"), std::string::npos) << no_func.error().message;
  auto no_line = parse_allocinfo(header + "1 1 drivers/md/bcache/a.c func:f\n");
  ASSERT_FALSE(no_line);
  EXPECT_NE(no_line.error().message.find(":3: no <file>:<line>"), std::string::npos) << no_line.error().message;
  EXPECT_FALSE(parse_allocinfo(header + "1 1\n"));
}

TEST(ParseAllocinfo, RejectsAnUnknownHeader) {
  auto sites = parse_allocinfo("allocinfo - version: 3.0\n");
  ASSERT_FALSE(sites);
  EXPECT_NE(sites.error().message.find("version: 3.0"), std::string::npos);
  EXPECT_FALSE(parse_allocinfo("1 1 a.c:1 func:f\n"));
  EXPECT_FALSE(parse_allocinfo(""));
}

TEST(ParseSysfsNumber, ReadsOneNumberAndNamesTheFileOtherwise) {
  auto size = parse_sysfs_number("315392\n", "/sys/module/bcache/coresize");
  ASSERT_TRUE(size);
  EXPECT_EQ(size.value(), 315392u);
  auto bad = parse_sysfs_number("12 kB\n", "/sys/module/bcache/coresize");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("/sys/module/bcache/coresize"), std::string::npos);
  EXPECT_FALSE(parse_sysfs_number("", "x"));
}

}  // namespace
}  // namespace bh::agent
