#include "harness/vm/qmp_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "util/interrupt.h"
#include "util/unix_socket.h"

namespace bh {
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

/// The string at `key` of a JSON object, or "".
std::string text(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

/// The image file behind a query-block entry, else its device name.
std::string image_of(const Json& block) {
  if (block.is_object() && block.contains("inserted")) {
    const auto file = text(block["inserted"], "file");
    if (!file.empty()) return file;
  }
  return text(block, "device");
}

}  // namespace

Expected<std::unique_ptr<QmpClient>> QmpClient::connect(const std::filesystem::path& socket,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int fd = -1;
  while ((fd = connect_unix_socket(socket, SocketMode::kNonBlocking)) < 0) {
    if (Clock::now() >= deadline)
      return fail("QMP: cannot connect to " + socket.string() + ": " + std::strerror(errno));
    throw_if_interrupted();
    std::this_thread::sleep_for(20ms);
  }
  std::unique_ptr<QmpClient> client(new QmpClient(fd));
  auto greeting = client->next_message(deadline, "QEMU's QMP greeting");
  if (!greeting) return greeting.error();
  if (!greeting.value().contains("QMP")) return fail("QMP: " + socket.string() + " did not greet as QMP");
  auto negotiated = client->execute("qmp_capabilities", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                            std::max(deadline - Clock::now(), Clock::duration(100ms))));
  if (!negotiated) return negotiated.error();
  return client;
}

QmpClient::QmpClient(int fd) : fd_(fd) {}

QmpClient::~QmpClient() { ::close(fd_); }

Expected<Json> QmpClient::next_message(Clock::time_point deadline, std::string_view waiting_for) {
  char buffer[8192];
  while (true) {
    if (const auto end = pending_.find('\n'); end != std::string::npos) {
      const std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      Json message = Json::parse(line, nullptr, false);
      if (message.is_discarded() || !message.is_object())
        return fail("QMP: not a JSON object while waiting for " + std::string(waiting_for));
      return message;
    }
    if (pending_.size() > (1u << 20)) return fail("QMP: a message longer than 1 MiB");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return fail("QMP: no answer for " + std::string(waiting_for));
    pollfd entry{fd_, POLLIN, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long>(left.count(), 100)));
    if (ready < 0 && errno != EINTR) return fail(std::string("QMP: poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) return fail("QMP: QEMU closed the socket while waiting for " + std::string(waiting_for));
    if (n < 0 && errno != EINTR && errno != EAGAIN) return fail(std::string("QMP: recv: ") + std::strerror(errno));
    if (n > 0) pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

Expected<Json> QmpClient::execute(std::string_view command, std::chrono::milliseconds timeout) {
  const std::string request = Json{{"execute", command}}.dump() + "\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    return fail("QMP: cannot send " + std::string(command) + ": " + std::strerror(errno));
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto message = next_message(deadline, "the answer to " + std::string(command));
    if (!message) return message.error();
    if (message.value().contains("return")) return message.value()["return"];
    if (message.value().contains("error"))
      return fail("QMP: " + std::string(command) + ": " + text(message.value()["error"], "desc"));
  }
}

std::optional<std::string> io_error_pause(const Json& status, const Json& blocks) {
  if (text(status, "status") != "io-error") return std::nullopt;
  std::string images;
  bool no_space = false;
  for (const auto& block : blocks.is_array() ? blocks : Json::array()) {
    const auto io_status = text(block, "io-status");
    if (io_status.empty() || io_status == "ok") continue;
    no_space = no_space || io_status == "nospace";
    images += (images.empty() ? "" : ", ") + image_of(block) + " (" + io_status + ")";
  }
  if (no_space) {
    return "QEMU paused the guest: no space left on device for its disk image " + images +
           ": the filesystem holding the run's output is full";
  }
  return "QEMU paused the guest after an I/O error on its disk image " + (images.empty() ? "(unknown)" : images);
}

}  // namespace bh
