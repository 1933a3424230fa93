#pragma once
/// A run's block map as the report shows it: the class of every 4 KiB block of the region a
/// race or control run checked (block-map.json in its run directory, written from
/// analysis/block_classifier.h's block_map_json), and its picture, an inline SVG.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// One run's block map.
struct BlockMap {
  std::string scenario;       ///< the scenario's name, as in summary.json
  std::size_t run_index = 0;  ///< 0-based position in the scenario's "runs"
  std::uint64_t block_size = 4096;
  std::uint64_t start_offset = 0;  ///< byte offset on /dev/bcache0 of the first block
  std::string classes;             ///< one kBlockMapLegend character per block, in offset order
  std::uint64_t write_offset = 0;  ///< the writer's range inside the region, in bytes;
  std::uint64_t write_size = 0;    ///< 0: not recorded (the map then marks no range)

  bool operator==(const BlockMap&) const = default;
};

/// Parses the text of a block-map.json. Fails, naming `source` and the key, when the text is
/// not JSON, "block_size", "start_offset", "blocks" or "classes" is missing or of the wrong
/// type, "classes" holds a character outside kBlockMapLegend or is not "blocks" long.
/// "write_offset" and "write_size" are optional; scenario and run_index are left for the
/// caller to set.
Expected<BlockMap> parse_block_map(std::string_view text, std::string_view source);

/// What a class character means ("current", "stale", "lost write", ...); "unknown" for a
/// character outside kBlockMapLegend.
std::string_view block_class_name(char block_class);

/// The colour a class is drawn in, as CSS/SVG accepts it ("#d62728").
std::string_view block_class_colour(char block_class);

/// The colour of the outline that marks the writer's range.
inline constexpr std::string_view kWriterOutlineColour = "#1f3a93";

/// The number of blocks of each class, in kBlockMapLegend order, classes with none left out.
std::vector<std::pair<char, std::uint64_t>> block_class_counts(const BlockMap& map);

/// Blocks that are not current ('.').
std::uint64_t non_current_blocks(const BlockMap& map);

/// How many blocks one row of the picture holds: a power of two, at least 64 (or every block,
/// when there are fewer), chosen so that the picture is about four times wider than high.
std::size_t block_map_columns(std::size_t blocks);

/// The half-open range of blocks [first, end) the writer wrote, clamped to the map; empty
/// (first == end) when the map records no writer's range or it lies outside the region.
std::pair<std::size_t, std::size_t> writer_blocks(const BlockMap& map);

/// The map as an <svg> element for inline use in HTML (no prolog, no namespaces, no ids):
/// a viewBox of one unit per block, block_map_columns blocks a row. The current blocks are
/// one background; each run of consecutive blocks of another class within a row is one
/// <rect> inside a <g class="bm-CLASS" fill="COLOUR"> (CLASS: the class name, spaces as
/// "-"), and the writer's range is outlined by a <path class="bm-writer">. Its size grows
/// with the number of such runs, not with the number of blocks.
std::string block_map_svg(const BlockMap& map);

}  // namespace bh::analysis
