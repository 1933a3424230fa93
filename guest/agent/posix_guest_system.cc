#include "guest/agent/posix_guest_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "guest/agent/child_process.h"
#include "guest/agent/proc_parsers.h"
#include "guest/agent/read_blocks_op.h"
#include "guest/agent/unique_fd.h"

namespace bh::agent {
namespace {

std::string errno_text() { return std::strerror(errno); }

/// Opens for writing like the shell's '>' but keeps ENOENT (not EACCES) for a mistyped
/// sysfs path: existing files are truncated, missing ones created.
int open_for_write(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT) return fd;
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) errno = ENOENT;
  return fd;
}

}  // namespace

Expected<ProcessOutcome> PosixGuestSystem::run_process(const ProcessSpec& spec) { return run_child(spec); }

Expected<std::string> PosixGuestSystem::read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail("open " + path + ": " + errno_text());
  std::string content;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got == 0) return content;
    if (got > 0)
      content.append(buffer, static_cast<std::size_t>(got));
    else if (errno != EINTR)
      return fail("read " + path + ": " + errno_text());
  }
}

Expected<std::string> PosixGuestSystem::read_direct(const std::string& path, std::uint64_t offset,
                                                    std::uint64_t length) {
  return read_direct_posix(path, offset, length);
}

namespace {

/// One write(2) of `content` to `fd`, then close; errors begin with `what`.
Expected<void> write_once(UniqueFd fd, std::string_view content, const std::string& what) {
  ssize_t put;
  do {
    put = ::write(fd.get(), content.data(), content.size());
  } while (put < 0 && errno == EINTR);
  if (put < 0) return fail(what + errno_text());
  if (static_cast<std::size_t>(put) != content.size()) {
    return fail(what + "short write (" + std::to_string(put) + " of " + std::to_string(content.size()) + " bytes)");
  }
  if (::close(fd.release()) != 0) return fail(what + errno_text());
  return outcome::success();
}

}  // namespace

Expected<void> PosixGuestSystem::write_file(const std::string& path, std::string_view content) {
  UniqueFd fd(open_for_write(path));
  if (!fd.valid()) return fail("open " + path + " for writing: " + errno_text());
  return write_once(std::move(fd), content, "write \"" + std::string(content) + "\" to " + path + ": ");
}

Expected<void> PosixGuestSystem::append_file(const std::string& path, std::string_view content) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd.valid()) return fail("open " + path + " for appending: " + errno_text());
  return write_once(std::move(fd), content, "append \"" + std::string(content) + "\" to " + path + ": ");
}

Expected<std::string> PosixGuestSystem::read_available(const std::string& path, std::size_t chunk,
                                                       std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return fail("open " + path + ": " + errno_text());
  std::string content;
  std::string buffer(std::max<std::size_t>(chunk, 1), '\0');
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got == 0 || (got < 0 && errno == EAGAIN)) return content;
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail("read " + path + ": " + errno_text());
    content.append(buffer.data(), static_cast<std::size_t>(got));
    if (content.size() > max_bytes) {
      return fail(path + " holds more than " + std::to_string(max_bytes) + " bytes");
    }
  }
}

Expected<std::vector<DirEntry>> PosixGuestSystem::list_dir(const std::string& path) {
  std::error_code error;
  std::vector<DirEntry> entries;
  for (std::filesystem::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    entries.push_back({it->path().filename().string(), it->is_regular_file(error)});
  }
  if (error) return fail("list " + path + ": " + error.message());
  return entries;
}

Expected<void> PosixGuestSystem::make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) return fail("mkdir " + path + ": " + errno_text());
  return outcome::success();
}

Expected<void> PosixGuestSystem::remove_tree(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) return fail("remove " + path + ": " + error.message());
  return outcome::success();
}

double PosixGuestSystem::uptime_s() {
  if (auto text = read_file("/proc/uptime")) {
    if (auto seconds = parse_uptime(text.value())) return seconds.value();
  }
  timespec now{};
  ::clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::string PosixGuestSystem::kernel_release() {
  utsname names{};
  if (::uname(&names) != 0) return "unknown";
  return names.release;
}

void PosixGuestSystem::sleep_for(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

void PosixGuestSystem::power_off() {
  ::sync();
  if (power_off_mode_ == PowerOffMode::kExitOnly) std::exit(0);
  ::reboot(RB_POWER_OFF);
  std::fprintf(stderr, "bh-agent: reboot(RB_POWER_OFF): %s\n", errno_text().c_str());
  std::exit(1);
}

}  // namespace bh::agent
