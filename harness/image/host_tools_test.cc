#include "harness/image/host_tools.h"

#include <gtest/gtest.h>

#include "harness/image/test_support.h"

namespace bh::image {
namespace {

namespace fs = std::filesystem;

TEST(HostToolsTest, FindsTheFirstExecutableSkippingPlainFiles) {
  testing::FakeHost host;
  host.write("plain/fio", "not executable");
  auto found = find_host_tool("fio", {host.path() / "plain", host.path() / "bin"});
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found.value(), host.path() / "bin/fio");
}

TEST(HostToolsTest, MissingToolNamesItsDebianPackage) {
  testing::FakeHost host;
  auto missing = find_host_tool("make-bcache", {host.path() / "nowhere"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("host tool make-bcache not found"), std::string::npos);
  EXPECT_NE(missing.error().message.find("bcache-tools"), std::string::npos);
  EXPECT_EQ(debian_package_for("busybox"), "busybox-static");
  EXPECT_EQ(debian_package_for("dmsetup"), "dmsetup");
  EXPECT_EQ(debian_package_for("bcache-super-show"), "bcache-tools");
}

TEST(HostToolsTest, DefaultSearchIncludesSbinDirectories) {
  const auto dirs = default_tool_search_dirs();
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), fs::path("/usr/sbin")), dirs.end());
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), fs::path("/sbin")), dirs.end());
}

}  // namespace
}  // namespace bh::image
