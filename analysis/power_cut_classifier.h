#pragma once
/// Classifying what bcache serves after a power cut and reboot: each 4 KiB block read
/// through /dev/bcache0, against what the writer's evidence says reached the disk (its
/// acknowledged and in-flight writes) and against the backing device's own copy.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "analysis/block_classifier.h"
#include "analysis/write_completions.h"
#include "base/expected.h"

namespace bh::analysis {

/// What to classify. `served` was read through /dev/bcache0 from `start_offset`;
/// `backing` is the same region read from the backing device, its data offset already
/// applied. Both the same size, a whole number of 4 KiB blocks. `writes` are the writer's
/// writes (from writes_from_verify_state or all_writes_acknowledged), in any order, not
/// overlapping, on 4 KiB boundaries; blocks in none of them were never written by the
/// writer and must still hold `old_generation`.
struct PowerCutRegion {
  std::span<const std::byte> served;
  std::span<const std::byte> backing;
  std::uint64_t start_offset = 0;
  std::span<const WriteRecord> writes;
  unsigned old_generation = 1;  ///< what the fill wrote everywhere
  unsigned new_generation = 2;  ///< what the writer wrote
};

/// Counts over one region, and up to max_examples examples per kind.
///
/// A block inside an acknowledged write must hold the new generation; one inside an
/// in-flight write may hold the old or the new one (the cut decides); any other block must
/// hold the old one. An intact block of a generation newer than the new one, or of the new
/// one outside the writes, is `newer`: the harness's expectation is wrong, not bcache.
struct PowerCutClassification {
  std::uint64_t blocks_checked = 0;
  std::uint64_t acknowledged_writes = 0;  ///< acknowledged WriteRecords (all given)
  std::uint64_t in_flight_writes = 0;     ///< in-flight WriteRecords (all given)
  std::uint64_t acknowledged_blocks = 0;  ///< checked blocks inside acknowledged writes
  /// Blocks of acknowledged writes served intact with an older generation.
  std::uint64_t stale_blocks_after_power_cut = 0;
  /// Of those, blocks whose backing copy lacks the new generation intact too: the
  /// acknowledged write is gone from both.
  std::uint64_t lost_writes = 0;
  /// Blocks not served intact at their own offset (torn, unrecognised, misplaced) or, in an
  /// in-flight write or outside the writes, of a generation that is neither allowed one.
  std::uint64_t torn_blocks = 0;
  std::uint64_t newer_blocks = 0;
  std::uint64_t in_flight_old_blocks = 0;  ///< in-flight blocks served with the old generation
  std::uint64_t in_flight_new_blocks = 0;  ///< in-flight blocks served with the new generation
  std::vector<BlockExample> stale_examples;
  std::vector<BlockExample> torn_examples;
  std::vector<BlockExample> newer_examples;
};

/// Classifies every block of the region. Fails (naming the sizes or offsets) when the
/// spans differ in size or are not whole blocks, the start is not 4 KiB-aligned, or a
/// write record is not on 4 KiB boundaries or overlaps another.
Expected<PowerCutClassification> classify_after_power_cut(const PowerCutRegion& region, std::size_t max_examples = 10);

/// The classification as JSON: the struct's counters under their snake_case names and
/// stale_examples, torn_examples and newer_examples arrays of
/// {offset, expected_gen, found_gen, backing_gen}.
nlohmann::json to_json(const PowerCutClassification& result);

}  // namespace bh::analysis
