#include "protocol/lz4_block.h"

#include <gtest/gtest.h>

namespace bh::protocol {
namespace {

std::string trace_like_bytes() {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += std::string("\x2a\x01\x00\x00", 4) + std::to_string(i * 7919 % 1000);
  return bytes;
}

TEST(Lz4Block, RoundTripsAndShrinksRepetitiveBytes) {
  const std::string bytes = trace_like_bytes();
  auto compressed = lz4_compress(bytes);
  ASSERT_TRUE(compressed) << compressed.error().message;
  EXPECT_LT(compressed.value().size(), bytes.size() / 2);
  auto back = lz4_decompress(compressed.value(), bytes.size());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back.value(), bytes);
}

TEST(Lz4Block, EmptyRoundTrips) {
  auto compressed = lz4_compress("");
  ASSERT_TRUE(compressed) << compressed.error().message;
  auto back = lz4_decompress(compressed.value(), 0);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back.value(), "");
}

TEST(Lz4Block, AWrongSizeOrACorruptBlockIsAnError) {
  const std::string bytes = trace_like_bytes();
  const auto compressed = lz4_compress(bytes).value();
  auto short_size = lz4_decompress(compressed, bytes.size() - 1);
  ASSERT_FALSE(short_size);
  EXPECT_NE(short_size.error().message.find("does not decompress to"), std::string::npos);
  auto long_size = lz4_decompress(compressed, bytes.size() + 1);
  EXPECT_FALSE(long_size);
  EXPECT_FALSE(lz4_decompress(compressed.substr(0, compressed.size() / 2), bytes.size()));
}

TEST(Lz4Block, TheMostCompressibleBlockStillDecompresses) {
  const std::string zeros(16u << 20, '\0');
  auto compressed = lz4_compress(zeros);
  ASSERT_TRUE(compressed);
  auto round_trip = lz4_decompress(compressed.value(), zeros.size());
  ASSERT_TRUE(round_trip) << round_trip.error().message;
  EXPECT_EQ(round_trip.value(), zeros);
}

TEST(Lz4Block, ASizeNoBlockOfThisLengthCanReachIsRefusedBeforeAllocating) {
  auto lie = lz4_decompress(std::string_view("\x10\x00", 2), std::size_t{1} << 30);  // 1 GiB from 2 bytes
  ASSERT_FALSE(lie);
  EXPECT_EQ(lie.error().message, "lz4: a block of 2 bytes cannot decompress to 1073741824 bytes");
}

}  // namespace
}  // namespace bh::protocol
