#pragma once
/// The "read_files", "write_file", "write_files" and "read_pipes" ops.

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

/// Makes request.make_dirs (optional, each must not exist yet), then writes request.writes
/// ([{path, content, append?}], non-empty) in order, each as handle_write_file does, or at
/// the end of the existing file when append is true; stops at the first write the kernel
/// refuses, failing with "write N of M: " and that write's error (the writes before it stay
/// done). With request.keep_going true every write is tried and the answer lists the
/// refused ones: {"errors": [{"index", "error"}]}.
Expected<protocol::Json> handle_write_files(GuestSystem& system, const protocol::Json& request);

/// Reads every path of request.paths with GuestSystem::read_available (request.chunk_bytes,
/// default 4096; request.max_bytes per path, default 256 MiB): {"data_base64": {path:
/// base64}}; with request.compression "lz4", each path's bytes as one LZ4 block instead:
/// {"compression": "lz4", "data_lz4_base64": {path: base64}, "raw_bytes": {path: size}}.
/// A path that cannot be read fails the request, naming it.
Expected<protocol::Json> handle_read_pipes(GuestSystem& system, const protocol::Json& request);

}  // namespace bh::agent
