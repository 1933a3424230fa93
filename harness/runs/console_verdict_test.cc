#include "harness/runs/console_verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kOops = "[ 9.1] BUG: kernel NULL pointer dereference, address: 0000000000000008";
constexpr const char* kSoftLockup = "[ 48.0] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [fio:812]";

void write(const std::filesystem::path& path, const std::string& text) {
  ASSERT_TRUE(write_file_atomically(path, text));
}

TEST(ReadSessionConsoles, ARetriedBootsConsoleIsScannedButNotTheEmulatorFaultOne) {
  TempDir dir("console-verdict");
  write(dir.path() / "qemu.log", "");
  write(dir.path() / "console.log", "[ 1.0] Linux version 6.1.0\n");
  write(dir.path() / "console-hung-boot.log", std::string(kOops) + "\n");
  write(dir.path() / "console-emulator-fault.log", "[ 1.9] Oops: int3: 0000 [#1] SMP\n");
  const auto verdict = read_session_consoles(dir.path(), GuestSpeed::kEmulated);
  EXPECT_THAT(verdict.findings, ElementsAre(kOops));
  EXPECT_TRUE(verdict.errors.empty());
}

TEST(ReadSessionConsoles, AMissingOrEmptyConsoleIsAnErrorOnlyWhenQemuRan) {
  TempDir dir("console-verdict");
  EXPECT_TRUE(read_session_consoles(dir.path(), GuestSpeed::kEmulated).errors.empty()) << "nothing booted there";
  write(dir.path() / "qemu.log", "");
  auto missing = read_session_consoles(dir.path(), GuestSpeed::kEmulated);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_THAT(missing.errors[0], HasSubstr("the guest's console is missing"));
  EXPECT_THAT(missing.errors[0], HasSubstr("console.log"));
  write(dir.path() / "console.log", "");
  auto empty = read_session_consoles(dir.path(), GuestSpeed::kEmulated);
  ASSERT_EQ(empty.errors.size(), 1u);
  EXPECT_THAT(empty.errors[0], HasSubstr("is empty"));
}

TEST(ReadSessionConsoles, StallsAreFindingsOnHardwareErrorsUnderEmulationAndIgnoredOnARetriedBoot) {
  TempDir dir("console-verdict");
  write(dir.path() / "qemu.log", "");
  write(dir.path() / "console.log", std::string(kSoftLockup) + "\n");
  write(dir.path() / "console-hung-boot.log", "[ 62.1] rcu: INFO: rcu_preempt self-detected stall on CPU\n");
  const auto hardware = read_session_consoles(dir.path(), GuestSpeed::kHardware);
  EXPECT_EQ(hardware.findings.size(), 2u);
  EXPECT_TRUE(hardware.errors.empty());
  const auto emulated = read_session_consoles(dir.path(), GuestSpeed::kEmulated);
  EXPECT_TRUE(emulated.findings.empty());
  ASSERT_EQ(emulated.errors.size(), 1u) << "the retried boot's stall explains its hang";
  EXPECT_THAT(emulated.errors[0], HasSubstr("a soft lockup under emulation"));
  EXPECT_THAT(emulated.errors[0], HasSubstr(kSoftLockup));
  EXPECT_THAT(emulated.errors[0], HasSubstr("rerun under KVM"));
}

}  // namespace
}  // namespace bh
