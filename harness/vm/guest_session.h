#pragma once
/// A booted guest with its agent connected: QEMU started with the right accelerator
/// (falling back from a KVM that cannot boot to TCG), the agent's ready event received and
/// the guest kernel's release checked against the spec.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/vm/accel.h"
#include "harness/vm/guest_agent.h"
#include "harness/vm/guest_channel.h"
#include "harness/vm/virtual_machine.h"
#include "util/temp_dir.h"

namespace bh {

/// What to boot.
struct BootTarget {
  std::filesystem::path kernel_image;
  std::filesystem::path initramfs;
  std::string expected_release;  ///< the guest's uname -r must equal this
  std::vector<VirtioDisk> disks;
};

/// How to boot it.
struct BootOptions {
  AccelRequest accel = AccelRequest::kAuto;
  std::chrono::milliseconds agent_timeout{120000};  ///< QEMU start to agent ready
  std::chrono::milliseconds kvm_probe{4000};        ///< KVM must print the kernel banner by then
  ConsoleMode console = ConsoleMode::kLogFile;
  std::string extra_cmdline;
  int memory_mib = 1024;
  int cpus = 2;
};

/// Facts about the boot, for the run directory.
struct BootReport {
  Accel accel = Accel::kTcg;
  std::string accel_reason;
  std::string guest_release;
  double boot_to_agent_s = 0;  ///< QEMU start (of the attempt that succeeded) to agent ready
  int qemu_pid = 0;
};

/// A running guest; powers off or kills QEMU when destroyed.
class GuestSession {
 public:
  /// Boots `target`; console.log, qemu.log and the control socket live in `run_dir`.
  /// Errors name what was waited for and carry the last 30 console lines.
  static Expected<std::unique_ptr<GuestSession>> boot(const BootTarget& target, const std::filesystem::path& run_dir,
                                                      const BootOptions& options, AccelEnvironment& accel_environment);

  GuestAgent& agent() { return *agent_; }
  VirtualMachine& vm() { return *vm_; }
  const BootReport& report() const { return report_; }

  /// Asks the guest to power off and waits for QEMU to exit with status 0.
  Expected<void> power_off(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  GuestSession() = default;
  Expected<void> start_vm(const BootTarget& target, const std::filesystem::path& run_dir, const BootOptions& options,
                          Accel accel);
  Expected<void> connect_agent(const BootTarget& target, const BootOptions& options);
  /// "; QEMU said: <the last lines of qemu.log>", or "" when it said nothing.
  std::string qemu_said() const;

  std::optional<TempDir> socket_dir_;
  std::filesystem::path socket_path_;
  std::filesystem::path qemu_log_;  ///< QEMU's own messages (why it refused to start)
  std::unique_ptr<VirtualMachine> vm_;
  std::unique_ptr<SocketGuestChannel> channel_;
  std::unique_ptr<GuestAgent> agent_;
  BootReport report_;
  std::chrono::steady_clock::time_point started_;
};

/// "<message>; last N console lines:\n<lines>" for errors about a guest.
std::string with_console_tail(const std::string& message, const VirtualMachine& vm, std::size_t lines = 30);

}  // namespace bh
