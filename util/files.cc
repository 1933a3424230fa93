#include "util/files.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bh {

Expected<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

/// "what PATH: strerror(errno)".
auto errno_failure(const std::string& what, const std::string& path) {
  return fail(what + " " + path + ": " + std::strerror(errno));
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Makes a finished rename durable: fsync of the directory that holds the new name.
void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the data is already durable; only the name may be lost on a crash
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  const auto temp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_failure("cannot create", temp);
  if (!write_all(fd, bytes) || ::fsync(fd) != 0) {
    auto failure = errno_failure("cannot write", temp);  // ENOSPC says the disk is full
    ::close(fd);
    ::unlink(temp.c_str());
    return failure;
  }
  if (::close(fd) != 0) {
    auto failure = errno_failure("cannot write", temp);
    ::unlink(temp.c_str());
    return failure;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto failure = errno_failure("cannot rename " + temp + " to", path.string());
    ::unlink(temp.c_str());
    return failure;
  }
  sync_directory(path.parent_path());
  return outcome::success();
}

Expected<std::uint64_t> free_bytes(const std::filesystem::path& path) {
  struct statvfs stats {};
  if (::statvfs(path.c_str(), &stats) != 0) return errno_failure("cannot read the free space of", path.string());
  return static_cast<std::uint64_t>(stats.f_bavail) * stats.f_frsize;
}

std::filesystem::path cache_root() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "bcache-harness";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "bcache-harness";
}

}  // namespace bh
