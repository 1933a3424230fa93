#pragma once
/// Classifying the blocks read back after a race run: what /dev/bcache0 served for each
/// 4 KiB block, against the generation the harness's writers last wrote there and against
/// what the backing device itself holds.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// What bcache served for one block.
enum class ServedKind {
  kCurrent,       ///< intact, its own offset, the expected generation
  kOlder,         ///< intact, its own offset, an older generation
  kNewer,         ///< intact, its own offset, a newer generation (the expectation is wrong)
  kMisplaced,     ///< intact, but written for another offset
  kTorn,          ///< fio's magic, but a checksum fails or the pattern is not one generation
  kUnrecognised,  ///< no fio header at all (zeros, foreign data)
};

/// One block that was not current, for the report.
struct BlockExample {
  std::uint64_t offset = 0;  ///< byte offset on the bcache device
  unsigned expected_gen = 0;
  unsigned found_gen = 0;    ///< generation bcache served (its pattern), 0 if none
  unsigned backing_gen = 0;  ///< backing copy's generation if intact at this offset, else 0
};

/// Counts over one region, and up to max_examples examples per kind.
///
/// Every non-current block falls in one served kind (older, newer, misplaced, torn,
/// unrecognised) and, by its backing copy, is either a stale cache entry (the backing
/// device holds the expected generation intact: bcache served something else) or a lost
/// write (the backing device does not hold the acknowledged write either).
struct BlockClassification {
  std::uint64_t blocks_checked = 0;
  std::uint64_t current_blocks = 0;
  /// Older generation served while the backing device holds the expected one: the race.
  std::uint64_t stale_blocks = 0;
  /// Non-current blocks (any served kind) whose backing copy lacks the expected generation.
  std::uint64_t lost_writes = 0;
  std::uint64_t older_blocks = 0;  ///< older generation served, whatever the backing holds
  std::uint64_t newer_blocks = 0;
  std::uint64_t torn_blocks = 0;
  std::uint64_t misplaced_blocks = 0;
  std::uint64_t unrecognised_blocks = 0;
  std::vector<BlockExample> stale_examples;
  std::vector<BlockExample> lost_examples;
  std::vector<BlockExample> newer_examples;
  std::vector<BlockExample> torn_examples;
  std::vector<BlockExample> misplaced_examples;
  std::vector<BlockExample> unrecognised_examples;
  /// One character per block, in region order: the block's class (see kBlockMapLegend).
  std::string block_map;
};

/// The classes of block_map: '.' current, 'S' stale (an older generation served while the
/// backing device holds the expected one), 'L' lost write (the backing device lacks the
/// expected generation too), and, with the backing copy intact, 'N' newer, 'T' torn,
/// 'M' misplaced, 'U' unrecognised.
inline constexpr std::string_view kBlockMapLegend = ".SLNTMU";

/// The generation the harness expects at a byte offset of the bcache device.
using ExpectedGeneration = std::function<unsigned(std::uint64_t offset)>;

/// `inside` for offsets in [begin, end), `outside` elsewhere (one writer's range).
ExpectedGeneration generation_in_range(std::uint64_t begin, std::uint64_t end, unsigned inside, unsigned outside);

/// What to classify. `served` was read through /dev/bcache0 from `start_offset`;
/// `backing` is the same region read from the backing device, its data offset already
/// applied. Both the same size, a whole number of 4 KiB blocks.
struct BlockRegion {
  std::span<const std::byte> served;
  std::span<const std::byte> backing;
  std::uint64_t start_offset = 0;
  ExpectedGeneration expected;
};

/// The generation of an intact block fio wrote for `offset`; 0 for anything else (torn,
/// misplaced, foreign data).
unsigned intact_generation_at(std::span<const std::byte> block, std::uint64_t offset);

/// Examples as a JSON array of {offset, expected_gen, found_gen, backing_gen}.
nlohmann::json to_json(const std::vector<BlockExample>& examples);

/// The served kind of one block read at `offset` where `expected_gen` should be.
ServedKind classify_served(std::span<const std::byte> block, std::uint64_t offset, unsigned expected_gen);

/// Classifies every block of the region; fails (naming the sizes) when the spans differ
/// in size, are not whole blocks, or no expectation is given.
Expected<BlockClassification> classify_blocks(const BlockRegion& region, std::size_t max_examples = 10);

/// The classification as JSON: blocks_checked, current_blocks, stale_blocks, lost_writes,
/// older_blocks, newer_blocks, torn_blocks, misplaced_blocks, unrecognised_blocks and
/// <kind>_examples arrays of {offset, expected_gen, found_gen, backing_gen}.
nlohmann::json to_json(const BlockClassification& result);

/// The block map of a run's region as block-map.json holds it: {"block_size": 4096,
/// "start_offset" (bytes on the bcache device), "blocks", "classes" (block_map), "legend"
/// (class character -> name)}.
nlohmann::json block_map_json(const BlockClassification& result, std::uint64_t start_offset);

}  // namespace bh::analysis
