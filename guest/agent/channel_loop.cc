#include "guest/agent/channel_loop.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bh::agent {
namespace {

constexpr std::chrono::milliseconds kHostRetry{200};

enum class Step { kContinue, kHangup, kPoweredOff };

/// Reads what is available (waiting for it); kHangup at end of input.
Expected<Step> read_some(int fd, protocol::LineBuffer& lines) {
  pollfd watched{fd, POLLIN, 0};
  if (::poll(&watched, 1, -1) < 0) {
    if (errno == EINTR) return Step::kContinue;
    return fail(std::string("poll on control port: ") + std::strerror(errno));
  }
  char buffer[65536];
  const ssize_t got = ::read(fd, buffer, sizeof buffer);
  if (got > 0) lines.feed(std::string_view(buffer, static_cast<std::size_t>(got)));
  if (got == 0) return Step::kHangup;
  if (got < 0 && errno != EINTR && errno != EAGAIN) {
    return fail(std::string("read from control port: ") + std::strerror(errno));
  }
  return Step::kContinue;
}

/// Answers every complete line received so far.
Expected<Step> answer_lines(int fd, protocol::LineBuffer& lines, Agent& agent) {
  while (true) {
    auto line = lines.next_line();
    if (!line) return fail("from the host: " + line.error().message);
    if (!line.value()) break;
    if (line.value()->empty()) continue;
    auto sent = write_all(fd, protocol::encode(agent.handle_line(*line.value())));
    if (!sent) return sent.error();
    if (agent.power_off_requested()) return Step::kPoweredOff;
  }
  return Step::kContinue;
}

}  // namespace

Expected<void> write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t put = ::write(fd, bytes.data(), bytes.size());
    if (put > 0)
      bytes.remove_prefix(static_cast<std::size_t>(put));
    else if (put < 0 && errno != EINTR && errno != EAGAIN) {
      return fail(std::string("write to control port: ") + std::strerror(errno));
    }
  }
  return outcome::success();
}

Expected<void> serve(Channel channel, Agent& agent, GuestSystem& system, Hangup on_hangup) {
  auto ready = write_all(channel.out_fd, protocol::encode(agent.ready_event()));
  if (!ready) return ready;
  protocol::LineBuffer lines;
  for (;;) {
    auto step = read_some(channel.in_fd, lines);
    if (!step) return step.error();
    if (step.value() == Step::kHangup) {
      if (on_hangup == Hangup::kStop) return outcome::success();
      lines = protocol::LineBuffer();  // a half line from the old connection is garbage
      system.sleep_for(kHostRetry);
      continue;
    }
    auto answered = answer_lines(channel.out_fd, lines, agent);
    if (!answered) return answered.error();
    if (answered.value() == Step::kPoweredOff) break;
  }
  system.power_off();
  return outcome::success();
}

}  // namespace bh::agent
