#include "harness/image/shared_libraries.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "harness/image/test_support.h"

namespace bh::image {
namespace {

namespace fs = std::filesystem;

std::string testdata(const std::string& name) {
  auto text = read_file(fs::path(BH_SOURCE_DIR) / "harness/image/testdata" / name);
  EXPECT_TRUE(text) << name;
  return text ? text.value() : "";
}

bool contains(const std::vector<fs::path>& paths, const fs::path& path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end();
}

TEST(ParseLddOutputTest, RealFioOutputGivesEveryLibraryAndTheInterpreter) {
  // Captured with `ldd /usr/bin/fio` on Debian 12: 64 lines, one of them the vDSO.
  auto libraries = parse_ldd_output(testdata("ldd_fio.txt"), "/usr/bin/fio");
  ASSERT_TRUE(libraries) << libraries.error().message;
  EXPECT_EQ(libraries.value().size(), 63u);
  EXPECT_EQ(libraries.value().front(), "/lib/x86_64-linux-gnu/libnuma.so.1");
  EXPECT_TRUE(contains(libraries.value(), "/lib64/ld-linux-x86-64.so.2"));
  EXPECT_TRUE(contains(libraries.value(), "/lib/x86_64-linux-gnu/libaio.so.1"));
  EXPECT_TRUE(contains(libraries.value(), "/lib/x86_64-linux-gnu/libc.so.6"));
  for (const auto& path : libraries.value()) {
    EXPECT_TRUE(path.is_absolute()) << path;
    EXPECT_EQ(path.string().find("vdso"), std::string::npos) << path;
    EXPECT_EQ(path.string().find("(0x"), std::string::npos) << path;
  }
}

TEST(ParseLddOutputTest, RealDmsetupOutput) {
  auto libraries = parse_ldd_output(testdata("ldd_dmsetup.txt"), "/usr/sbin/dmsetup");
  ASSERT_TRUE(libraries) << libraries.error().message;
  EXPECT_EQ(libraries.value().size(), 7u);
  EXPECT_TRUE(contains(libraries.value(), "/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1"));
}

TEST(ParseLddOutputTest, StaticBinariesNeedNothing) {
  auto busybox = parse_ldd_output(testdata("ldd_busybox.txt"), "/bin/busybox");
  ASSERT_TRUE(busybox);
  EXPECT_TRUE(busybox.value().empty());
  auto static_pie = parse_ldd_output("\tstatically linked\n", "/x");
  ASSERT_TRUE(static_pie);
  EXPECT_TRUE(static_pie.value().empty());
}

TEST(ParseLddOutputTest, MissingLibraryIsAnErrorNamingLibraryAndBinary) {
  auto result = parse_ldd_output("\tlinux-vdso.so.1 (0x00007ffc)\n\tlibgone.so.3 => not found\n", "/usr/bin/fio");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("libgone.so.3"), std::string::npos);
  EXPECT_NE(result.error().message.find("/usr/bin/fio"), std::string::npos);
}

TEST(ParseLddOutputTest, DuplicatesAndOldVdsoFormatAreDropped) {
  auto result = parse_ldd_output(
      "\tlinux-gate.so.1 =>  (0x0001)\n\tlibc.so.6 => /lib/libc.so.6 (0x2)\n"
      "\tlibc.so.6 => /lib/libc.so.6 (0x2)\n",
      "/x");
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value(), std::vector<fs::path>{"/lib/libc.so.6"});
}

TEST(SharedLibrariesOfTest, RunsLddWithArgvAndHandlesItsExitCodes) {
  testing::FakeProcessRunner dynamic([](const ProcessRequest&) {
    return ProcessResult{0, false, "\tlibz.so.1 => /lib/libz.so.1 (0x1)\n"};
  });
  auto found = shared_libraries_of(dynamic, "/usr/bin/fio");
  ASSERT_TRUE(found);
  EXPECT_EQ(found.value(), std::vector<fs::path>{"/lib/libz.so.1"});
  EXPECT_EQ(dynamic.requests().at(0).argv, (std::vector<std::string>{"ldd", "/usr/bin/fio"}));

  testing::FakeProcessRunner not_dynamic([](const ProcessRequest&) {
    return ProcessResult{1, false, "\tnot a dynamic executable\n"};
  });
  auto none = shared_libraries_of(not_dynamic, "/bin/busybox");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none.value().empty());

  testing::FakeProcessRunner broken([](const ProcessRequest&) {
    return ProcessResult{1, false, "ldd: /x: No such file or directory\n"};
  });
  auto error = shared_libraries_of(broken, "/x");
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace bh::image
