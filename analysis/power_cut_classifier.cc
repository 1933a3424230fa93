#include "analysis/power_cut_classifier.h"

#include <algorithm>
#include <string>

#include "analysis/fio_block_format.h"

namespace bh::analysis {
namespace {

/// Which evidence covers a block.
enum class Zone { kAcknowledged, kInFlight, kUnwritten };

/// One block of the region: its offset on the bcache device and both copies.
struct Block {
  std::uint64_t offset = 0;
  std::span<const std::byte> served;
  std::span<const std::byte> backing;
};

auto region_error(const std::string& what) { return fail("power cut classifier: " + what); }

std::string range_text(const WriteRecord& write) {
  return "[" + std::to_string(write.offset) + ", " + std::to_string(write.offset + write.length) + ")";
}

/// The generation of the block's pattern, 0 when it has none.
unsigned pattern_generation_of(std::span<const std::byte> block) {
  const auto header = parse_block(block);
  return header && header->generation ? *header->generation : 0;
}

Expected<void> check_spans(const PowerCutRegion& region) {
  if (region.served.size() != region.backing.size()) {
    return region_error(std::to_string(region.served.size()) + " bytes served by bcache but " +
                        std::to_string(region.backing.size()) + " bytes from the backing device");
  }
  if (region.served.size() % kFioBlockSize != 0) {
    return region_error(std::to_string(region.served.size()) + " bytes is not a whole number of 4096-byte blocks");
  }
  if (region.start_offset % kFioBlockSize != 0) {
    return region_error("start offset " + std::to_string(region.start_offset) + " is not 4096-aligned");
  }
  return outcome::success();
}

/// The non-empty writes sorted by offset, checked to be block-aligned and disjoint.
Expected<std::vector<WriteRecord>> sorted_writes(std::span<const WriteRecord> writes) {
  std::vector<WriteRecord> sorted;
  for (const WriteRecord& write : writes) {
    if (write.offset % kFioBlockSize != 0 || write.length % kFioBlockSize != 0) {
      return region_error("write record " + range_text(write) + " is not 4096-aligned");
    }
    if (write.length != 0) sorted.push_back(write);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const WriteRecord& a, const WriteRecord& b) { return a.offset < b.offset; });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].offset < sorted[i - 1].offset + sorted[i - 1].length) {
      return region_error("write records " + range_text(sorted[i - 1]) + " and " + range_text(sorted[i]) + " overlap");
    }
  }
  return sorted;
}

/// The zone of `offset` among writes sorted by offset.
Zone zone_of(const std::vector<WriteRecord>& sorted, std::uint64_t offset) {
  auto after = std::upper_bound(sorted.begin(), sorted.end(), offset,
                                [](std::uint64_t at, const WriteRecord& w) { return at < w.offset; });
  if (after == sorted.begin()) return Zone::kUnwritten;
  const WriteRecord& write = *std::prev(after);
  if (offset >= write.offset + write.length) return Zone::kUnwritten;
  return write.state == WriteState::kAcknowledged ? Zone::kAcknowledged : Zone::kInFlight;
}

/// Counts blocks into a PowerCutClassification, one zone's rules at a time.
class Tally {
 public:
  Tally(const PowerCutRegion& region, std::size_t max_examples)
      : old_gen_(region.old_generation), new_gen_(region.new_generation), max_examples_(max_examples) {}

  void acknowledged(const Block& block) {
    ++result_.acknowledged_blocks;
    switch (classify_served(block.served, block.offset, new_gen_)) {
      case ServedKind::kCurrent: return;
      case ServedKind::kOlder:
        note(result_.stale_blocks_after_power_cut, result_.stale_examples, block, new_gen_);
        if (intact_generation_at(block.backing, block.offset) != new_gen_) ++result_.lost_writes;
        return;
      case ServedKind::kNewer: return note(result_.newer_blocks, result_.newer_examples, block, new_gen_);
      default: return note(result_.torn_blocks, result_.torn_examples, block, new_gen_);
    }
  }

  void in_flight(const Block& block) {
    const ServedKind kind = classify_served(block.served, block.offset, new_gen_);
    if (kind == ServedKind::kCurrent) {
      ++result_.in_flight_new_blocks;
    } else if (kind == ServedKind::kOlder && pattern_generation_of(block.served) == old_gen_) {
      ++result_.in_flight_old_blocks;
    } else if (kind == ServedKind::kNewer) {
      note(result_.newer_blocks, result_.newer_examples, block, new_gen_);
    } else {
      note(result_.torn_blocks, result_.torn_examples, block, new_gen_);
    }
  }

  void unwritten(const Block& block) {
    const ServedKind kind = classify_served(block.served, block.offset, old_gen_);
    if (kind == ServedKind::kCurrent) return;
    if (kind == ServedKind::kNewer) {
      return note(result_.newer_blocks, result_.newer_examples, block, old_gen_);
    }
    note(result_.torn_blocks, result_.torn_examples, block, old_gen_);
  }

  PowerCutClassification& result() { return result_; }

 private:
  void note(std::uint64_t& count, std::vector<BlockExample>& examples, const Block& block, unsigned expected_gen) {
    ++count;
    if (examples.size() >= max_examples_) return;
    examples.push_back({block.offset, expected_gen, pattern_generation_of(block.served),
                        intact_generation_at(block.backing, block.offset)});
  }

  unsigned old_gen_;
  unsigned new_gen_;
  std::size_t max_examples_;
  PowerCutClassification result_;
};

void count_writes(PowerCutClassification& result, std::span<const WriteRecord> writes) {
  for (const WriteRecord& write : writes) {
    ++(write.state == WriteState::kAcknowledged ? result.acknowledged_writes : result.in_flight_writes);
  }
}

}  // namespace

Expected<PowerCutClassification> classify_after_power_cut(const PowerCutRegion& region, std::size_t max_examples) {
  if (auto spans = check_spans(region); !spans) return spans.error();
  auto writes = sorted_writes(region.writes);
  if (!writes) return writes.error();
  Tally tally(region, max_examples);
  for (std::size_t at = 0; at < region.served.size(); at += kFioBlockSize) {
    const Block block{region.start_offset + at, region.served.subspan(at, kFioBlockSize),
                      region.backing.subspan(at, kFioBlockSize)};
    switch (zone_of(writes.value(), block.offset)) {
      case Zone::kAcknowledged: tally.acknowledged(block); break;
      case Zone::kInFlight: tally.in_flight(block); break;
      case Zone::kUnwritten: tally.unwritten(block); break;
    }
    ++tally.result().blocks_checked;
  }
  count_writes(tally.result(), region.writes);
  return std::move(tally.result());
}

nlohmann::json to_json(const PowerCutClassification& result) {
  return {{"blocks_checked", result.blocks_checked},
          {"acknowledged_writes", result.acknowledged_writes},
          {"in_flight_writes", result.in_flight_writes},
          {"acknowledged_blocks", result.acknowledged_blocks},
          {"stale_blocks_after_power_cut", result.stale_blocks_after_power_cut},
          {"lost_writes", result.lost_writes},
          {"torn_blocks", result.torn_blocks},
          {"newer_blocks", result.newer_blocks},
          {"in_flight_old_blocks", result.in_flight_old_blocks},
          {"in_flight_new_blocks", result.in_flight_new_blocks},
          {"stale_examples", to_json(result.stale_examples)},
          {"torn_examples", to_json(result.torn_examples)},
          {"newer_examples", to_json(result.newer_examples)}};
}

}  // namespace bh::analysis
