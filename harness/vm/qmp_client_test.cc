#include "harness/vm/qmp_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "util/temp_dir.h"

namespace bh {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// query-block's answer as QEMU 7.2 gives it for a raw image on a full filesystem (werror's
// default, enospc, stopped the guest), trimmed to the fields read.
Json full_disk_blocks() {
  return Json::parse(R"([
    {"device": "disk0", "io-status": "ok", "inserted": {"file": "/out/run-1/cache.img"}},
    {"device": "disk1", "io-status": "nospace", "inserted": {"file": "/out/run-1/backing.img"}}])");
}

TEST(IoErrorPause, AFullFilesystemNamesTheImageAndSaysSo) {
  const auto reason = io_error_pause(Json{{"status", "io-error"}, {"running", false}}, full_disk_blocks());
  ASSERT_TRUE(reason);
  EXPECT_THAT(*reason, HasSubstr("no space left on device"));
  EXPECT_THAT(*reason, HasSubstr("/out/run-1/backing.img (nospace)"));
  EXPECT_THAT(*reason, HasSubstr("filesystem holding the run's output is full"));
  EXPECT_THAT(*reason, ::testing::Not(HasSubstr("cache.img")));
}

TEST(IoErrorPause, OtherIoErrorsAreNamedAndARunningOrOtherwisePausedGuestIsNone) {
  auto blocks = full_disk_blocks();
  blocks[1]["io-status"] = "failed";
  const auto failed = io_error_pause(Json{{"status", "io-error"}}, blocks);
  ASSERT_TRUE(failed);
  EXPECT_THAT(*failed, HasSubstr("I/O error on its disk image /out/run-1/backing.img (failed)"));
  EXPECT_FALSE(io_error_pause(Json{{"status", "running"}}, full_disk_blocks()));
  EXPECT_FALSE(io_error_pause(Json{{"status", "paused"}}, full_disk_blocks()));
  EXPECT_FALSE(io_error_pause(Json("garbage"), Json(7)));
  EXPECT_TRUE(io_error_pause(Json{{"status", "io-error"}}, Json(7))) << "an io-error pause is one without details";
}

/// A QMP server on a unix socket that greets, answers each command from `answers` (by
/// command name) and sends an event before every answer, as QEMU may.
class FakeQmpServer {
 public:
  FakeQmpServer(std::filesystem::path path, std::map<std::string, Json> answers)
      : path_(std::move(path)), answers_(std::move(answers)) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 1);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeQmpServer() {
    thread_.join();
    ::close(listener_);
  }

 private:
  void send_line(int fd, const Json& message) {
    const auto line = message.dump() + "\r\n";
    (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  }
  void serve() {
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, 5000) != 1) return;  // no client within 5 s: the test fails, never hangs
    const int fd = ::accept(listener_, nullptr, nullptr);
    send_line(fd, Json{{"QMP", {{"version", {{"qemu", {{"major", 7}}}}}}}});
    std::string pending;
    char buffer[512];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
      pending.append(buffer, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = pending.find('\n')) != std::string::npos) {
        const auto command = Json::parse(pending.substr(0, end))["execute"].get<std::string>();
        pending.erase(0, end + 1);
        send_line(fd, Json{{"event", "BLOCK_IO_ERROR"}, {"data", {{"nospace", true}}}});
        const auto it = answers_.find(command);
        send_line(fd, it != answers_.end()
                          ? Json{{"return", it->second}}
                          : Json{{"error", {{"class", "CommandNotFound"}, {"desc", "no " + command}}}});
      }
    }
    ::close(fd);
  }

  std::filesystem::path path_;
  std::map<std::string, Json> answers_;
  int listener_ = -1;
  std::thread thread_;
};

TEST(QmpClient, NegotiatesSkipsEventsAndReturnsAnswersOrQmpErrors) {
  TempDir dir("qmp");
  const auto socket = dir.path() / "qmp.sock";
  FakeQmpServer server(socket, {{"qmp_capabilities", Json::object()}, {"query-status", {{"status", "io-error"}}}});
  auto client = QmpClient::connect(socket, 2s);
  ASSERT_TRUE(client) << client.error().message;
  auto status = client.value()->execute("query-status", 2s);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status.value()["status"], "io-error");
  auto missing = client.value()->execute("query-block", 2s);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("QMP: query-block: no query-block"));
}

TEST(QmpClient, NoSocketIsAnErrorWithinTheTimeout) {
  TempDir dir("qmp");
  auto client = QmpClient::connect(dir.path() / "absent.sock", 100ms);
  ASSERT_FALSE(client);
  EXPECT_THAT(client.error().message, HasSubstr("cannot connect"));
}

}  // namespace
}  // namespace bh
