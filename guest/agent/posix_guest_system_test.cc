#include "guest/agent/posix_guest_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace bh::agent {
namespace {

class PosixGuestSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/bh-agent-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PosixGuestSystem system_;
  std::string dir_;
};

TEST_F(PosixGuestSystemTest, WritesExactlyTheContentAndReadsItBack) {
  const std::string path = dir_ + "/knob";
  ASSERT_TRUE(system_.write_file(path, "writearound"));
  ASSERT_TRUE(system_.write_file(path, "64"));  // truncates, adds no newline
  auto content = system_.read_file(path);
  ASSERT_TRUE(content);
  EXPECT_EQ(content.value(), "64");
}

TEST_F(PosixGuestSystemTest, ReadsWhatAPipeHoldsWithoutBlocking) {
  const std::string path = dir_ + "/pipe";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const int writer_keeps_open = ::open(path.c_str(), O_RDWR | O_NONBLOCK);  // a writer that never closes
  ASSERT_GE(writer_keeps_open, 0);
  ASSERT_EQ(::write(writer_keeps_open, "0123456789", 10), 10);
  auto first = system_.read_available(path, 4, 100);  // EAGAIN ends it, not EOF
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first.value(), "0123456789");
  auto again = system_.read_available(path, 4, 100);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value(), "");  // consumed
  ASSERT_EQ(::write(writer_keeps_open, "0123456789", 10), 10);
  auto capped = system_.read_available(path, 4, 5);
  ASSERT_FALSE(capped);
  EXPECT_NE(capped.error().message.find("more than 5 bytes"), std::string::npos);
  ::close(writer_keeps_open);
  EXPECT_FALSE(system_.read_available(dir_ + "/missing", 4, 100));
}

TEST_F(PosixGuestSystemTest, RefusedWriteNamesPathValueAndReason) {
  auto result = system_.write_file("/proc/self/oom_score_adj", "64k");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "write \"64k\" to /proc/self/oom_score_adj: Invalid argument");
}

TEST_F(PosixGuestSystemTest, OpenFailureNamesThePath) {
  auto result = system_.write_file(dir_ + "/no/such/knob", "1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "open " + dir_ + "/no/such/knob for writing: No such file or directory");
  auto missing = system_.read_file(dir_ + "/missing");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find(dir_ + "/missing"), std::string::npos);
}

TEST_F(PosixGuestSystemTest, ReadsProcFilesThatReportSizeZero) {
  auto meminfo = system_.read_file("/proc/meminfo");
  ASSERT_TRUE(meminfo);
  EXPECT_NE(meminfo.value().find("MemTotal:"), std::string::npos);
}

TEST_F(PosixGuestSystemTest, ListsMakesAndRemovesDirectories) {
  ASSERT_TRUE(system_.make_dir(dir_ + "/run"));
  EXPECT_FALSE(system_.make_dir(dir_ + "/run"));
  ASSERT_TRUE(system_.write_file(dir_ + "/run/a.log", "x"));
  ASSERT_TRUE(system_.write_file(dir_ + "/top.txt", "y"));
  auto entries = system_.list_dir(dir_);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries.value().size(), 2u);
  const auto run =
      std::find_if(entries.value().begin(), entries.value().end(), [](const DirEntry& e) { return e.name == "run"; });
  ASSERT_NE(run, entries.value().end());
  EXPECT_FALSE(run->is_regular);
  ASSERT_TRUE(system_.remove_tree(dir_ + "/run"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/run"));
  EXPECT_TRUE(system_.remove_tree(dir_ + "/run"));  // already gone: fine
  EXPECT_FALSE(system_.list_dir(dir_ + "/run"));
}

TEST_F(PosixGuestSystemTest, ReportsUptimeAndKernelRelease) {
  EXPECT_GT(system_.uptime_s(), 0.0);
  EXPECT_FALSE(system_.kernel_release().empty());
  EXPECT_NE(system_.kernel_release(), "unknown");
}

TEST_F(PosixGuestSystemTest, RunsProcesses) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo x; echo y >&2; exit 3"};
  auto result = system_.run_process(spec);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().exit_code, 3);
  EXPECT_EQ(result.value().stdout_text, "x\n");
  EXPECT_EQ(result.value().stderr_text, "y\n");
}

}  // namespace
}  // namespace bh::agent
