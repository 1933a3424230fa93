#include "analysis/power_cut_classifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "analysis/fio_block_format.h"
#include "util/files.h"

namespace bh::analysis {
namespace {

constexpr std::uint64_t kStart = 1 << 20;  // the region starts 1 MiB into /dev/bcache0
constexpr std::uint64_t kBlock = kFioBlockSize;

std::span<const std::byte> bytes_of(const std::string& text) { return std::as_bytes(std::span<const char>(text)); }

/// Eight blocks at kStart as a clean cut leaves them: blocks 0-3 an acknowledged write and
/// 4-5 an in-flight one, both already holding generation 2 on both copies; blocks 6-7
/// never written, holding the fill's generation 1.
struct Disk {
  Disk() {
    for (std::size_t i = 0; i < 8; ++i) {
      served += make_block(offset(i), i < 6 ? 2 : 1, static_cast<std::uint16_t>(i / 2));
    }
    backing = served;
  }
  static std::uint64_t offset(std::size_t index) { return kStart + index * kBlock; }
  static void put(std::string& image, std::size_t index, const std::string& block) {
    image.replace(index * kBlock, kBlock, block);
  }
  PowerCutRegion region() const { return {bytes_of(served), bytes_of(backing), kStart, writes, 1, 2}; }
  PowerCutClassification classify(std::size_t max_examples = 10) const {
    auto result = classify_after_power_cut(region(), max_examples);
    EXPECT_TRUE(result) << result.error().message;
    return result.value();
  }

  std::string served;
  std::string backing;
  std::vector<WriteRecord> writes{{offset(0), 4 * kBlock, WriteState::kAcknowledged},
                                  {offset(4), 2 * kBlock, WriteState::kInFlight}};
};

std::uint64_t problems(const PowerCutClassification& r) {
  return r.stale_blocks_after_power_cut + r.lost_writes + r.torn_blocks + r.newer_blocks;
}

TEST(ClassifyAfterPowerCut, CleanCutHasNoProblems) {
  const auto result = Disk().classify();
  EXPECT_EQ(result.blocks_checked, 8u);
  EXPECT_EQ(result.acknowledged_writes, 1u);
  EXPECT_EQ(result.in_flight_writes, 1u);
  EXPECT_EQ(result.acknowledged_blocks, 4u);
  EXPECT_EQ(result.in_flight_new_blocks, 2u);
  EXPECT_EQ(problems(result), 0u);
}

TEST(ClassifyAfterPowerCut, AcknowledgedBlockServedOldIsStale) {
  Disk disk;
  Disk::put(disk.served, 2, make_block(Disk::offset(2), 1, 0));
  const auto result = disk.classify();
  EXPECT_EQ(result.stale_blocks_after_power_cut, 1u);
  EXPECT_EQ(result.lost_writes, 0u);  // the backing device holds generation 2
  ASSERT_EQ(result.stale_examples.size(), 1u);
  const BlockExample& e = result.stale_examples[0];
  EXPECT_EQ(e.offset, Disk::offset(2));
  EXPECT_EQ(e.expected_gen, 2u);
  EXPECT_EQ(e.found_gen, 1u);
  EXPECT_EQ(e.backing_gen, 2u);
}

TEST(ClassifyAfterPowerCut, AcknowledgedWriteOldOnBothIsLost) {
  Disk disk;
  Disk::put(disk.served, 1, make_block(Disk::offset(1), 1, 0));
  Disk::put(disk.backing, 1, make_block(Disk::offset(1), 1, 0));
  Disk::put(disk.served, 3, make_block(Disk::offset(3), 1, 0));
  disk.backing[3 * kBlock + 100] ^= 0x04;  // backing copy torn: it lacks generation 2 too
  const auto result = disk.classify();
  EXPECT_EQ(result.stale_blocks_after_power_cut, 2u);
  EXPECT_EQ(result.lost_writes, 2u);
  EXPECT_EQ(result.stale_examples.at(0).backing_gen, 1u);
  EXPECT_EQ(result.stale_examples.at(1).backing_gen, 0u);
}

TEST(ClassifyAfterPowerCut, InFlightOldOrNewIsNotCounted) {
  Disk disk;
  Disk::put(disk.served, 4, make_block(Disk::offset(4), 1, 0));
  const auto result = disk.classify();
  EXPECT_EQ(result.in_flight_old_blocks, 1u);
  EXPECT_EQ(result.in_flight_new_blocks, 1u);
  EXPECT_EQ(problems(result), 0u);
}

TEST(ClassifyAfterPowerCut, TornBlocksAreReportedApartNotStale) {
  Disk disk;
  disk.served[0 * kBlock + 1000] ^= 0x20;                        // acknowledged, torn
  Disk::put(disk.served, 1, make_block(Disk::offset(2), 2, 1));  // acknowledged, misplaced
  Disk::put(disk.served, 5, std::string(kBlock, '\0'));          // in flight, zeros
  Disk::put(disk.served, 7, make_block(Disk::offset(7), 0, 0));  // unwritten, an older gen
  const auto result = disk.classify();
  EXPECT_EQ(result.torn_blocks, 4u);
  EXPECT_EQ(result.stale_blocks_after_power_cut, 0u);
  EXPECT_EQ(result.lost_writes, 0u);
  ASSERT_EQ(result.torn_examples.size(), 4u);
  EXPECT_EQ(result.torn_examples[0].offset, Disk::offset(0));
  EXPECT_EQ(result.torn_examples[0].found_gen, 0u);
  EXPECT_EQ(result.torn_examples[3].expected_gen, 1u);
}

TEST(ClassifyAfterPowerCut, NewGenerationWhereTheWriterNeverWroteIsNewer) {
  Disk disk;
  Disk::put(disk.served, 6, make_block(Disk::offset(6), 2, 0));
  Disk::put(disk.served, 0, make_block(Disk::offset(0), 3, 0));
  const auto result = disk.classify();
  EXPECT_EQ(result.newer_blocks, 2u);
  EXPECT_EQ(result.stale_blocks_after_power_cut + result.torn_blocks, 0u);
  ASSERT_EQ(result.newer_examples.size(), 2u);
  EXPECT_EQ(result.newer_examples[1].offset, Disk::offset(6));
  EXPECT_EQ(result.newer_examples[1].expected_gen, 1u);
  EXPECT_EQ(result.newer_examples[1].found_gen, 2u);
}

TEST(ClassifyAfterPowerCut, UnsortedRecordsAndCappedExamples) {
  Disk disk;
  std::reverse(disk.writes.begin(), disk.writes.end());
  for (std::size_t i = 0; i < 4; ++i) Disk::put(disk.served, i, make_block(Disk::offset(i), 1, 0));
  const auto result = disk.classify(3);
  EXPECT_EQ(result.stale_blocks_after_power_cut, 4u);
  EXPECT_EQ(result.stale_examples.size(), 3u);
  EXPECT_EQ(result.stale_examples.back().offset, Disk::offset(2));
}

TEST(ClassifyAfterPowerCut, RejectsMismatchedOrPartialSpans) {
  Disk disk;
  PowerCutRegion region = disk.region();
  region.backing = region.backing.first(4 * kBlock);
  auto result = classify_after_power_cut(region);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "power cut classifier: 32768 bytes served by bcache but 16384 bytes from the backing "
            "device");
  region = disk.region();
  region.served = region.served.first(6000);
  region.backing = region.backing.first(6000);
  result = classify_after_power_cut(region);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "power cut classifier: 6000 bytes is not a whole number of 4096-byte blocks");
  region = disk.region();
  region.start_offset = 512;
  EXPECT_FALSE(classify_after_power_cut(region));
}

