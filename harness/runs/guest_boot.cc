#include "harness/runs/guest_boot.h"

#include "harness/vm/console_findings.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

bool is_boot_hang(const std::string& boot_error) {
  // QEMU killed from outside can still read as "running" when the channel's end is seen
  // before the process is reaped; only a deadline that passed is a hang.
  return boot_error.find("guest agent not ready (timed out waiting") != std::string::npos &&
         boot_error.find("QEMU running") != std::string::npos;
}

Expected<std::unique_ptr<GuestSession>> boot_with_retry(const BootAttempt& attempt, const fs::path& session_dir,
                                                        std::vector<std::string>& hangs) {
  auto session = attempt();
  if (session) return session;
  const auto& message = session.error().message;
  std::error_code ignored;
  if (is_boot_hang(message)) {
    hangs.push_back(message.substr(0, message.find(';')));
    fs::rename(session_dir / "console.log", session_dir / "console-hung-boot.log", ignored);
    return attempt();
  }
  const auto console = read_file(session_dir / "console.log");
  const auto fault = console ? emulator_fault(console.value()) : std::nullopt;
  if (!fault) return session;
  hangs.push_back("emulator fault in boot: " + *fault);
  fs::rename(session_dir / "console.log", session_dir / "console-emulator-fault.log", ignored);
  return attempt();
}

Expected<std::unique_ptr<GuestSession>> boot_guest(const BootTarget& target, const fs::path& session_dir,
                                                   const BootOptions& options, AccelEnvironment& accel,
                                                   std::vector<std::string>& hangs) {
  std::error_code ignored;
  fs::create_directories(session_dir, ignored);
  return boot_with_retry([&] { return GuestSession::boot(target, session_dir, options, accel); }, session_dir, hangs);
}

}  // namespace bh
