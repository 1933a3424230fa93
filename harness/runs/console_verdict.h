#pragma once
/// What the consoles of one guest session (a run directory, or a cut's before/ and after/)
/// say for the verdict: the kernel's findings, which make a run FAIL, apart from what is not
/// the kernel's to answer for, which makes it an ERROR.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bh {

/// The consoles' part of a verdict.
struct ConsoleVerdict {
  /// Console lines that are findings about the kernel (scan_console), in file order: the
  /// run's "console_findings".
  std::vector<std::string> findings;
  /// What is not the kernel's: a console that QEMU was started for but that is missing,
  /// unreadable or empty (the kernel's health is then unknown), and stalls seen under
  /// emulation, each with its line.
  std::vector<std::string> errors;
};

/// How the session's guest ran. Under emulation (TCG, or an accelerator never learnt) a
/// stall or lockup is an error, not a finding: a starved emulator thread trips the same
/// detectors as a stuck kernel.
enum class GuestSpeed { kHardware, kEmulated };

/// How the guest that `accel` names ran: on hardware for "kvm", else emulated (also when
/// the accelerator was never learnt).
GuestSpeed guest_speed(const std::optional<std::string>& accel);

/// Scans every console in `session_dir`: console.log, and those of boots that were retried
/// (console-hung-boot.log, console-kvm-probe.log). The console of a boot the emulator broke
/// (console-emulator-fault.log) is not the kernel's and was retried; it is left out, as are
/// emulated stalls on a retried console (they explain the hang the retry got past).
/// console.log must exist and hold something whenever QEMU was started there (qemu.log).
ConsoleVerdict read_session_consoles(const std::filesystem::path& session_dir, GuestSpeed speed);

}  // namespace bh
