#include "util/process_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <string>
#include <thread>

#include "util/temp_dir.h"

namespace bh {
namespace {

using namespace std::chrono_literals;

/// True while `pid` exists and is not a zombie (a zombie is dead, only not yet reaped).
bool running(int pid) {
  std::string stat;
  std::getline(std::ifstream("/proc/" + std::to_string(pid) + "/stat"), stat);
  return !stat.empty() && stat.find(") Z ") == std::string::npos;
}

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

TEST(SystemProcessRunner, APastDeadlineKillsWhatTheProgramStartedToo) {
  TempDir dir("bh-runner");
  const auto pid_file = dir.path() / "grandchild.pid";
  SystemProcessRunner runner;
  auto result =
      runner.run({.argv = {"sh", "-c", "sleep 30 & echo $! > \"$0\"; wait", pid_file.string()}, .timeout = 500ms});
  ASSERT_TRUE(result);
  EXPECT_TRUE(result.value().timed_out);
  std::ifstream in(pid_file);
  int grandchild = 0;
  in >> grandchild;
  ASSERT_GT(grandchild, 0) << "the script did not start its sleep";
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {  // up to 1 s for the kill to land
    gone = !running(grandchild);
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone) << "the grandchild " << grandchild << " outlived the timeout";
  if (!gone) ::kill(grandchild, SIGKILL);
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
