#pragma once
/// Kernel trouble on the guest console: oopses, BUGs, WARNINGs, panics, UBSAN and KASAN
/// reports, stalls and lockups, bcache's own error lines. A finding makes a run FAIL (a
/// finding about the kernel), whatever the data says; a stall under emulation is the one
/// exception (see ConsoleFinding::stall).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bh {

/// One console line that reports kernel trouble.
struct ConsoleFinding {
  /// "oops", "BUG", "WARNING", "panic", "UBSAN", "KASAN", "RCU stall", "soft lockup",
  /// "hard lockup", "hung task" or "bcache error".
  std::string kind;
  std::string line;  ///< the console line, trimmed
  /// A stall, lockup or hung task: the kernel saw a CPU or task make no progress for too
  /// long. Under KVM that is the kernel's; under TCG a host that starves the emulator's
  /// threads trips the same detectors, so the harness cannot tell (console_verdict.h).
  bool stall = false;
};

/// Every line of `console` that reports kernel trouble, in order.
std::vector<ConsoleFinding> scan_console(std::string_view console);

/// When `console` shows the emulator, not the kernel, at fault: a breakpoint trap ("Oops:
/// int3") at an address whose byte, as the oops's "Code:" line shows it, is no longer a
/// breakpoint (0xcc). The kernel patches its code live (static keys, alternatives, trace
/// events) by writing int3 over an instruction, then the new bytes, and handles any CPU that
/// hits the int3 meanwhile; a CPU can only trap on the int3 after it is gone if it runs a
/// stale copy of the code, which multi-threaded TCG does (QEMU 7.2, Debian 6.12 guests,
/// seen at "sched_clock: Marking stable" in boot and when events are enabled). Returns what
/// happened, naming the oops line and the byte; none otherwise.
std::optional<std::string> emulator_fault(std::string_view console);

}  // namespace bh
