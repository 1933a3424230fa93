#pragma once
/// The one way every command boots a guest: a boot that hangs is tried once more.
///
/// A guest that stalls in early boot under TCG (seen once in ~100 boots: no console output
/// after "clocksource: Switched to clocksource hpet") gets one more try; the hang stays on
/// record, with its console log, so a kernel that always hangs is still an error. So does a
/// boot the emulator broke (harness/vm/console_findings.h emulator_fault: a stale int3
/// under multi-threaded TCG, seen in about 1 of 100 Debian 6.12 boots).

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/vm/guest_session.h"

namespace bh {

/// Whether a boot error says the guest hung: the agent's deadline passed with QEMU still
/// running (as opposed to QEMU exiting or being killed, a kernel that panicked, or a
/// release mismatch).
bool is_boot_hang(const std::string& boot_error);

/// One attempt at booting a guest.
using BootAttempt = std::function<Expected<std::unique_ptr<GuestSession>>()>;

/// Runs `attempt`; when it fails with a hang (is_boot_hang), keeps the hung boot's
/// session_dir/console.log as console-hung-boot.log, records the error's first clause in
/// `hangs` and runs `attempt` once more; when its console shows an emulator fault, keeps it
/// as console-emulator-fault.log, records "emulator fault in boot: ..." and tries once more.
/// Returns the last attempt's result.
Expected<std::unique_ptr<GuestSession>> boot_with_retry(const BootAttempt& attempt,
                                                        const std::filesystem::path& session_dir,
                                                        std::vector<std::string>& hangs);

/// boot_with_retry of GuestSession::boot(target, session_dir, options, accel); creates
/// session_dir first.
Expected<std::unique_ptr<GuestSession>> boot_guest(const BootTarget& target, const std::filesystem::path& session_dir,
                                                   const BootOptions& options, AccelEnvironment& accel,
                                                   std::vector<std::string>& hangs);

}  // namespace bh
