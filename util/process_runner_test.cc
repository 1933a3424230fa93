#include "util/process_runner.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_dir.h"

namespace bh {
namespace {

using namespace std::chrono_literals;

TEST(SystemProcessRunner, CapturesOutputAndExitCode) {
  SystemProcessRunner runner;
  auto result = runner.run({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value().exit_code, 3);
  EXPECT_NE(result.value().output.find("out"), std::string::npos);
  EXPECT_NE(result.value().output.find("err"), std::string::npos);
}

TEST(SystemProcessRunner, KillsAProgramPastItsDeadline) {
  SystemProcessRunner runner;
  const auto start = std::chrono::steady_clock::now();
  auto result = runner.run({.argv = {"sleep", "30"}, .timeout = 200ms});
  ASSERT_TRUE(result);
  EXPECT_TRUE(result.value().timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(SystemProcessRunner, UnknownProgramIsAnError) {
  SystemProcessRunner runner;
  auto result = runner.run({.argv = {"no-such-program-bh"}});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no-such-program-bh"), std::string::npos);
}

TEST(SystemProcessRunner, RedirectsStdinAndStdoutToFiles) {
  TempDir dir("runner-test");
  std::ofstream(dir.path() / "in") << "payload";
  SystemProcessRunner runner;
  auto result = runner.run({.argv = {"cat"}, .stdin_file = dir.path() / "in", .stdout_file = dir.path() / "out"});
  ASSERT_TRUE(result);
  std::ifstream out(dir.path() / "out");
  std::string text;
  std::getline(out, text);
  EXPECT_EQ(text, "payload");
}

TEST(TailLines, KeepsTheLastLines) {
  EXPECT_EQ(tail_lines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(tail_lines("a\nb", 5), "a\nb");
  EXPECT_EQ(tail_lines("", 3), "");
}

}  // namespace
}  // namespace bh
