#include "guest/agent/child_process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>

namespace bh::agent {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

ProcessSpec shell(const std::string& script, milliseconds timeout = milliseconds(10000)) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.timeout = timeout;
  return spec;
}

TEST(RunChild, CapturesStdoutStderrAndExitCodeSeparately) {
  auto result = run_child(shell("echo x; echo y >&2; exit 3"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().stdout_text, "x\n");
  EXPECT_EQ(result.value().stderr_text, "y\n");
  EXPECT_EQ(result.value().exit_code, 3);
  EXPECT_EQ(result.value().signal, 0);
  EXPECT_FALSE(result.value().timed_out);
  EXPECT_FALSE(result.value().truncated);
}

TEST(RunChild, KillsAChildPastItsDeadline) {
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  spec.timeout = milliseconds(300);
  const auto start = Clock::now();
  auto result = run_child(spec);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(result.value().timed_out);
  EXPECT_EQ(result.value().exit_code, -1);
  EXPECT_EQ(result.value().signal, SIGKILL);
}

TEST(RunChild, KillsTheWholeProcessGroup) {
  // The shell's child `sleep` holds the pipes; killing only the shell would hang the drain.
  const auto start = Clock::now();
  auto result = run_child(shell("sleep 30; echo never", milliseconds(300)));
  ASSERT_TRUE(result);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(result.value().timed_out);
  EXPECT_EQ(result.value().stdout_text, "");
}

TEST(RunChild, DoesNotWaitForABackgroundGrandchildHoldingThePipes) {
  const auto start = Clock::now();
  auto result = run_child(shell("sleep 3 & echo started", milliseconds(20000)));
  ASSERT_TRUE(result);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_FALSE(result.value().timed_out);
  EXPECT_EQ(result.value().exit_code, 0);
  EXPECT_EQ(result.value().stdout_text, "started\n");
}

TEST(RunChild, CapsOutputAndFlagsItTruncated) {
  // 5 MiB on stdout and 1 MiB on stderr, at once: both pipes must be drained together.
  auto result = run_child(shell("head -c 1048576 /dev/zero >&2 & head -c 5242880 /dev/zero; wait"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().stdout_text.size(), protocol::kMaxCapturedOutput);
  EXPECT_EQ(result.value().stderr_text.size(), 1048576u);
  EXPECT_TRUE(result.value().truncated);
  EXPECT_EQ(result.value().exit_code, 0);
}

TEST(RunChild, FeedsStdin) {
  ProcessSpec spec;
  spec.argv = {"cat"};
  spec.stdin_data = std::string(300000, 'a') + "end";  // more than a pipe buffer
  auto result = run_child(spec);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().stdout_text, spec.stdin_data);
}

TEST(RunChild, SurvivesAChildThatIgnoresItsStdin) {
  ProcessSpec spec = shell("exit 0");
  spec.stdin_data = std::string(1 << 20, 'a');
  auto result = run_child(spec);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().exit_code, 0);
}

TEST(RunChild, AppliesEnvironmentAndWorkingDirectory) {
  ProcessSpec spec = shell("echo \"$BH_TEST_VAR\"; pwd");
  spec.env = {{"BH_TEST_VAR", "hello there"}};
  spec.cwd = "/proc";
  auto result = run_child(spec);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().stdout_text, "hello there\n/proc\n");
}

TEST(RunChild, MergesStderrIntoStdoutWhenAsked) {
  ProcessSpec spec = shell("echo a; echo b >&2; echo c");
  spec.stderr_mode = StderrMode::kMergedIntoStdout;
  auto result = run_child(spec);
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value().stdout_text, "a\nb\nc\n");
  EXPECT_EQ(result.value().stderr_text, "");
}

TEST(RunChild, ReportsASignalDeath) {
  auto result = run_child(shell("kill -TERM $$"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value().signal, SIGTERM);
  EXPECT_EQ(result.value().exit_code, -1);
  EXPECT_FALSE(result.value().timed_out);
}

TEST(RunChild, TicksWhileTheChildRuns) {
  ProcessSpec spec = shell("sleep 0.5");
  spec.tick_interval = milliseconds(100);
  int ticks = 0;
  spec.on_tick = [&] { ++ticks; };
  const auto start = Clock::now();
  ASSERT_TRUE(run_child(spec));
  const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  EXPECT_GE(ticks, 3);
  EXPECT_LE(ticks, elapsed.count() / 100 + 1);
}

TEST(RunChild, DetachesAndLeavesTheChildRunningWhenAsked) {
  const std::string pid_file = ::testing::TempDir() + "/bh-detach-test.pid";
  std::remove(pid_file.c_str());
  ProcessSpec spec = shell("echo $$ > " + pid_file + "; exec sleep 30");
  spec.tick_interval = milliseconds(20);
  spec.detach_when = [&] { return std::ifstream(pid_file).peek() != EOF; };
  const auto start = Clock::now();
  auto result = run_child(spec);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result.value().detached);
  EXPECT_FALSE(result.value().timed_out);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_EQ(::kill(pid, 0), 0) << "the detached child should still run";
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

TEST(RunChild, FailsWhenTheProgramCannotStart) {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/bh-program"};
  auto result = run_child(spec);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "cannot run '/nonexistent/bh-program': No such file or directory");
  spec.argv = {"true"};
  spec.cwd = "/nonexistent-dir";
  auto bad_cwd = run_child(spec);
  ASSERT_FALSE(bad_cwd);
  EXPECT_NE(bad_cwd.error().message.find("/nonexistent-dir"), std::string::npos);
}

}  // namespace
}  // namespace bh::agent
