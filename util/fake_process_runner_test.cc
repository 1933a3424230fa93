#include "util/fake_process_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bh::testing {
namespace {

using ::testing::HasSubstr;

TEST(FakeProcessRunner, TheLongestMatchingPrefixAnswers) {
  FakeProcessRunner runner;
  runner.on({"apt-get"}, 0, "any");
  runner.on({"apt-get", "download"}, 0, "download");
  auto result = runner.run({.argv = {"apt-get", "download", "linux-image"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value().output, "download");
}

TEST(FakeProcessRunner, AnUnscriptedProgramIsNotInstalledUnlessAFallbackAnswers) {
  FakeProcessRunner strict;
  auto missing = strict.run({.argv = {"depmod", "-b", "/x"}});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("depmod"));
  FakeProcessRunner lenient(ProcessResult{.exit_code = 7});
  auto answered = lenient.run({.argv = {"depmod"}});
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered.value().exit_code, 7);
}

TEST(FakeProcessRunner, RecordsRequestsAndCountsProgramsByFileName) {
  FakeProcessRunner runner(ProcessResult{});
  (void)runner.run({.argv = {"/usr/bin/cpio", "-o"}, .cwd = "/tmp"});
  (void)runner.run({.argv = {"cpio"}});
  (void)runner.run({.argv = {"xz"}});
  EXPECT_EQ(runner.count("cpio"), 2u);
  ASSERT_EQ(runner.requests().size(), 3u);
  EXPECT_EQ(runner.requests()[0].cwd, "/tmp");
  EXPECT_EQ(runner.calls()[2], (std::vector<std::string>{"xz"}));
}

}  // namespace
}  // namespace bh::testing
