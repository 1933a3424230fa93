#include "analysis/fio_verify_state.h"

#include <gtest/gtest.h>

#include <span>

#include "analysis/fio_block_format.h"
#include "util/files.h"

namespace bh::analysis {
namespace {

/// A state file written by host fio 3.33 (see tests/fixtures/verify-state/README.md).
std::string fixture(const std::string& name) {
  return read_file(std::string(BH_SOURCE_DIR) + "/tests/fixtures/verify-state/" + name).value();
}

std::string race_writer() { return fixture("race-trigger/local-writer-0-verify.state"); }

void put_u64(std::string& bytes, std::size_t at, std::uint64_t value) {
  for (std::size_t i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
}

void put_u32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
}

/// The state after the header, as fio_crc32c sees it.
std::uint32_t body_crc(const std::string& bytes) {
  const std::string_view body = std::string_view(bytes).substr(kFioVerifyStateHeaderSize);
  return fio_crc32c(std::as_bytes(std::span(body.data(), body.size())));
}

/// `bytes` with the header's size and crc rewritten to match its body, as fio would write
/// them: lets a test reach the checks behind the crc.
std::string resealed(std::string bytes) {
  put_u64(bytes, 0x08, bytes.size() - kFioVerifyStateHeaderSize);
  put_u64(bytes, 0x10, body_crc(bytes));
  return bytes;
}

std::string error_of(std::string_view bytes) {
  auto result = parse_fio_verify_state(bytes);
  EXPECT_FALSE(result);
  return result ? "" : result.error().message;
}

constexpr std::size_t kBody = kFioVerifyStateHeaderSize;

TEST(FioVerifyState, ParsesTheRaceWriterSavedByATrigger) {
  // fio-verify-state: Size 168, Name writer, Completions 1, Depth 1, Number IOs 31, Index 0,
  // (file= 0) 3932160 - the 31st 128 KiB write (30 * 131072) is the newest completed one.
  auto state = parse_fio_verify_state(race_writer());
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state.value().job_name, "writer");
  EXPECT_EQ(state.value().thread_index, 0u);
  EXPECT_EQ(state.value().depth, 1u);
  EXPECT_EQ(state.value().files, 1u);
  EXPECT_EQ(state.value().issued_writes, 31u);
  EXPECT_EQ(state.value().completed_write_offsets, std::vector<std::uint64_t>{3932160});
}

TEST(FioVerifyState, ParsesTheRaceReaderWithNoWrites) {
  // fio-verify-state: Size 408, Name reader, Completions 0, Depth 16, Number IOs 0, Index 1.
  auto state = parse_fio_verify_state(fixture("race-trigger/local-reader-1-verify.state"));
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state.value().job_name, "reader");
  EXPECT_EQ(state.value().thread_index, 1u);
  EXPECT_EQ(state.value().depth, 16u);
  EXPECT_EQ(state.value().issued_writes, 0u);
  EXPECT_TRUE(state.value().completed_write_offsets.empty());
}

TEST(FioVerifyState, ParsesAWriterThatFinishedAndOneCutMidWrite) {
  // fio-verify-state: finished: Number IOs 128, (file= 0) 16646144 (the last of 16 MiB);
  // in-flight: Number IOs 349, (file= 0) 45481984 (write 348 done, write 349 issued).
  auto finished = parse_fio_verify_state(fixture("finished/local-writer-0-verify.state"));
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished.value().issued_writes, 128u);
  EXPECT_EQ(finished.value().completed_write_offsets, std::vector<std::uint64_t>{16646144});
  auto in_flight = parse_fio_verify_state(fixture("in-flight/local-writer-0-verify.state"));
  ASSERT_TRUE(in_flight) << in_flight.error().message;
  EXPECT_EQ(in_flight.value().issued_writes, 349u);
  EXPECT_EQ(in_flight.value().completed_write_offsets, std::vector<std::uint64_t>{45481984});
}

TEST(FioVerifyState, CrcIsFioCrc32cOfTheStateZeroExtended) {
  const std::string bytes = race_writer();
  std::string expected(8, '\0');
  put_u64(expected, 0, body_crc(bytes));
  EXPECT_EQ(bytes.substr(0x10, 8), expected);
  EXPECT_EQ(bytes, resealed(bytes));
}

TEST(FioVerifyState, RejectsTruncatedAndOverlongFiles) {
  const std::string bytes = race_writer();
  EXPECT_EQ(error_of(bytes.substr(0, 191)), "fio verify state: 191 bytes, expected 192 (the header's size is 168)");
  EXPECT_EQ(error_of(bytes + '\0'), "fio verify state: 193 bytes, expected 192 (the header's size is 168)");
  EXPECT_EQ(error_of(bytes.substr(0, 10)), "fio verify state: 10 bytes, expected at least 24 (the header)");
  EXPECT_EQ(error_of(""), "fio verify state: 0 bytes, expected at least 24 (the header)");
}

TEST(FioVerifyState, RejectsAnotherVersion) {
  std::string bytes = race_writer();
  bytes[0] = 2;
  EXPECT_EQ(error_of(bytes), "fio verify state: version 2, expected 3");
}

TEST(FioVerifyState, RejectsAFlippedByte) {
  std::string bytes = race_writer();
  bytes[kBody + 0x58] ^= 0x01;  // "writer" -> "vriter"
  EXPECT_NE(error_of(bytes).find("crc mismatch: the header says 0xc1f59dd2, the 168 bytes"), std::string::npos);
  bytes = race_writer();
  bytes[0x10] ^= 0x01;  // the crc itself
  EXPECT_NE(error_of(bytes).find("crc mismatch"), std::string::npos);
}

TEST(FioVerifyState, RejectsASizeThatDoesNotFitDepthAndFiles) {
  std::string bytes = race_writer();
  put_u32(bytes, kBody + 0x08, 2);  // depth 2 would need 184 bytes
  EXPECT_EQ(error_of(resealed(bytes)),
            "fio verify state: size 168 does not match depth 2 and 1 files (152 + 16 * 2 * 1 bytes)");
  EXPECT_NE(error_of(resealed(bytes.substr(0, 100))).find("size 76 is smaller than fio's 152"), std::string::npos);
}

TEST(FioVerifyState, RejectsMoreCompletionsThanSlots) {
  std::string bytes = race_writer();
  put_u64(bytes, kBody + 0x00, 2);
  EXPECT_EQ(error_of(resealed(bytes)), "fio verify state: no_comps 2 is more than depth * nofiles = 1");
}

TEST(FioVerifyState, RejectsACompletionOfAnotherFile) {
  std::string bytes = race_writer();
  put_u64(bytes, kBody + kFioThreadIoListSize, 3);
  EXPECT_EQ(error_of(resealed(bytes)), "fio verify state: completion 0 names file 3 but the job has 1 files");
}

TEST(FioVerifyState, RejectsANameWithoutItsNul) {
  std::string bytes = race_writer();
  for (std::size_t i = 0; i < 64; ++i) bytes[kBody + 0x58 + i] = 'x';
  EXPECT_NE(error_of(resealed(bytes)).find("not NUL-terminated"), std::string::npos);
}

}  // namespace
}  // namespace bh::analysis
