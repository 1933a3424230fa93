#pragma once
/// The "read_blocks" op: raw bytes of a block device (or file) as the block layer returns
/// them, bypassing the guest's page cache, for the host's stale-block classification.

#include <cstdint>
#include <string>

#include "base/expected.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// Reads request.length bytes of request.path from request.offset (both multiples of
/// 4096, length at most 64 MiB) with GuestSystem::read_direct: {"data_base64": ...}.
/// Bad fields and failed reads fail, naming the field or the path and offset.
Expected<protocol::Json> handle_read_blocks(GuestSystem& system, const protocol::Json& request);

/// Exactly `length` bytes of `path` from `offset`, opened O_RDONLY|O_DIRECT and read with
/// pread into a 4096-aligned buffer. Falls back to a buffered read only when O_DIRECT is
/// refused with EINVAL and `path` is not a block device. Short reads and errors fail,
/// naming the path and the offset.
Expected<std::string> read_direct_posix(const std::string& path, std::uint64_t offset, std::uint64_t length);

}  // namespace bh::agent
