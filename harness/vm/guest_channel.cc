#include "harness/vm/guest_channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "protocol/message_fields.h"
#include "util/interrupt.h"
#include "util/trace.h"
#include "util/unix_socket.h"

namespace bh {
using namespace std::chrono_literals;
using protocol::Json;
using Clock = std::chrono::steady_clock;

namespace {

long seconds(std::chrono::milliseconds duration) { return static_cast<long>(duration.count() / 1000); }

}  // namespace

Expected<std::unique_ptr<SocketGuestChannel>> SocketGuestChannel::connect(const std::filesystem::path& socket,
                                                                          std::chrono::milliseconds timeout,
                                                                          GoneCheck gone, std::size_t max_line_bytes) {
  if (socket.string().size() >= sizeof(sockaddr_un::sun_path)) {
    return fail("control socket path too long for a unix socket: " + socket.string() +
                " (use a shorter --out directory)");
  }
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    throw_if_interrupted();
    if (const int fd = connect_unix_socket(socket, SocketMode::kBlocking); fd >= 0) {
      return std::unique_ptr<SocketGuestChannel>(new SocketGuestChannel(fd, std::move(gone), max_line_bytes));
    }
    if (auto why = gone()) return fail(*why + " before opening the control socket " + socket.string());
    std::this_thread::sleep_for(10ms);
  }
  return fail("QEMU did not open the control socket " + socket.string() + " within " +
              std::to_string(seconds(timeout)) + " s");
}

SocketGuestChannel::SocketGuestChannel(int fd, GoneCheck gone, std::size_t max_line_bytes)
    : fd_(fd), gone_(std::move(gone)), lines_(max_line_bytes) {}

SocketGuestChannel::~SocketGuestChannel() { ::close(fd_); }

Expected<void> SocketGuestChannel::send(const Json& message) {
  const std::string line = protocol::encode(message);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::send(fd_, line.data() + written, line.size() - written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("control channel write failed: ") + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  return outcome::success();
}

std::string SocketGuestChannel::closed_reason() {
  // QEMU closes the channel as it dies; give it a moment to be reaped, so the reason names
  // how it ended rather than only that the channel closed.
  const auto until = Clock::now() + 2s;
  while (Clock::now() < until) {
    if (auto why = gone_()) return "the control channel closed: " + *why;
    std::this_thread::sleep_for(20ms);
  }
  return "control channel closed";
}

Expected<Json> SocketGuestChannel::receive(Clock::time_point deadline, std::string_view waiting_for) {
  char buffer[65536];
  while (true) {
    auto line = lines_.next_line();
    if (!line) return fail("guest agent: " + line.error().message + " while waiting for " + std::string(waiting_for));
    if (line.value()) return protocol::decode(*line.value());
    throw_if_interrupted();
    if (Clock::now() >= deadline) {
      return fail("timed out waiting for " + std::string(waiting_for));
    }
    pollfd entry{fd_, POLLIN, 0};
    const int ready = ::poll(&entry, 1, 100);
    if (ready < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) {
      if (auto why = gone_()) return fail(*why + " while waiting for " + std::string(waiting_for));
      continue;
    }
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) return fail(closed_reason() + " while waiting for " + std::string(waiting_for));
    if (n > 0) lines_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
}

Expected<Json> SocketGuestChannel::wait_until_ready(std::chrono::milliseconds timeout) {
  hello_id_ = next_id_++;
  if (auto sent = send({{"id", hello_id_}, {"op", protocol::kOpHello}, {"timeout_ms", 5000}}); !sent) {
    return sent.error();
  }
  const auto deadline = Clock::now() + timeout;
  const std::string what = "the guest agent's ready event (" + std::to_string(seconds(timeout)) + " s)";
  while (true) {
    auto message = receive(deadline, what);
    if (!message) return message.error();
    const Json& m = message.value();
    if (m.value("event", Json()) == Json(protocol::kEventReady)) return m;
    if (m.value("id", Json()) == hello_id_ && m.value("ok", Json()) == true) return m;
  }
}

Expected<Json> SocketGuestChannel::call(std::string_view op, Json fields, std::chrono::milliseconds timeout) {
  const long id = next_id_++;
  fields["id"] = id;
  fields["op"] = op;
  const auto started = Clock::now();
  const std::string summary = fields.contains("argv") ? fields["argv"].dump() : fields.value("path", "");
  fields["timeout_ms"] = timeout.count();
  if (auto sent = send(fields); !sent) return sent.error();
  const auto deadline = Clock::now() + timeout + kMargin;
  const std::string what =
      "the guest agent's answer to '" + std::string(op) + "' (" + std::to_string(seconds(timeout + kMargin)) + " s)";
  while (true) {
    auto message = receive(deadline, what);
    if (!message) return message.error();
    Json& m = message.value();
    if (m.value("id", Json()) != id) continue;  // events, late hello answers
    trace("guest {} {} took {:.3f} s", op, summary, std::chrono::duration<double>(Clock::now() - started).count());
    return protocol::answer_outcome(op, std::move(m));
  }
}

}  // namespace bh
