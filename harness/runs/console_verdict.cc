#include "harness/runs/console_verdict.h"

#include <array>

#include "harness/vm/console_findings.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

/// Consoles of boots retried after a hang or a failed KVM probe: the same kernel, so its
/// findings count.
constexpr std::array kRetriedConsoles = {"console-hung-boot.log", "console-kvm-probe.log"};

/// How a console's emulated stalls count: as errors (the run's own console), or not at all
/// (a retried boot's: the stall explains the hang the retry got past).
enum class EmulatedStalls { kError, kRetried };

void add_findings(ConsoleVerdict& verdict, const std::string& console, const fs::path& path, GuestSpeed speed,
                  EmulatedStalls stalls) {
  for (const auto& finding : scan_console(console)) {
    if (finding.stall && speed == GuestSpeed::kEmulated) {
      if (stalls == EmulatedStalls::kRetried) continue;
      verdict.errors.push_back("a " + finding.kind + " under emulation (" + path.string() + ": " + finding.line +
                               "): a starved emulator trips the same detector as a stuck kernel; rerun under KVM to "
                               "tell");
    } else {
      verdict.findings.push_back(finding.line);
    }
  }
}

}  // namespace

GuestSpeed guest_speed(const std::optional<std::string>& accel) {
  return accel == "kvm" ? GuestSpeed::kHardware : GuestSpeed::kEmulated;
}

ConsoleVerdict read_session_consoles(const fs::path& session_dir, GuestSpeed speed) {
  ConsoleVerdict verdict;
  for (const char* name : kRetriedConsoles) {
    const auto path = session_dir / name;
    if (!fs::exists(path)) continue;
    if (auto console = read_file(path)) add_findings(verdict, console.value(), path, speed, EmulatedStalls::kRetried);
  }
  const auto path = session_dir / "console.log";
  const bool qemu_started = fs::exists(session_dir / "qemu.log");
  auto console = read_file(path);
  if (!console) {
    if (qemu_started)
      verdict.errors.push_back("the guest's console is missing (" + console.error().message +
                               "): the kernel's health is unknown");
    return verdict;
  }
  if (console.value().empty() && qemu_started)
    verdict.errors.push_back("the guest's console " + path.string() + " is empty: the kernel's health is unknown");
  add_findings(verdict, console.value(), path, speed, EmulatedStalls::kError);
  return verdict;
}

}  // namespace bh
