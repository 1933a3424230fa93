#include "protocol/protocol.h"

#include <gtest/gtest.h>

namespace bh::protocol {
namespace {

TEST(Encode, WritesOneCompactLine) {
  const std::string line = encode(Json{{"id", 1}, {"op", "hello"}});
  EXPECT_EQ(line, "{\"id\":1,\"op\":\"hello\"}\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(Encode, EscapesNewlinesAndReplacesInvalidUtf8) {
  const std::string line = encode(Json{{"stdout", std::string("a\nb\xff")}});
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // the embedded newline is escaped
  auto back = decode(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value()["stdout"], "a\nb\xEF\xBF\xBD");  // U+FFFD
}

TEST(Decode, RoundTripsAnEncodedMessage) {
  const Json message{{"id", 7}, {"ok", true}, {"files", {{"/a", "x"}}}};
  const std::string line = encode(message);
  auto decoded = decode(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded.value(), message);
}

TEST(Decode, RejectsBadLinesQuotingThem) {
  auto bad = decode("{\"id\": 1, ");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("{\"id\": 1, "), std::string::npos);
  EXPECT_FALSE(decode("[1, 2]"));  // valid JSON, but not an object
  EXPECT_FALSE(decode(""));
}

/// The next line, "<none>" when no complete line has arrived, "<error>" when it failed.
std::string next(LineBuffer& buffer) {
  auto line = buffer.next_line();
  if (!line) return "<error>";
  return line.value().value_or("<none>");
}

TEST(LineBuffer, SplitsChunksIntoLines) {
  LineBuffer buffer;
  buffer.feed("{\"a\"");
  EXPECT_EQ(next(buffer), "<none>");
  buffer.feed(":1}\n{\"b\":2}\n{\"c\"");
  EXPECT_EQ(next(buffer), "{\"a\":1}");
  EXPECT_EQ(next(buffer), "{\"b\":2}");
  EXPECT_EQ(next(buffer), "<none>");
  buffer.feed(":3}\n");
  EXPECT_EQ(next(buffer), "{\"c\":3}");
}

TEST(LineBuffer, KeepsEmptyLines) {
  LineBuffer buffer;
  buffer.feed("\n\n");
  EXPECT_EQ(next(buffer), "");
  EXPECT_EQ(next(buffer), "");
  EXPECT_EQ(next(buffer), "<none>");
}

TEST(LineBuffer, AcceptsALineOfExactlyTheCap) {
  LineBuffer buffer(8);
  buffer.feed("12345678\n123");
  EXPECT_EQ(next(buffer), "12345678");
  EXPECT_EQ(next(buffer), "<none>");
}

TEST(LineBuffer, RefusesALineLongerThanTheCapNamingIt) {
  LineBuffer buffer(8);
  buffer.feed("{\"a\":1}\n123456789\n{\"b\":2}\n");
  EXPECT_EQ(next(buffer), "{\"a\":1}");
  auto line = buffer.next_line();
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().message, "protocol line longer than 8 bytes (the cap on one message)");
  buffer.feed("{\"c\":3}\n");
  EXPECT_EQ(next(buffer), "<error>");  // out of step for good
}

TEST(LineBuffer, RefusesAnUnterminatedLineOnceItPassesTheCap) {
  LineBuffer buffer(8);
  buffer.feed("12345678");
  EXPECT_EQ(next(buffer), "<none>");
  buffer.feed("9");  // no '\n' yet, but already too long: no need to wait for more
  EXPECT_EQ(next(buffer), "<error>");
}

TEST(LineBuffer, DefaultCapCoversTheLargestReplies) {
  // read_blocks at its limit, base64-encoded (4 bytes per 3), in one line.
  EXPECT_GT(kMaxLineBytes, (kMaxReadBlocksLength + 2) / 3 * 4 + 1024);
}

}  // namespace
}  // namespace bh::protocol
