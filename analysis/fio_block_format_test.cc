#include "analysis/fio_block_format.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh::analysis {
namespace {

std::span<const std::byte> bytes_of(const std::string& text) { return std::as_bytes(std::span<const char>(text)); }

/// 64 KiB written by host fio 3.33 (see tests/fixtures/blocks/README.md): generation 1 in
/// 16 KiB writes, then generation 2 over 16 KiB..48 KiB in 8 KiB writes.
std::string real_fixture() {
  return read_file(std::string(BH_SOURCE_DIR) + "/tests/fixtures/blocks/fio-gen1-gen2-64k.bin").value();
}

std::span<const std::byte> block_at(const std::string& image, std::size_t index) {
  return bytes_of(image).subspan(index * kFioBlockSize, kFioBlockSize);
}

TEST(FioCrc32c, IsCastagnoliWithoutTheFinalInversion) {
  // RFC 3720's check value for "123456789" is 0xE3069283; fio stores its complement.
  const std::string digits = "123456789";
  EXPECT_EQ(fio_crc32c(bytes_of(digits)), ~0xE3069283u);
  EXPECT_EQ(fio_crc32c_portable(bytes_of(digits)), ~0xE3069283u);
}

TEST(FioCrc32c, FastAndPortableAgreeOnEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const auto part = bytes_of(bytes).first(length);
    EXPECT_EQ(fio_crc32c(part), fio_crc32c_portable(part)) << "length " << length;
  }
}

TEST(GenerationPattern, IsTheVerifyPatternTheJobsUse) {
  EXPECT_EQ(generation_pattern(1), 0x42484701u);
  EXPECT_EQ(generation_pattern(0x2a), 0x4248472au);
}

TEST(ParseBlock, ReadsEveryBlockOfARealFioFile) {
  const std::string image = real_fixture();
  ASSERT_EQ(image.size(), 16 * kFioBlockSize);
  for (std::size_t i = 0; i < 16; ++i) {
    auto header = parse_block(block_at(image, i));
    ASSERT_TRUE(header);
    EXPECT_TRUE(header->intact()) << "block " << i;
    EXPECT_EQ(header->offset, i * kFioBlockSize);
    EXPECT_EQ(header->thread, 1);
    const bool overwritten = i >= 4 && i < 12;
    EXPECT_EQ(header->generation, overwritten ? 2u : 1u) << "block " << i;
  }
  // One numberio per I/O: gen 1 in 16 KiB I/Os, gen 2 in 8 KiB I/Os from 16 KiB on.
  EXPECT_EQ(parse_block(block_at(image, 13))->numberio, 3);
  EXPECT_EQ(parse_block(block_at(image, 6))->numberio, 1);
}

TEST(MakeBlock, IsByteIdenticalToWhatFioWrote) {
  const std::string image = real_fixture();
  for (std::size_t i = 0; i < 16; ++i) {
    const BlockHeader real = parse_block(block_at(image, i)).value();
    const BlockStamp stamp{real.thread, real.time_sec, real.time_nsec, real.rand_seed};
    const std::string made = make_block(real.offset, *real.generation, real.numberio, stamp);
    EXPECT_EQ(made, image.substr(i * kFioBlockSize, kFioBlockSize)) << "block " << i;
  }
}

TEST(ParseBlock, DetectsAFlippedDataByteAndAFlippedHeaderByte) {
  std::string data = make_block(8192, 2, 7);
  data[100] ^= 0x01;
  auto torn = parse_block(bytes_of(data)).value();
  EXPECT_TRUE(torn.magic_ok);
  EXPECT_TRUE(torn.header_crc_ok);
  EXPECT_FALSE(torn.data_crc_ok);
  EXPECT_FALSE(torn.generation);  // the pattern is no longer uniform
  EXPECT_FALSE(torn.intact());

  std::string header = make_block(8192, 2, 7);
  header[0x11] ^= 0x01;  // offset
  auto bad = parse_block(bytes_of(header)).value();
  EXPECT_FALSE(bad.header_crc_ok);
  EXPECT_TRUE(bad.data_crc_ok);
}

TEST(ParseBlock, MixedGenerationsHaveNoGeneration) {
  std::string block = make_block(0, 1, 0);
  const std::string newer = make_block(0, 2, 0);
  block.replace(2048, 2048, newer.substr(2048));  // a block torn between two writes
  auto header = parse_block(bytes_of(block)).value();
  EXPECT_TRUE(header.header_crc_ok);
  EXPECT_FALSE(header.data_crc_ok);
  EXPECT_FALSE(header.generation);
}

TEST(ParseBlock, ZerosHaveNoMagicAndWrongSizesNoHeader) {
  const std::string zeros(kFioBlockSize, '\0');
  auto header = parse_block(bytes_of(zeros));
  ASSERT_TRUE(header);
  EXPECT_FALSE(header->magic_ok);
  EXPECT_FALSE(header->intact());
  EXPECT_FALSE(parse_block(bytes_of(std::string(512, '\0'))));
}

}  // namespace
}  // namespace bh::analysis
