#include "harness/vm/guest_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "util/temp_dir.h"

namespace bh {
namespace {
using namespace std::chrono_literals;
using ::testing::HasSubstr;

/// A SocketGuestChannel connected to a socket the test plays the guest agent on: whatever
/// the test sends arrives on the channel as the agent's answer.
class GuestChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto path = dir_.path() / "ctl";
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(::listen(listener_, 1), 0);
    auto channel = SocketGuestChannel::connect(
        path, 5s, [] { return std::optional<std::string>(); }, /*max_line_bytes=*/64);
    ASSERT_TRUE(channel) << channel.error().message;
    channel_ = std::move(channel).value();
    agent_ = ::accept(listener_, nullptr, nullptr);
    ASSERT_GE(agent_, 0);
  }

  void TearDown() override {
    ::close(agent_);
    ::close(listener_);
  }

  /// Sends `bytes` as the agent, then makes the host's first call and returns its outcome.
  Expected<protocol::Json> answer_with(const std::string& bytes) {
    EXPECT_EQ(::send(agent_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    return channel_->call("exec", {{"argv", {"true"}}}, 1s);
  }

  TempDir dir_{"bh-guest-channel-test"};
  int listener_ = -1;
  int agent_ = -1;
  std::unique_ptr<SocketGuestChannel> channel_;
};

TEST_F(GuestChannelTest, AWellFormedAnswerIsReturned) {
  auto answer = answer_with("{\"event\":\"ready\"}\n{\"id\":1,\"ok\":true,\"exit_code\":0}\n");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer.value()["exit_code"], 0);
}

class AgentProtocolGarbage : public GuestChannelTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(AgentProtocolGarbage, IsAnErrorNotAnException) {
  auto answer = answer_with(GetParam());
  ASSERT_FALSE(answer);
  EXPECT_THAT(answer.error().message, HasSubstr("malformed protocol line"));
}

INSTANTIATE_TEST_SUITE_P(GuestChannel, AgentProtocolGarbage,
                         ::testing::Values("\x01\xff garbage\n", "[1,2,3]\n", "{\"id\":1,\"ok\":tru\n", "\n"));

TEST_F(GuestChannelTest, AnOkThatIsNotABooleanIsAnErrorNamingTheOpAndField) {
  auto answer = answer_with("{\"id\":1,\"ok\":\"yes\"}\n");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().message, "guest agent: exec: answer's field 'ok' must be a boolean");
}

TEST_F(GuestChannelTest, AnErrorThatIsNotAStringIsAnErrorNamingTheOpAndField) {
  auto answer = answer_with("{\"id\":1,\"ok\":false,\"error\":[1]}\n");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().message, "guest agent: exec: answer's field 'error' must be a string");
}

TEST_F(GuestChannelTest, AnOverlongLineIsAnErrorNamingTheCap) {
  auto answer = answer_with("{\"id\":1,\"ok\":true,\"stdout\":\"" + std::string(100, 'x') + "\"}\n");
  ASSERT_FALSE(answer);
  EXPECT_THAT(answer.error().message, HasSubstr("protocol line longer than 64 bytes"));
}

TEST_F(GuestChannelTest, AnIdThatIsNotANumberIsSkippedLikeAnEvent) {
  auto answer = answer_with("{\"id\":\"1\",\"ok\":7}\n{\"id\":1,\"ok\":true}\n");
  ASSERT_TRUE(answer) << answer.error().message;
}

}  // namespace
}  // namespace bh
