#include "analysis/write_completions.h"

#include <algorithm>
#include <string>

namespace bh::analysis {
namespace {

/// A failure whose message says it is about the writer's verify state.
auto writes_error(const std::string& what) { return fail("writer's verify state: " + what); }

/// How many writes cover write_size, the last one possibly short.
std::uint64_t write_count(const SequentialWriter& writer) {
  return writer.write_size / writer.io_size + (writer.write_size % writer.io_size != 0);
}

WriteRecord write_at(const SequentialWriter& writer, std::uint64_t index, WriteState state) {
  const std::uint64_t start = index * writer.io_size;
  return {writer.write_offset + start, std::min(writer.io_size, writer.write_size - start), state};
}

/// The writer's writes [0, issued), the first `acknowledged` of them acknowledged.
std::vector<WriteRecord> writes_up_to(const SequentialWriter& writer, std::uint64_t issued,
                                      std::uint64_t acknowledged) {
  std::vector<WriteRecord> writes;
  writes.reserve(issued);
  for (std::uint64_t i = 0; i < issued; ++i) {
    writes.push_back(write_at(writer, i, i < acknowledged ? WriteState::kAcknowledged : WriteState::kInFlight));
  }
  return writes;
}

Expected<void> check_shape(const FioVerifyState& state, const SequentialWriter& writer) {
  if (writer.io_size == 0) return writes_error("the writer's io_size is 0");
  if (state.depth != 1) {
    return writes_error("job '" + state.job_name + "' has depth " + std::to_string(state.depth) +
                        ", but only iodepth 1 orders its completions");
  }
  if (state.files != 1) {
    return writes_error("job '" + state.job_name + "' has " + std::to_string(state.files) +
                        " files, but the sequential writer writes one");
  }
  return outcome::success();
}

/// The index of the write starting at `offset`, when it is one of the writer's.
Expected<std::uint64_t> write_index(const SequentialWriter& writer, std::uint64_t offset) {
  const std::uint64_t end = writer.write_offset + writer.write_size;
  if (offset < writer.write_offset || offset >= end || (offset - writer.write_offset) % writer.io_size != 0) {
    return writes_error("completed offset " + std::to_string(offset) + " is not a write of " +
                        std::to_string(writer.io_size) + " bytes in [" + std::to_string(writer.write_offset) + ", " +
                        std::to_string(end) + ")");
  }
  return (offset - writer.write_offset) / writer.io_size;
}

/// How many writes the newest completion vouches for (0 when none completed yet).
Expected<std::uint64_t> acknowledged_count(const FioVerifyState& state, const SequentialWriter& writer) {
  for (const std::uint64_t offset : state.completed_write_offsets) {
    if (auto index = write_index(writer, offset); !index) return index.error();
  }
  if (state.completed_write_offsets.empty()) return std::uint64_t{0};
  return write_index(writer, state.completed_write_offsets.front()).value() + 1;
}

Expected<void> check_issued(const FioVerifyState& state, std::uint64_t acknowledged, std::uint64_t writes) {
  if (state.issued_writes < acknowledged) {
    return writes_error("issued_writes " + std::to_string(state.issued_writes) + " is below the " +
                        std::to_string(acknowledged) + " writes its newest completion acknowledges");
  }
  if (state.issued_writes > writes) {
    return writes_error("issued_writes " + std::to_string(state.issued_writes) + " is above the writer's " +
                        std::to_string(writes) + " writes");
  }
  return outcome::success();
}

}  // namespace

Expected<std::vector<WriteRecord>> writes_from_verify_state(const FioVerifyState& state,
                                                            const SequentialWriter& writer) {
  if (auto shape = check_shape(state, writer); !shape) return shape.error();
  auto acknowledged = acknowledged_count(state, writer);
  if (!acknowledged) return acknowledged.error();
  if (auto issued = check_issued(state, acknowledged.value(), write_count(writer)); !issued) {
    return issued.error();
  }
  return writes_up_to(writer, state.issued_writes, acknowledged.value());
}

std::vector<WriteRecord> all_writes_acknowledged(const SequentialWriter& writer) {
  if (writer.io_size == 0) return {};
  const std::uint64_t writes = write_count(writer);
  return writes_up_to(writer, writes, writes);
}

}  // namespace bh::analysis
