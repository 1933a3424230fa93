#pragma once
/// Host loop devices the harness makes over sparse files in a run directory, to hand to a
/// guest as if they were real disks. Each is configured with LO_FLAGS_AUTOCLEAR, so the
/// kernel detaches it when its last user closes it: the harness holds it open for the run,
/// QEMU opens it too, and when both are gone (even a harness killed with SIGKILL, whose QEMU
/// dies with it) no loop device is left. Direct I/O is asked for and read back.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh {

/// The file names of the harness's loop backing files start with this; `doctor` recognises
/// the harness's loop devices by it and touches no other.
inline constexpr std::string_view kHostLoopPrefix = "bh-hostloop-";

/// One attached loop device, held open until destruction.
class HostLoopDevice {
 public:
  /// Attaches a free loop device over `file` (which must exist and whose name starts with
  /// kHostLoopPrefix) with autoclear and, where the host allows it, direct I/O.
  static Expected<HostLoopDevice> attach(const std::filesystem::path& file);

  HostLoopDevice(HostLoopDevice&& other) noexcept;
  HostLoopDevice& operator=(HostLoopDevice&& other) noexcept;
  HostLoopDevice(const HostLoopDevice&) = delete;
  HostLoopDevice& operator=(const HostLoopDevice&) = delete;
  /// Closes the device; the kernel detaches it once no one else has it open.
  ~HostLoopDevice();

  /// "/dev/loopN".
  const std::string& path() const { return path_; }
  /// Whether the kernel reads and writes the backing file with direct I/O.
  bool direct_io() const { return direct_io_; }

 private:
  HostLoopDevice(std::string path, int fd, bool direct_io) : path_(std::move(path)), fd_(fd), direct_io_(direct_io) {}

  std::string path_;
  int fd_ = -1;
  bool direct_io_ = false;
};

/// A loop device of this host whose backing file is the harness's (kHostLoopPrefix).
struct HarnessLoop {
  std::string device;  ///< "/dev/loopN"
  std::string backing_file;
};

/// The harness's loop devices still attached, from `sys_block` (/sys/block).
std::vector<HarnessLoop> harness_loop_devices(const std::filesystem::path& sys_block = "/sys/block");

/// Detaches `device` (LOOP_CLR_FD): at once when unused, else when its last user closes it.
Expected<void> detach_loop_device(const std::string& device);

}  // namespace bh
