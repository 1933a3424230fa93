#pragma once
/// The agent's main loop on the control port: read request lines, answer each in order.

#include <string_view>

#include "base/expected.h"
#include "guest/agent/agent.h"
#include "guest/agent/guest_system.h"

namespace bh::agent {

/// What to do when the channel reports end of input.
enum class Hangup {
  kWaitForHost,  ///< a virtio port reads EOF while no host is connected: wait and retry
  kStop,         ///< return (pipes and sockets in tests)
};

/// Writes all of `bytes`, retrying partial writes and EINTR. The error names the errno.
Expected<void> write_all(int fd, std::string_view bytes);

/// The two directions of the control channel (the same fd for a virtio port).
struct Channel {
  int in_fd;
  int out_fd;
};

/// Sends the ready event, then answers every request line read from the channel with one
/// response line, in order. After answering poweroff it calls system.power_off() and
/// returns. With Hangup::kStop it also returns at end of input. Fails when the channel fails.
Expected<void> serve(Channel channel, Agent& agent, GuestSystem& system, Hangup on_hangup);

}  // namespace bh::agent
