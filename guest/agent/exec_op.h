#pragma once
/// The "exec" op: run one program from an argument vector and return what it left.

#include "base/expected.h"
#include "guest/agent/guest_system.h"
#include "protocol/protocol.h"

namespace bh::agent {

/// Timeout of an exec or fio request that carries no timeout_ms.
inline constexpr std::chrono::milliseconds kDefaultTimeout{60000};

/// Runs request.argv (env, stdin, timeout_ms optional) and returns exit_code, signal,
/// timed_out, stdout, stderr, truncated. Fails on bad fields or a program that cannot start.
Expected<protocol::Json> handle_exec(GuestSystem& system, const protocol::Json& request);

}  // namespace bh::agent