TEST(ClassifyAfterPowerCut, RejectsOverlappingOrUnalignedRecords) {
  Disk disk;
  disk.writes.push_back({Disk::offset(5), kBlock, WriteState::kAcknowledged});
  auto result = classify_after_power_cut(disk.region());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "power cut classifier: write records [1064960, 1073152) and [1069056, 1073152) "
            "overlap");
  disk.writes.back() = {Disk::offset(6) + 512, kBlock, WriteState::kAcknowledged};
  result = classify_after_power_cut(disk.region());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("is not 4096-aligned"), std::string::npos);
}

TEST(ClassifyAfterPowerCut, RealFioBlocksWithAWriterCutMidWay) {
  // tests/fixtures/blocks: generation 1 everywhere, then generation 2 over 16..48 KiB in
  // 8 KiB writes. A state saying 4 writes issued, the 2nd (at 24 KiB) the newest done.
  const std::string real =
      read_file(std::string(BH_SOURCE_DIR) + "/tests/fixtures/blocks/fio-gen1-gen2-64k.bin").value();
  const SequentialWriter writer{16384, 32768, 8192};
  const auto writes = writes_from_verify_state({"writer", 0, 1, 1, 4, {16384 + 8192}}, writer).value();
  auto result = classify_after_power_cut({bytes_of(real), bytes_of(real), 0, writes, 1, 2});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().blocks_checked, 16u);
  EXPECT_EQ(result.value().acknowledged_writes, 2u);
  EXPECT_EQ(result.value().acknowledged_blocks, 4u);
  EXPECT_EQ(result.value().in_flight_new_blocks, 4u);
  EXPECT_EQ(problems(result.value()), 0u);
}

TEST(ClassifyAfterPowerCut, JsonHasExactlyTheReportFieldNames) {
  Disk disk;
  Disk::put(disk.served, 0, make_block(Disk::offset(0), 1, 0));
  const nlohmann::json json = to_json(disk.classify());
  std::set<std::string> keys;
  for (const auto& item : json.items()) keys.insert(item.key());
  const std::set<std::string> expected{"blocks_checked",
                                       "acknowledged_writes",
                                       "in_flight_writes",
                                       "acknowledged_blocks",
                                       "stale_blocks_after_power_cut",
                                       "lost_writes",
                                       "torn_blocks",
                                       "newer_blocks",
                                       "in_flight_old_blocks",
                                       "in_flight_new_blocks",
                                       "stale_examples",
                                       "torn_examples",
                                       "newer_examples"};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(json["stale_blocks_after_power_cut"], 1);
  EXPECT_EQ(json["in_flight_new_blocks"], 2);
  EXPECT_EQ(json["stale_examples"][0]["offset"], kStart);
  EXPECT_EQ(json["stale_examples"][0]["expected_gen"], 2);
  EXPECT_EQ(json["stale_examples"][0]["found_gen"], 1);
  EXPECT_EQ(json["stale_examples"][0]["backing_gen"], 2);
}

}  // namespace
}  // namespace bh::analysis
