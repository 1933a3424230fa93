#include "vm/agent/proc_parsers.h"

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

}  // namespace
}  // namespace bh::agent
