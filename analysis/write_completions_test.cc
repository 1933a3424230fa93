#include "analysis/write_completions.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "util/files.h"

namespace bh::analysis {
namespace {

constexpr std::uint64_t kIo = 128 * 1024;
/// The race's writer as the fixtures ran it: 16 MiB from offset 0 in 128 KiB writes.
constexpr SequentialWriter kRaceWriter{0, 16 << 20, kIo};

FioVerifyState fixture_state(const std::string& name) {
  const auto bytes = read_file(std::string(BH_SOURCE_DIR) + "/tests/fixtures/verify-state/" + name).value();
  return parse_fio_verify_state(bytes).value();
}

/// A state as fio saves it for the writer: depth 1, one file.
FioVerifyState writer_state(std::uint64_t issued, std::vector<std::uint64_t> completed) {
  return {"writer", 0, 1, 1, issued, std::move(completed)};
}

std::size_t count(const std::vector<WriteRecord>& writes, WriteState state) {
  return std::count_if(writes.begin(), writes.end(), [state](const WriteRecord& w) { return w.state == state; });
}

std::string error_of(const FioVerifyState& state, const SequentialWriter& writer = kRaceWriter) {
  auto result = writes_from_verify_state(state, writer);
  EXPECT_FALSE(result);
  return result ? "" : result.error().message;
}

TEST(WritesFromVerifyState, RealRaceWriterCutAfterItsThirtyFirstWrite) {
  // numberio 31, newest completion 3932160 = write 31's offset: all 31 acknowledged.
  auto writes = writes_from_verify_state(fixture_state("race-trigger/local-writer-0-verify.state"), kRaceWriter);
  ASSERT_TRUE(writes) << writes.error().message;
  ASSERT_EQ(writes.value().size(), 31u);
  EXPECT_EQ(count(writes.value(), WriteState::kAcknowledged), 31u);
  EXPECT_EQ(writes.value().back().offset, 30 * kIo);
  EXPECT_EQ(writes.value().back().length, kIo);
}

TEST(WritesFromVerifyState, RealWriterCutWithAWriteInFlight) {
  // numberio 349, newest completion 45481984 = write 348's offset: write 349 in flight.
  const SequentialWriter writer{0, 512 << 20, kIo};
  auto writes = writes_from_verify_state(fixture_state("in-flight/local-writer-0-verify.state"), writer);
  ASSERT_TRUE(writes) << writes.error().message;
  ASSERT_EQ(writes.value().size(), 349u);
  EXPECT_EQ(count(writes.value(), WriteState::kAcknowledged), 348u);
  EXPECT_EQ(writes.value()[347].offset, 45481984u);
  EXPECT_EQ(writes.value()[348].state, WriteState::kInFlight);
  EXPECT_EQ(writes.value()[348].offset, 45481984u + kIo);
}

TEST(WritesFromVerifyState, RealFinishedWriterMatchesAllWritesAcknowledged) {
  auto writes = writes_from_verify_state(fixture_state("finished/local-writer-0-verify.state"), kRaceWriter);
  ASSERT_TRUE(writes) << writes.error().message;
  const auto all = all_writes_acknowledged(kRaceWriter);
  ASSERT_EQ(writes.value().size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(writes.value()[i].offset, all[i].offset);
    EXPECT_EQ(writes.value()[i].state, WriteState::kAcknowledged);
  }
}

TEST(WritesFromVerifyState, UsesTheWritersOffset) {
  const SequentialWriter writer{1 << 20, 1 << 20, 64 * 1024};
  auto writes = writes_from_verify_state(writer_state(4, {(1 << 20) + 2 * 65536}), writer);
  ASSERT_TRUE(writes) << writes.error().message;
  ASSERT_EQ(writes.value().size(), 4u);
  EXPECT_EQ(writes.value()[0].offset, 1u << 20);
  EXPECT_EQ(writes.value()[2].state, WriteState::kAcknowledged);
  EXPECT_EQ(writes.value()[3].state, WriteState::kInFlight);
}

TEST(WritesFromVerifyState, NothingCompletedYet) {
  auto writes = writes_from_verify_state(writer_state(1, {}), kRaceWriter);
  ASSERT_TRUE(writes);
  ASSERT_EQ(writes.value().size(), 1u);
  EXPECT_EQ(writes.value()[0].state, WriteState::kInFlight);
  EXPECT_TRUE(writes_from_verify_state(writer_state(0, {}), kRaceWriter).value().empty());
}

TEST(WritesFromVerifyState, RejectsDeeperQueues) {
  FioVerifyState state = writer_state(4, {3 * kIo, 2 * kIo});
  state.depth = 2;
  EXPECT_EQ(error_of(state),
            "writer's verify state: job 'writer' has depth 2, but only iodepth 1 orders its "
            "completions");
}

TEST(WritesFromVerifyState, RejectsOffsetsOffTheGrid) {
  EXPECT_EQ(error_of(writer_state(2, {4096})),
            "writer's verify state: completed offset 4096 is not a write of 131072 bytes in "
            "[0, 16777216)");
  EXPECT_NE(error_of(writer_state(2, {16 << 20})).find("completed offset 16777216"), std::string::npos);
  EXPECT_NE(error_of(writer_state(2, {kIo}), {1 << 20, 1 << 20, kIo}).find("offset 131072"), std::string::npos);
}

TEST(WritesFromVerifyState, RejectsImpossibleIssueCounts) {
  EXPECT_EQ(error_of(writer_state(2, {4 * kIo})),
            "writer's verify state: issued_writes 2 is below the 5 writes its newest completion "
            "acknowledges");
  EXPECT_EQ(error_of(writer_state(129, {127 * kIo})),
            "writer's verify state: issued_writes 129 is above the writer's 128 writes");
}

TEST(WritesFromVerifyState, RejectsAZeroIoSize) {
  EXPECT_EQ(error_of(writer_state(1, {}), {0, 1 << 20, 0}), "writer's verify state: the writer's io_size is 0");
}

TEST(AllWritesAcknowledged, CoversTheRangeFrontToBack) {
  const auto writes = all_writes_acknowledged({4096, 10 * 4096, 4 * 4096});
  ASSERT_EQ(writes.size(), 3u);  // 16 KiB, 16 KiB and a short 8 KiB tail
  EXPECT_EQ(writes[0].offset, 4096u);
  EXPECT_EQ(writes[2].offset, 4096u + 8 * 4096);
  EXPECT_EQ(writes[2].length, 2 * 4096u);
  EXPECT_EQ(count(writes, WriteState::kAcknowledged), 3u);
  EXPECT_TRUE(all_writes_acknowledged({0, 1 << 20, 0}).empty());
}

}  // namespace
}  // namespace bh::analysis
