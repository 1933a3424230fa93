#include "analysis/block_classifier.h"

#include <gtest/gtest.h>

#include <chrono>

#include "analysis/fio_block_format.h"
#include "util/files.h"

namespace bh::analysis {
namespace {

constexpr std::uint64_t kStart = 1 << 20;  // the region starts 1 MiB into /dev/bcache0

/// A region of `blocks` blocks at kStart, every block of both copies holding `gen`.
struct Region {
  explicit Region(std::size_t blocks, unsigned gen = 2) {
    for (std::size_t i = 0; i < blocks; ++i) {
      served += make_block(offset(i), gen, static_cast<std::uint16_t>(i));
      backing += make_block(offset(i), gen, static_cast<std::uint16_t>(i));
    }
  }
  static std::uint64_t offset(std::size_t index) { return kStart + index * kFioBlockSize; }
  static void put(std::string& image, std::size_t index, const std::string& block) {
    image.replace(index * kFioBlockSize, kFioBlockSize, block);
  }
  BlockClassification classify(ExpectedGeneration expected = generation_in_range(0, ~0ull, 2, 1),
                               std::size_t max_examples = 10) const {
    auto result = classify_blocks({std::as_bytes(std::span<const char>(served)),
                                   std::as_bytes(std::span<const char>(backing)), kStart, std::move(expected)},
                                  max_examples);
    EXPECT_TRUE(result) << result.error().message;
    return result.value();
  }

