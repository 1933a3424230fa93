#include "util/unix_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bh {

int connect_unix_socket(const std::filesystem::path& path, SocketMode mode) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const int flags = SOCK_STREAM | SOCK_CLOEXEC | (mode == SocketMode::kNonBlocking ? SOCK_NONBLOCK : 0);
  const int fd = ::socket(AF_UNIX, flags, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return fd;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

}  // namespace bh
