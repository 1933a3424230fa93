#pragma once
/// Connecting to a unix stream socket (QEMU's control and QMP sockets).

#include <filesystem>

namespace bh {

/// How connect_unix_socket's socket behaves.
enum class SocketMode { kBlocking, kNonBlocking };

/// A unix stream socket connected to `path` (close-on-exec), or -1 with errno set
/// (ENAMETOOLONG for a path longer than sun_path). kNonBlocking fails at once (EAGAIN)
/// where a blocking connect would wait for a listener that stopped accepting.
int connect_unix_socket(const std::filesystem::path& path, SocketMode mode);

}  // namespace bh
