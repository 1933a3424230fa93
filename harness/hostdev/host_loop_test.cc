// Real host loop devices (the machine's own /dev/loop-control; needs root): attached with
// autoclear, listed as the harness's, and gone once their last user is, even a process
// killed with SIGKILL.
#include "harness/hostdev/host_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "util/temp_dir.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path sparse_file(const TempDir& dir, const std::string& name, std::uintmax_t bytes = 64 << 20) {
  const auto file = dir.path() / name;
  { std::ofstream create(file); }
  fs::resize_file(file, bytes);
  return file;
}

bool listed(const std::string& device) {
  for (const auto& loop : harness_loop_devices()) {
    if (loop.device == device) return true;
  }
  return false;
}

/// Waits up to 5 s for the kernel's autoclear to detach `device`.
bool gone_soon(const std::string& device) {
  for (int i = 0; i < 50; ++i) {
    if (!listed(device)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST(HostLoop, AttachesListsAndClearsItselfWhenClosed) {
  TempDir dir("bh-host-loop");
  std::string device;
  {
    auto loop = HostLoopDevice::attach(sparse_file(dir, "bh-hostloop-test.img"));
    ASSERT_TRUE(loop) << loop.error().message;
    device = loop.value().path();
    EXPECT_THAT(device, HasSubstr("/dev/loop"));
    EXPECT_TRUE(listed(device));
    EXPECT_TRUE(fs::is_block_file(device));
  }
  EXPECT_TRUE(gone_soon(device)) << device << " still attached after its last close";
}

TEST(HostLoop, AKilledHolderLeavesNoLoopDevice) {
  TempDir dir("bh-host-loop");
  const auto file = sparse_file(dir, "bh-hostloop-killed.img");
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    auto loop = HostLoopDevice::attach(file);
    const std::string device = loop ? loop.value().path() : "";
    (void)!::write(pipe_fds[1], device.c_str(), device.size() + 1);
    ::pause();
    _exit(0);
  }
  char buffer[64] = {};
  ASSERT_GT(::read(pipe_fds[0], buffer, sizeof buffer), 1) << "the child could not attach";
  const std::string device = buffer;
  EXPECT_TRUE(listed(device));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(gone_soon(device)) << device << " survived its holder's SIGKILL";
}

TEST(HostLoop, OnlyHarnessNamedFilesAreAccepted) {
  TempDir dir("bh-host-loop");
  auto loop = HostLoopDevice::attach(sparse_file(dir, "someone-elses.img"));
  ASSERT_FALSE(loop);
  EXPECT_THAT(loop.error().message, HasSubstr("bh-hostloop-"));
}

TEST(HostLoop, DetachingAnUnusedDeviceIsImmediate) {
  TempDir dir("bh-host-loop");
  auto loop = HostLoopDevice::attach(sparse_file(dir, "bh-hostloop-detach.img"));
  ASSERT_TRUE(loop) << loop.error().message;
  const auto device = loop.value().path();
  ASSERT_TRUE(detach_loop_device(device));  // still open here: the kernel detaches at the last close
  loop = fail("closed");
  EXPECT_TRUE(gone_soon(device));
}

}  // namespace
}  // namespace bh
