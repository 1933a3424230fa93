#pragma once
/// The real GuestSystem: POSIX calls on the running (guest) kernel.

#include "guest/agent/guest_system.h"

namespace bh::agent {

/// What power_off does.
enum class PowerOffMode {
  kReal,      ///< sync and power the machine off (in the guest)
  kExitOnly,  ///< just exit the agent with 0 (trying the agent out on a host)
};

/// GuestSystem on the machine the agent runs on.
class PosixGuestSystem : public GuestSystem {
 public:
  explicit PosixGuestSystem(PowerOffMode power_off_mode = PowerOffMode::kReal) : power_off_mode_(power_off_mode) {}

  Expected<ProcessOutcome> run_process(const ProcessSpec& spec) override;
  Expected<std::string> read_file(const std::string& path) override;
  /// O_DIRECT pread into an aligned buffer; where O_DIRECT is refused (EINVAL, e.g. tmpfs)
  /// and the path is not a block device, falls back to a normal read.
  Expected<std::string> read_direct(const std::string& path, std::uint64_t offset, std::uint64_t length) override;
  Expected<void> write_file(const std::string& path, std::string_view content) override;
  Expected<void> append_file(const std::string& path, std::string_view content) override;
  Expected<std::string> read_available(const std::string& path, std::size_t chunk, std::size_t max_bytes) override;
  Expected<std::vector<DirEntry>> list_dir(const std::string& path) override;
  Expected<void> make_dir(const std::string& path) override;
  Expected<void> remove_tree(const std::string& path) override;
  double uptime_s() override;
  std::string kernel_release() override;
  void sleep_for(std::chrono::milliseconds duration) override;
  /// sync(), then reboot(RB_POWER_OFF); if the kernel refuses, exits the agent with 1.
  /// With PowerOffMode::kExitOnly, syncs and exits the agent with 0.
  [[noreturn]] void power_off() override;

 private:
  PowerOffMode power_off_mode_;
};

}  // namespace bh::agent
