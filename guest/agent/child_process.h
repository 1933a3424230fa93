#pragma once
/// Running one child process with POSIX calls: argv only, stdout and stderr drained together
/// with poll() (no deadlock however much either produces), a deadline enforced with SIGKILL
/// on the child's whole process group, and periodic ticks while it runs.

#include "base/expected.h"
#include "guest/agent/guest_system.h"

namespace bh::agent {

/// Runs `spec` to completion (or its deadline) and reaps the child with waitpid.
/// Fails only when the program cannot be started (message: "cannot run 'prog': reason").
/// Ignores SIGPIPE in the calling process (a child that closes its stdin early must not
/// kill the agent); the child gets the default disposition back.
/// A child that survives SIGKILL for 5 s (stuck in uninterruptible sleep) is left behind
/// with a note appended to stderr_text.
Expected<ProcessOutcome> run_child(const ProcessSpec& spec);

}  // namespace bh::agent
