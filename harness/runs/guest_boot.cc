#include "harness/runs/guest_boot.h"

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
  if (session || !is_boot_hang(session.error().message)) return session;
  const auto& message = session.error().message;
  hangs.push_back(message.substr(0, message.find(';')));
  std::error_code ignored;
  fs::rename(session_dir / "console.log", session_dir / "console-hung-boot.log", ignored);
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
