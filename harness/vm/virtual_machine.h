#pragma once
/// One QEMU process running the guest. The process dies with this object (and with the
/// harness, via PR_SET_PDEATHSIG), on every path.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "harness/vm/qemu_command.h"
#include "harness/vm/qmp_client.h"

namespace bh {

/// A running (or finished) QEMU guest.
class VirtualMachine {
 public:
  /// Starts QEMU with `config`; QEMU's own messages go to `qemu_log`.
  static Expected<std::unique_ptr<VirtualMachine>> start(const VmConfig& config, const std::filesystem::path& qemu_log);
  /// Kills QEMU if it still runs and reaps it.
  ~VirtualMachine();
  VirtualMachine(const VirtualMachine&) = delete;
  VirtualMachine& operator=(const VirtualMachine&) = delete;

  int pid() const;
  /// True while QEMU runs.
  bool running();
  /// "exited with status 0", "killed by signal 9", or "running".
  std::string exit_description();
  /// Why the guest can no longer answer, none while it can: QEMU exited ("QEMU exited with
  /// status 1"), or QEMU paused it after an I/O error on a disk image (io_error_pause; asked
  /// over QMP at most once a second, when config().qmp_socket is set).
  std::optional<std::string> gone_reason();
  /// True when QEMU exited with status 0 (a clean guest power-off).
  bool exited_cleanly();
  /// The last `lines` lines of the console log.
  std::string console_tail(std::size_t lines = 30) const;
  /// Waits until `needle` appears in the console log; false on timeout or QEMU exit.
  /// Throws Interrupted on Ctrl-C.
  bool wait_for_console(std::string_view needle, std::chrono::milliseconds timeout);
  /// Waits for QEMU to exit; false on timeout. Throws Interrupted on Ctrl-C.
  bool wait_for_exit(std::chrono::milliseconds timeout);
  /// Kills QEMU at once (SIGKILL): a power cut. No-op if it already exited.
  void kill();
  const VmConfig& config() const { return config_; }

 private:
  struct Process;
  VirtualMachine(VmConfig config, std::unique_ptr<Process> process);
  /// io_error_pause's answer, asked over QMP at most once a second.
  std::optional<std::string> io_error_pause_now();

  VmConfig config_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<QmpClient> qmp_;
  std::chrono::steady_clock::time_point next_qmp_check_{};
};

}  // namespace bh
