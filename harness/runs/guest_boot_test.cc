#include "harness/runs/guest_boot.h"

#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

TEST(IsBootHang, OnlyAnAgentDeadlineWithQemuStillRunning) {
  EXPECT_TRUE(is_boot_hang(
      "guest agent not ready (timed out waiting for the guest agent's ready event (120 s); QEMU running); last 30 "
      "console lines"));
  EXPECT_FALSE(is_boot_hang("guest agent not ready (QEMU exited; QEMU exited with status 0); last 30 console lines"))
      << "a guest that rebooted or panicked did not hang";
  EXPECT_FALSE(is_boot_hang("the guest runs kernel '6.12' but the spec resolved to '6.1'"));
  EXPECT_FALSE(is_boot_hang(
      "guest agent not ready (control channel closed while waiting for the guest agent's ready event; QEMU running)"))
      << "QEMU killed from outside, seen before it was reaped";
}

constexpr const char* kHang =
    "guest agent not ready (timed out waiting for the guest agent's ready event (120 s); QEMU running)";

TEST(BootWithRetry, AHungBootIsTriedOnceMoreWithItsConsoleKept) {
  TempDir dir("boot-retry-test");
  int attempts = 0;
  std::vector<std::string> hangs;
  auto session = boot_with_retry(
      [&]() -> Expected<std::unique_ptr<GuestSession>> {
        ++attempts;
        (void)write_file_atomically(dir.path() / "console.log", "boot " + std::to_string(attempts));
        return fail(kHang);
      },
      dir.path(), hangs);
  ASSERT_FALSE(session);
  EXPECT_EQ(attempts, 2) << "one retry, never more";
  ASSERT_EQ(hangs.size(), 1u);
  EXPECT_EQ(hangs[0], "guest agent not ready (timed out waiting for the guest agent's ready event (120 s)");
  EXPECT_EQ(read_file(dir.path() / "console-hung-boot.log").value(), "boot 1");
  EXPECT_EQ(read_file(dir.path() / "console.log").value(), "boot 2");
}

TEST(BootWithRetry, ABootTheEmulatorBrokeIsTriedOnceMoreWithItsConsoleKept) {
  TempDir dir("boot-retry-test");
  const auto stale_int3 =
      read_file(std::string(BH_SOURCE_DIR) + "/harness/vm/testdata/console-6.12-tcg-stale-int3.log");
  ASSERT_TRUE(stale_int3);
  int attempts = 0;
  std::vector<std::string> retries;
  auto session = boot_with_retry(
      [&]() -> Expected<std::unique_ptr<GuestSession>> {
        ++attempts;
        (void)write_file_atomically(dir.path() / "console.log", stale_int3.value());
        return fail("guest agent not ready (control channel closed while waiting for the guest agent's ready event)");
      },
      dir.path(), retries);
  ASSERT_FALSE(session);
  EXPECT_EQ(attempts, 2) << "one retry, never more";
  ASSERT_EQ(retries.size(), 1u);
  EXPECT_EQ(retries[0].rfind("emulator fault in boot: the emulator trapped on a breakpoint", 0), 0u) << retries[0];
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "console-emulator-fault.log"));
}

TEST(BootWithRetry, OtherFailuresAreNotRetried) {
  TempDir dir("boot-retry-test");
  int attempts = 0;
  std::vector<std::string> hangs;
  auto session = boot_with_retry(
      [&]() -> Expected<std::unique_ptr<GuestSession>> {
        ++attempts;
        return fail("guest agent not ready (QEMU exited; QEMU exited with status 0)");
      },
      dir.path(), hangs);
  ASSERT_FALSE(session);
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(hangs.empty());
}

}  // namespace
}  // namespace bh
