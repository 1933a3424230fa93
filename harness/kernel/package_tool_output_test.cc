#include "harness/kernel/package_tool_output.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

// Captured on Debian 12 (bookworm + security), 2026-11.
constexpr std::string_view kBookwormDepends =
    "linux-image-amd64\n"
    "  Depends: linux-image-6.1.0-56-amd64\n";

// apt-get download of an unknown package (stderr), captured on the same machine.
constexpr std::string_view kUnknownPackage =
    "E: Unable to locate package linux-image-9.9.9-nope-amd64\n"
    "E: Couldn't find any package by glob 'linux-image-9.9.9-nope-amd64'\n"
    "E: Couldn't find any package by regex 'linux-image-9.9.9-nope-amd64'\n";

TEST(StockRelease, FromCapturedAptCacheOutput) {
  auto release = parse_stock_release(kBookwormDepends);
  ASSERT_TRUE(release);
  EXPECT_EQ(release.value(), "6.1.0-56-amd64");
}

TEST(StockRelease, DropsTheUnsignedSuffixAndSkipsOtherDepends) {
  auto release = parse_stock_release(
      "linux-image-amd64\n"
      "  Depends: initramfs-tools\n"
      " |Depends: linux-image-6.12.107+deb12-amd64-unsigned\n"
      "  Depends: linux-image-6.12.107+deb12-amd64\n");
  ASSERT_TRUE(release);
  EXPECT_EQ(release.value(), "6.12.107+deb12-amd64");
}

TEST(StockRelease, NamesTheMetapackageItAsked) {
  auto release = parse_stock_release("linux-image-6.12-amd64\n  Depends: linux-image-6.12.118+deb12-amd64\n",
                                     "linux-image-6.12-amd64");
  ASSERT_TRUE(release);
  EXPECT_EQ(release.value(), "6.12.118+deb12-amd64");
  auto missing = parse_stock_release("E: No packages found\n", "linux-image-9.9-amd64");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("apt-cache depends linux-image-9.9-amd64"), std::string::npos);
}

TEST(StockRelease, MissingDependsIsAnErrorQuotingApt) {
  auto release = parse_stock_release("E: No packages found\n");
  ASSERT_FALSE(release);
  EXPECT_NE(release.error().message.find("E: No packages found"), std::string::npos);
  EXPECT_NE(release.error().message.find("apt-get update"), std::string::npos);
}

TEST(AptOutput, RecognisesUnknownPackages) {
  EXPECT_TRUE(apt_says_package_unknown(kUnknownPackage));
  EXPECT_FALSE(
      apt_says_package_unknown("Err:1 http://deb.debian.org/debian bookworm/main amd64 linux-image-6.1.0-56-amd64\n"
                               "  Temporary failure resolving 'deb.debian.org'\n"));
}

TEST(ControlFields, ParsesSeveralFields) {
  const auto fields = parse_control_fields("Package: linux-image-6.1.0-56-amd64\nVersion: 6.1.192-2\n");
  EXPECT_EQ(fields.at("Package"), "linux-image-6.1.0-56-amd64");
  EXPECT_EQ(fields.at("Version"), "6.1.192-2");
}

TEST(LastOutputLine, SkipsBlankLines) {
  EXPECT_EQ(last_output_line("a\nb  \n\n"), "b");
  EXPECT_EQ(last_output_line(""), "no output");
}

}  // namespace
}  // namespace bh
