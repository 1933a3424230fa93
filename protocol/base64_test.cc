#include "protocol/base64.h"

#include <gtest/gtest.h>

namespace bh::protocol {
namespace {

// RFC 4648 section 10.
const std::pair<std::string, std::string> kVectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesTheRfc4648Vectors) {
  for (const auto& [plain, encoded] : kVectors) EXPECT_EQ(base64_encode(plain), encoded);
}

TEST(Base64, DecodesTheRfc4648Vectors) {
  for (const auto& [plain, encoded] : kVectors) {
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded << ": " << decoded.error().message;
    EXPECT_EQ(decoded.value(), plain);
  }
}

TEST(Base64, RoundTripsEveryByteValueAtEveryLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(255 - i));
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string part = bytes.substr(0, length);
    auto back = base64_decode(base64_encode(part));
    ASSERT_TRUE(back) << "length " << length;
    EXPECT_EQ(back.value(), part);
  }
}

TEST(Base64, UsesPlusAndSlash) { EXPECT_EQ(base64_encode(std::string("\xfb\xff\xbf", 3)), "+/+/"); }

TEST(Base64, RejectsMalformedText) {
  EXPECT_EQ(base64_decode("Zm9").error().message, "base64: length 3 is not a multiple of 4");
  EXPECT_EQ(base64_decode("Zm9v\nA==").error().message, "base64: invalid character at position 4");
  EXPECT_EQ(base64_decode("Zm-v").error().message, "base64: invalid character at position 2");
  EXPECT_FALSE(base64_decode("Zg=a"));  // padding in the middle
  EXPECT_FALSE(base64_decode("Z==="));  // too much padding
  EXPECT_FALSE(base64_decode("Zh=="));  // non-canonical: stray low bits
  EXPECT_FALSE(base64_decode("Zm 9v"));
}

}  // namespace
}  // namespace bh::protocol
