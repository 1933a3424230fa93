// Guest platform tests (ctest label `vm`): real kernels booted under TCG.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/fio_json.h"
#include "tests/vm_test_support.h"
#include "util/files.h"

namespace bh::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string smoke_job() { return read_file(std::string(BH_SOURCE_DIR) + "/jobs/smoke-randread.fio").value(); }

/// Provisioned with the requested mode and cutoff, a 5 s random-read job through
/// /dev/bcache0 completes I/O, and the guest powers off cleanly.
void check_full_cycle(const std::string& spec, DeviceKind devices) {
  auto guest = boot_provisioned(spec, writethrough_64k_cutoff(devices));
  ASSERT_TRUE(guest) << guest.error().message;
  auto& agent = guest.value().session->agent();
  EXPECT_EQ(guest.value().session->report().guest_release, prepared(spec).value().kernel.release);
  auto is_block = agent.exec({"test", "-b", "/dev/bcache0"});
  ASSERT_TRUE(is_block);
  EXPECT_EQ(is_block.value().exit_code, 0) << "/dev/bcache0 is not a block device";
  auto mode = agent.read_file("/sys/block/bcache0/bcache/cache_mode");
  ASSERT_TRUE(mode);
  EXPECT_THAT(mode.value(), HasSubstr("[writethrough]"));
  auto cutoff = agent.read_file("/sys/block/bcache0/bcache/sequential_cutoff");
  ASSERT_TRUE(cutoff);
  EXPECT_EQ(cutoff.value(), "64.0k\n");

  auto fio = agent.fio(smoke_job(), {}, {{"BH_DEV", "/dev/bcache0"}}, 120s);
  ASSERT_TRUE(fio) << fio.error().message;
  ASSERT_EQ(fio.value().exit_code, 0) << fio.value().stderr_text;
  auto report = analysis::parse_fio_json(fio.value().json_output);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_GT(report.value().jobs.at(0).read.total_ios, 1000u);
  EXPECT_EQ(report.value().jobs.at(0).error, 0);

  auto off = guest.value().session->power_off();
  EXPECT_TRUE(off) << off.error().message;
  EXPECT_TRUE(guest.value().session->vm().exited_cleanly());
}

TEST(GuestPlatform, StockKernelOverVirtioDisks) { check_full_cycle("debian:stock", DeviceKind::kVirtio); }

TEST(GuestPlatform, StockKernelOverGuestLoopDevices) { check_full_cycle("debian:stock", DeviceKind::kLoop); }

TEST(GuestPlatform, BackportKernelBootsAndProvisions) {
  auto settings = writethrough_64k_cutoff(DeviceKind::kVirtio);
  settings.cache_mode = CacheMode::kWritearound;
  settings.delay_write_ms = 50;
  auto guest = boot_provisioned(kBackportSpec, settings);
  ASSERT_TRUE(guest) << guest.error().message;
  EXPECT_EQ(guest.value().session->report().guest_release, "6.12.107+deb12-amd64");
  EXPECT_EQ(guest.value().bcache.readback.at("cache_mode"), "writethrough writeback [writearound] none");
  EXPECT_EQ(guest.value().bcache.backing_top, "/dev/mapper/bh-delay");
  auto off = guest.value().session->power_off();
  EXPECT_TRUE(off) << off.error().message;
}

}  // namespace
}  // namespace bh::testing
