#pragma once
/// The "read_files" and "write_file" ops.

#include "base/expected.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// Reads every path of request.paths to EOF: {"files": {path: content},
/// "errors": {path: message}}. A path that cannot be read is an entry in errors, not a
/// failure of the request.
Expected<protocol::Json> handle_read_files(GuestSystem& system, const protocol::Json& request);

/// Writes request.content to request.path with one write(2), adding no newline. A write
/// the kernel refuses fails, naming the path, the value and strerror.
Expected<protocol::Json> handle_write_file(GuestSystem& system, const protocol::Json& request);

}  // namespace bh::agent
