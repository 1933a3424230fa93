#include "guest/agent/control_port.h"

#include <gtest/gtest.h>

#include "guest/agent/fake_guest_system.h"

namespace bh::agent {
namespace {

using std::chrono::milliseconds;

constexpr const char* kDir = "/sys/class/virtio-ports";

TEST(FindControlPort, FindsThePortByItsName) {
  FakeGuestSystem system;
  system.dirs = {kDir, "/sys/class/virtio-ports/vport0p1", "/sys/class/virtio-ports/vport0p2"};
  system.files["/sys/class/virtio-ports/vport0p1/name"] = "org.qemu.guest_agent.0\n";
  system.files["/sys/class/virtio-ports/vport0p2/name"] = "bh.ctl\n";
  auto port = find_control_port(system, milliseconds(10000));
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_EQ(port.value(), "/dev/vport0p2");
  EXPECT_EQ(system.sleeps, 0);
}

TEST(FindControlPort, GivesUpAfterTheWaitNamingWhatItLookedFor) {
  FakeGuestSystem system;
  auto port = find_control_port(system, milliseconds(1000));
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().message, "no virtio-serial port named 'bh.ctl' in /sys/class/virtio-ports after 1000 ms");
  EXPECT_EQ(system.sleeps, 10);
}

/// Makes the port appear after a few looks, as when the driver is still loading.
class LateDriverSystem : public FakeGuestSystem {
 public:
  void sleep_for(milliseconds duration) override {
    FakeGuestSystem::sleep_for(duration);
    if (sleeps == 3) {
      dirs = {kDir, "/sys/class/virtio-ports/vport1p1"};
      files["/sys/class/virtio-ports/vport1p1/name"] = "bh.ctl";
    }
  }
};

TEST(FindControlPort, RetriesWhileThePortIsMissing) {
  LateDriverSystem system;
  auto port = find_control_port(system, milliseconds(10000));
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_EQ(port.value(), "/dev/vport1p1");
  EXPECT_EQ(system.sleeps, 3);
}

}  // namespace
}  // namespace bh::agent
