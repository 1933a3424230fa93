#pragma once
/// The host's end of the control channel to the guest agent (see protocol/protocol.h).

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "protocol/protocol.h"

namespace bh {

/// Sends one request and returns its successful response; faked in unit tests.
class GuestChannel {
 public:
  virtual ~GuestChannel() = default;
  /// Sends {"op": op, "timeout_ms": timeout, ...fields} and waits (timeout plus a margin)
  /// for the response with the same id. A response with ok=false is an error carrying the
  /// guest's message.
  virtual Expected<protocol::Json> call(std::string_view op, protocol::Json fields,
                                        std::chrono::milliseconds timeout) = 0;
};

/// The control channel over QEMU's unix socket.
class SocketGuestChannel : public GuestChannel {
 public:
  /// Why the other end (QEMU) can no longer answer ("QEMU exited with status 1"), none while
  /// it can; checked while waiting.
  using GoneCheck = std::function<std::optional<std::string>()>;

  /// Connects to `socket` (QEMU creates it shortly after starting), retrying until
  /// `timeout`. A message longer than `max_line_bytes` is an error (see kMaxLineBytes).
  static Expected<std::unique_ptr<SocketGuestChannel>> connect(const std::filesystem::path& socket,
                                                               std::chrono::milliseconds timeout, GoneCheck gone,
                                                               std::size_t max_line_bytes = protocol::kMaxLineBytes);
  ~SocketGuestChannel() override;

  /// Waits for the agent to announce itself (ready event, or the answer to a hello sent on
  /// connect); returns the announcement (uname_r, uptime_s).
  Expected<protocol::Json> wait_until_ready(std::chrono::milliseconds timeout);

  Expected<protocol::Json> call(std::string_view op, protocol::Json fields, std::chrono::milliseconds timeout) override;

  /// Extra time the host allows beyond a request's own timeout.
  static constexpr std::chrono::milliseconds kMargin{10000};

 private:
  SocketGuestChannel(int fd, GoneCheck gone, std::size_t max_line_bytes);
  Expected<void> send(const protocol::Json& message);
  /// Why the channel closed: QEMU's end (gone_), once it shows within 2 s.
  std::string closed_reason();
  /// The next message, or an error at the deadline / when QEMU is gone / when what came is
  /// not a protocol message.
  Expected<protocol::Json> receive(std::chrono::steady_clock::time_point deadline, std::string_view waiting_for);

  int fd_;
  GoneCheck gone_;
  protocol::LineBuffer lines_;
  long next_id_ = 1;
  long hello_id_ = 0;
};

}  // namespace bh
