#include "harness/kernel/work_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;

TEST(WorkDir, NamedAfterItsProcessAndRemovedAtScopeEnd) {
  TempDir cache("work-dir-test");
  fs::path seen;
  {
    const WorkDir partial(cache.path() / "6.1.0-56-amd64", WorkPurpose::kPartial);
    seen = partial.path();
    EXPECT_EQ(seen.filename(), "6.1.0-56-amd64.partial-" + std::to_string(::getpid()));
    ASSERT_TRUE(write_file_atomically(seen / "boot/vmlinuz", "x"));
  }
  EXPECT_FALSE(fs::exists(seen));
}

TEST(WorkDir, OnlyDeadProcessesLeftoversAreRemoved) {
  TempDir cache("work-dir-test");
  const auto own = std::to_string(::getpid());
  const std::string dead = "2147483647";  // above any pid_max
  for (const auto& name :
       {"6.1.0-56-amd64.partial-" + dead, "6.1.0-56-amd64.download-" + dead, "6.1.0-56-amd64.partial-" + own,
        std::string("6.18.0-rc1-00123"), std::string("6.1.0-56-amd64"), std::string("deb-0123456789abcdef"),
        "6.1.0-56-amd64.other-" + dead}) {
    fs::create_directories(cache.path() / name);
  }
  remove_dead_work_dirs(cache.path());
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(cache.path())) {
    left.push_back(entry.path().filename().string());
  }
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left,
            (std::vector<std::string>{"6.1.0-56-amd64", "6.1.0-56-amd64.other-" + dead, "6.1.0-56-amd64.partial-" + own,
                                      "6.18.0-rc1-00123", "deb-0123456789abcdef"}));
}

}  // namespace
}  // namespace bh