  std::string served;
  std::string backing;
};

TEST(ClassifyBlocks, AllCurrent) {
  const auto result = Region(8).classify();
  EXPECT_EQ(result.blocks_checked, 8u);
  EXPECT_EQ(result.current_blocks, 8u);
  EXPECT_EQ(result.stale_blocks + result.lost_writes + result.torn_blocks + result.misplaced_blocks +
                result.unrecognised_blocks + result.newer_blocks,
            0u);
}

TEST(ClassifyBlocks, OlderGenerationWithCurrentBackingIsAStaleCacheEntry) {
  Region region(8);
  Region::put(region.served, 3, make_block(Region::offset(3), 1, 0));
  const auto result = region.classify();
  EXPECT_EQ(result.current_blocks, 7u);
  EXPECT_EQ(result.stale_blocks, 1u);
  EXPECT_EQ(result.older_blocks, 1u);
  EXPECT_EQ(result.lost_writes, 0u);
  ASSERT_EQ(result.stale_examples.size(), 1u);
  const BlockExample& e = result.stale_examples[0];
  EXPECT_EQ(e.offset, Region::offset(3));
  EXPECT_EQ(e.expected_gen, 2u);
  EXPECT_EQ(e.found_gen, 1u);
  EXPECT_EQ(e.backing_gen, 2u);
}

TEST(ClassifyBlocks, OlderGenerationOnBothIsALostWrite) {
  Region region(8);
  Region::put(region.served, 5, make_block(Region::offset(5), 1, 0));
  Region::put(region.backing, 5, make_block(Region::offset(5), 1, 0));
  const auto result = region.classify();
  EXPECT_EQ(result.stale_blocks, 0u);
  EXPECT_EQ(result.older_blocks, 1u);
  EXPECT_EQ(result.lost_writes, 1u);
  ASSERT_EQ(result.lost_examples.size(), 1u);
  EXPECT_EQ(result.lost_examples[0].backing_gen, 1u);
}

TEST(ClassifyBlocks, FlippedDataByteIsTorn) {
  Region region(4);
  region.served[2 * kFioBlockSize + 1000] ^= 0x20;
  const auto result = region.classify();
  EXPECT_EQ(result.torn_blocks, 1u);
  EXPECT_EQ(result.lost_writes, 0u);  // the backing copy is fine
  ASSERT_EQ(result.torn_examples.size(), 1u);
  EXPECT_EQ(result.torn_examples[0].offset, Region::offset(2));
  EXPECT_EQ(result.torn_examples[0].found_gen, 0u);
}

TEST(ClassifyBlocks, AnotherBlocksDataIsMisplaced) {
  Region region(4);
  Region::put(region.served, 1, make_block(Region::offset(2), 2, 0));
  const auto result = region.classify();
  EXPECT_EQ(result.misplaced_blocks, 1u);
  EXPECT_EQ(result.current_blocks, 3u);
}

TEST(ClassifyBlocks, ZerosAreUnrecognisedAndZerosOnBothALostWrite) {
  Region region(4);
  const std::string zeros(kFioBlockSize, '\0');
  Region::put(region.served, 0, zeros);
  Region::put(region.served, 1, zeros);
  Region::put(region.backing, 1, zeros);
  const auto result = region.classify();
  EXPECT_EQ(result.unrecognised_blocks, 2u);
  EXPECT_EQ(result.lost_writes, 1u);
  EXPECT_EQ(result.lost_examples.at(0).offset, Region::offset(1));
}

TEST(ClassifyBlocks, UsesTheExpectationPerOffset) {
  Region region(8, 1);                   // everything generation 1 ...
  for (std::size_t i = 2; i < 4; ++i) {  // ... but the writer's range got generation 2
    Region::put(region.backing, i, make_block(Region::offset(i), 2, 0));
  }
  const auto result = region.classify(generation_in_range(Region::offset(2), Region::offset(4), 2, 1));
  EXPECT_EQ(result.current_blocks, 6u);
  EXPECT_EQ(result.stale_blocks, 2u);
}

TEST(ClassifyBlocks, NewerThanExpectedIsCountedApart) {
  const auto result = Region(2, 3).classify();
  EXPECT_EQ(result.newer_blocks, 2u);
  EXPECT_EQ(result.lost_writes, 2u);  // the backing holds 3, not the expected 2
}

TEST(ClassifyBlocks, CapsTheExamples) {
  Region region(40);
  for (std::size_t i = 0; i < 40; ++i) Region::put(region.served, i, make_block(Region::offset(i), 1, 0));
  const auto result = region.classify(generation_in_range(0, ~0ull, 2, 1), 5);
  EXPECT_EQ(result.stale_blocks, 40u);
  EXPECT_EQ(result.stale_examples.size(), 5u);
  EXPECT_EQ(result.stale_examples.back().offset, Region::offset(4));
}

TEST(ClassifyBlocks, RejectsMismatchedOrPartialRegions) {
  const std::string one = make_block(0, 1, 0);
  const std::string half(2048, '\0');
  auto bytes = [](const std::string& s) { return std::as_bytes(std::span<const char>(s)); };
  auto expected = generation_in_range(0, 1, 1, 1);
  EXPECT_FALSE(classify_blocks({bytes(one), bytes(one + one), 0, expected}));
  EXPECT_FALSE(classify_blocks({bytes(half), bytes(half), 0, expected}));
  EXPECT_FALSE(classify_blocks({bytes(one), bytes(one), 512, expected}));
  EXPECT_FALSE(classify_blocks({bytes(one), bytes(one), 0, nullptr}));
}

TEST(ClassifyBlocks, ClassifiesTheRealFioFixture) {
  // The fixture as served: generation 2 expected in 16 KiB..48 KiB; the backing copy
  // holds generation 2 everywhere there, so the blocks bcache served old are stale.
  const std::string real =
      read_file(std::string(BH_SOURCE_DIR) + "/tests/fixtures/blocks/fio-gen1-gen2-64k.bin").value();
  std::string backing = real;
  std::string served = real;
  served.replace(5 * kFioBlockSize, kFioBlockSize, make_block(5 * kFioBlockSize, 1, 1));
  auto bytes = [](const std::string& s) { return std::as_bytes(std::span<const char>(s)); };
  auto result = classify_blocks({bytes(served), bytes(backing), 0, generation_in_range(16384, 49152, 2, 1)});
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value().current_blocks, 15u);
  EXPECT_EQ(result.value().stale_blocks, 1u);
}

TEST(ClassifyBlocks, JsonHasTheReportFieldNames) {
  Region region(4);
  Region::put(region.served, 0, make_block(Region::offset(0), 1, 0));
  const nlohmann::json json = to_json(region.classify());
  for (const char* key : {"blocks_checked", "stale_blocks", "lost_writes", "torn_blocks", "misplaced_blocks",
                          "unrecognised_blocks", "stale_examples"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["blocks_checked"], 4);
  EXPECT_EQ(json["stale_blocks"], 1);
  EXPECT_EQ(json["stale_examples"][0]["offset"], kStart);
  EXPECT_EQ(json["stale_examples"][0]["expected_gen"], 2);
  EXPECT_EQ(json["stale_examples"][0]["found_gen"], 1);
}

/// Milliseconds to classify the region (every block expected at generation 2).
long long classify_ms(const Region& region) {
  const auto begin = std::chrono::steady_clock::now();
  region.classify();
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  return std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
}

TEST(ClassifyBlocks, ClassifiesSixteenMebibytesQuickly) {
  Region current(4096);
  Region stale(4096);  // the worst case: every backing copy is parsed too
  stale.served = Region(4096, 1).served;
  const long long current_ms = classify_ms(current);
  const long long stale_ms = classify_ms(stale);
  std::printf("4096 blocks: %lld ms all current, %lld ms all stale\n", current_ms, stale_ms);
  EXPECT_LT(current_ms, 100);
  EXPECT_LT(stale_ms, 100);
}

TEST(ClassifyBlocks, TheBlockMapGivesEachBlockItsClassInOrder) {
  Region region(6);
  Region::put(region.served, 1, make_block(Region::offset(1), 1, 0));  // stale
  Region::put(region.served, 2, make_block(Region::offset(2), 1, 0));  // lost: the backing is old too
  Region::put(region.backing, 2, make_block(Region::offset(2), 1, 0));
  Region::put(region.served, 4, std::string(kFioBlockSize, '\0'));  // unrecognised, backing intact
  const auto result = region.classify();
  EXPECT_EQ(result.block_map, ".SL.U.");
  const auto json = block_map_json(result, kStart);
  EXPECT_EQ(json["classes"], ".SL.U.");
  EXPECT_EQ(json["blocks"], 6);
  EXPECT_EQ(json["start_offset"], kStart);
  for (char c : kBlockMapLegend) EXPECT_TRUE(json["legend"].contains(std::string(1, c))) << c;
}

}  // namespace
}  // namespace bh::analysis
