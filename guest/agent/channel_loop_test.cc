#include "guest/agent/channel_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest/agent/fake_guest_system.h"
#include "guest/agent/unique_fd.h"

namespace bh::agent {
namespace {

/// Serves `input` (sent in pieces of `chunk` bytes) over a socket pair; returns the lines
/// the agent wrote back, decoded.
class ChannelLoopTest : public ::testing::Test {
 protected:
  std::vector<Json> serve_input(const std::string& input, std::size_t chunk = 1 << 20) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    UniqueFd host(fds[0]), guest(fds[1]);
    for (std::size_t at = 0; at < input.size(); at += chunk) {
      EXPECT_TRUE(write_all(host.get(), std::string_view(input).substr(at, chunk)));
    }
    ::shutdown(host.get(), SHUT_WR);
    Agent agent(system_);
    EXPECT_TRUE(serve({guest.get(), guest.get()}, agent, system_, Hangup::kStop));
    guest.reset();
    return read_lines(host.get());
  }

  static std::vector<Json> read_lines(int fd) {
    protocol::LineBuffer buffer;
    char bytes[4096];
    for (ssize_t got; (got = ::read(fd, bytes, sizeof bytes)) > 0;) {
      buffer.feed(std::string_view(bytes, static_cast<std::size_t>(got)));
    }
    std::vector<Json> lines;
    for (auto line = buffer.next_line(); line.value(); line = buffer.next_line()) {
      lines.push_back(Json::parse(*line.value()));
    }
    return lines;
  }

  FakeGuestSystem system_;
};

TEST_F(ChannelLoopTest, SendsReadyThenAnswersEachRequestInOrder) {
  const auto lines = serve_input("{\"id\":1,\"op\":\"hello\"}\n{\"id\":2,\"op\":\"nope\"}\nnot json\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["event"], "ready");
  EXPECT_EQ(lines[1]["id"], 1);
  EXPECT_EQ(lines[1]["ok"], true);
  EXPECT_EQ(lines[2]["id"], 2);
  EXPECT_EQ(lines[2]["ok"], false);
  EXPECT_TRUE(lines[3]["id"].is_null());
  EXPECT_EQ(lines[3]["ok"], false);
}

TEST_F(ChannelLoopTest, ReassemblesLinesArrivingInChunks) {
  const auto lines = serve_input("{\"id\":5,\"op\":\"hello\"}\n{\"id\":6,\"op\":\"hello\"}\n", 3);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["id"], 5);
  EXPECT_EQ(lines[2]["id"], 6);
}

TEST_F(ChannelLoopTest, AnswersPowerOffThenPowersOffAndStops) {
  const auto lines = serve_input("{\"id\":1,\"op\":\"poweroff\"}\n{\"id\":2,\"op\":\"hello\"}\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["id"], 1);
  EXPECT_EQ(lines[1]["ok"], true);
  EXPECT_EQ(system_.power_offs, 1);
}

TEST_F(ChannelLoopTest, IgnoresEmptyLines) {
  const auto lines = serve_input("\n\n{\"id\":1,\"op\":\"hello\"}\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["id"], 1);
  EXPECT_EQ(system_.power_offs, 0);
}

TEST(WriteAll, WritesEverythingThroughAPipe) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  const std::string text(40000, 'x');  // fits the pipe buffer (64 KiB)
  ASSERT_TRUE(write_all(write_end.get(), text));
  write_end.reset();
  std::string got;
  char bytes[8192];
  for (ssize_t n; (n = ::read(read_end.get(), bytes, sizeof bytes)) > 0;) got.append(bytes, n);
  EXPECT_EQ(got, text);
}

TEST(WriteAll, ReportsAClosedDescriptor) {
  auto result = write_all(-1, "x");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("Bad file descriptor"), std::string::npos);
}

}  // namespace
}  // namespace bh::agent
