#include "analysis/block_classifier.h"

#include <optional>
#include <string>

#include "analysis/fio_block_format.h"

namespace bh::analysis {
namespace {

ServedKind kind_of(const std::optional<BlockHeader>& header, std::uint64_t offset, unsigned expected_gen) {
  if (!header || !header->magic_ok) return ServedKind::kUnrecognised;
  if (!header->intact()) return ServedKind::kTorn;
  if (header->offset != offset) return ServedKind::kMisplaced;
  if (*header->generation == expected_gen) return ServedKind::kCurrent;
  return *header->generation < expected_gen ? ServedKind::kOlder : ServedKind::kNewer;
}

/// The generation of an intact block written for `offset`, 0 for anything else.
void note(std::uint64_t& count, std::vector<BlockExample>& examples, const BlockExample& example,
          std::size_t max_examples) {
  ++count;
  if (examples.size() < max_examples) examples.push_back(example);
}

/// The block_map character of a non-current block.
char block_class(ServedKind kind, bool backing_holds_expected) {
  if (!backing_holds_expected) return 'L';
  switch (kind) {
    case ServedKind::kOlder: return 'S';
    case ServedKind::kNewer: return 'N';
    case ServedKind::kMisplaced: return 'M';
    case ServedKind::kTorn: return 'T';
    default: return 'U';
  }
}

/// Counts one non-current block by what bcache served and by what the backing holds.
void note_non_current(BlockClassification& result, ServedKind kind, const BlockExample& example,
                      std::size_t max_examples) {
  const bool backing_holds_expected = example.backing_gen == example.expected_gen;
  result.block_map += block_class(kind, backing_holds_expected);
  switch (kind) {
    case ServedKind::kOlder:
      ++result.older_blocks;
      if (backing_holds_expected) {
        note(result.stale_blocks, result.stale_examples, example, max_examples);
      }
      break;
    case ServedKind::kNewer: note(result.newer_blocks, result.newer_examples, example, max_examples); break;
    case ServedKind::kMisplaced: note(result.misplaced_blocks, result.misplaced_examples, example, max_examples); break;
    case ServedKind::kTorn: note(result.torn_blocks, result.torn_examples, example, max_examples); break;
    case ServedKind::kUnrecognised:
      note(result.unrecognised_blocks, result.unrecognised_examples, example, max_examples);
      break;
    case ServedKind::kCurrent: break;
  }
  if (!backing_holds_expected) note(result.lost_writes, result.lost_examples, example, max_examples);
}

Expected<void> check_region(const BlockRegion& region) {
  if (region.served.size() != region.backing.size()) {
    return fail("block classifier: " + std::to_string(region.served.size()) + " bytes served by bcache but " +
                std::to_string(region.backing.size()) + " bytes from the backing device");
  }
  if (region.served.size() % kFioBlockSize != 0) {
    return fail("block classifier: " + std::to_string(region.served.size()) +
                " bytes is not a whole number of 4096-byte blocks");
  }
  if (region.start_offset % kFioBlockSize != 0) {
    return fail("block classifier: start offset " + std::to_string(region.start_offset) + " is not 4096-aligned");
  }
  if (!region.expected) return fail("block classifier: no expected generation given");
  return outcome::success();
}

}  // namespace

unsigned intact_generation_at(std::span<const std::byte> block, std::uint64_t offset) {
  const auto header = parse_block(block);
  if (!header || !header->intact() || header->offset != offset) return 0;
  return *header->generation;
}

nlohmann::json to_json(const std::vector<BlockExample>& examples) {
  nlohmann::json list = nlohmann::json::array();
  for (const BlockExample& e : examples) {
    list.push_back({{"offset", e.offset},
                    {"expected_gen", e.expected_gen},
                    {"found_gen", e.found_gen},
                    {"backing_gen", e.backing_gen}});
  }
  return list;
}

ExpectedGeneration generation_in_range(std::uint64_t begin, std::uint64_t end, unsigned inside, unsigned outside) {
  return [=](std::uint64_t offset) { return offset >= begin && offset < end ? inside : outside; };
}

ServedKind classify_served(std::span<const std::byte> block, std::uint64_t offset, unsigned expected_gen) {
  return kind_of(parse_block(block), offset, expected_gen);
}

Expected<BlockClassification> classify_blocks(const BlockRegion& region, std::size_t max_examples) {
  if (auto checked = check_region(region); !checked) return checked.error();
  BlockClassification result;
  for (std::size_t at = 0; at < region.served.size(); at += kFioBlockSize) {
    const std::uint64_t offset = region.start_offset + at;
    const unsigned expected_gen = region.expected(offset);
    const auto header = parse_block(region.served.subspan(at, kFioBlockSize));
    const ServedKind kind = kind_of(header, offset, expected_gen);
    ++result.blocks_checked;
    if (kind == ServedKind::kCurrent) {
      ++result.current_blocks;
      result.block_map += '.';
      continue;
    }
    const unsigned found_gen = header && header->generation ? *header->generation : 0;
    const unsigned backing_gen = intact_generation_at(region.backing.subspan(at, kFioBlockSize), offset);
    note_non_current(result, kind, {offset, expected_gen, found_gen, backing_gen}, max_examples);
  }
  return result;
}

nlohmann::json block_map_json(const BlockClassification& result, std::uint64_t start_offset) {
  return {{"block_size", kFioBlockSize},
          {"start_offset", start_offset},
          {"blocks", result.block_map.size()},
          {"classes", result.block_map},
          {"legend",
           {{".", "current"},
            {"S", "stale"},
            {"L", "lost write"},
            {"N", "newer"},
            {"T", "torn"},
            {"M", "misplaced"},
            {"U", "unrecognised"}}}};
}

nlohmann::json to_json(const BlockClassification& result) {
  return {{"blocks_checked", result.blocks_checked},
          {"current_blocks", result.current_blocks},
          {"stale_blocks", result.stale_blocks},
          {"lost_writes", result.lost_writes},
          {"older_blocks", result.older_blocks},
          {"newer_blocks", result.newer_blocks},
          {"torn_blocks", result.torn_blocks},
          {"misplaced_blocks", result.misplaced_blocks},
          {"unrecognised_blocks", result.unrecognised_blocks},
          {"stale_examples", to_json(result.stale_examples)},
          {"lost_examples", to_json(result.lost_examples)},
          {"newer_examples", to_json(result.newer_examples)},
          {"torn_examples", to_json(result.torn_examples)},
          {"misplaced_examples", to_json(result.misplaced_examples)},
          {"unrecognised_examples", to_json(result.unrecognised_examples)}};
}

}  // namespace bh::analysis
