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

TEST(LineBuffer, SplitsChunksIntoLines) {
  LineBuffer buffer;
  buffer.feed("{\"a\"");
  EXPECT_FALSE(buffer.next_line());
  buffer.feed(":1}\n{\"b\":2}\n{\"c\"");
  EXPECT_EQ(buffer.next_line(), "{\"a\":1}");
  EXPECT_EQ(buffer.next_line(), "{\"b\":2}");
  EXPECT_FALSE(buffer.next_line());
  buffer.feed(":3}\n");
  EXPECT_EQ(buffer.next_line(), "{\"c\":3}");
}

TEST(LineBuffer, KeepsEmptyLines) {
  LineBuffer buffer;
  buffer.feed("\n\n");
  EXPECT_EQ(buffer.next_line(), "");
  EXPECT_EQ(buffer.next_line(), "");
  EXPECT_FALSE(buffer.next_line());
}

}  // namespace
}  // namespace bh::protocol
