#include "analysis/trace/event_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

namespace bh::analysis {
namespace {

using ::testing::HasSubstr;

/// events/bcache/bcache_read/format as Linux 6.1 prints it.
constexpr std::string_view kBcacheRead61 =
    "name: bcache_read\n"
    "ID: 1234\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
    "\n"
    "\tfield:dev_t dev;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:sector_t sector;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned int nr_sector;\toffset:24;\tsize:4;\tsigned:0;\n"
    "\tfield:char rwbs[6];\toffset:28;\tsize:6;\tsigned:0;\n"
    "\tfield:bool cache_hit;\toffset:34;\tsize:1;\tsigned:0;\n"
    "\tfield:bool bypass;\toffset:35;\tsize:1;\tsigned:0;\n"
    "\n"
    "print fmt: \"%d,%d %s %llu + %u hit %u bypass %u\", ((unsigned int) ((REC->dev) >> 20)), REC->sector\n";

/// A 6.12-style format: an extra common field shifts the rest, and a __data_loc string.
constexpr std::string_view kWithLazyCount612 =
    "name: bcache_journal_full\n"
    "ID: 65535\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
    "\tfield:unsigned char common_preempt_lazy_count;\toffset:8;\tsize:1;\tsigned:0;\n"
    "\n"
    "\tfield:char uuid[16];\toffset:9;\tsize:16;\tsigned:0;\n"
    "\tfield:__data_loc char[] label;\toffset:28;\tsize:4;\tsigned:0;\n"
    "\tfield:long delta;\toffset:32;\tsize:8;\tsigned:1;\n"
    "\n"
    "print fmt: \"%pU\", REC->uuid\n";

/// events/header_page as a 64-bit Linux 6.1 prints it.
constexpr std::string_view kHeaderPage64 =
    "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
    "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
    "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:1;\n";

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string result(text);
  result.replace(result.find(from), from.size(), to);
  return result;
}

TraceField field_at(std::size_t offset, std::size_t size) { return {"f", "int f", offset, size}; }

TEST(EventFormat, ParsesA61BcacheReadFormat) {
  const auto format = parse_event_format(kBcacheRead61);
  ASSERT_TRUE(format) << format.error().message;
  EXPECT_EQ(format.value().name, "bcache_read");
  EXPECT_EQ(format.value().id, 1234);
  ASSERT_EQ(format.value().fields.size(), 10u);
  const auto& pid = format.value().fields[3];
  EXPECT_EQ(pid.name, "common_pid");
  EXPECT_EQ(pid.declaration, "int common_pid");
  EXPECT_EQ(pid.offset, 4u);
  EXPECT_EQ(pid.size, 4u);
  EXPECT_TRUE(pid.is_signed);
  EXPECT_EQ(pid.array_length, 0u);
}

TEST(EventFormat, StripsAnArraySuffixIntoArrayLength) {
  const auto format = parse_event_format(kBcacheRead61);
  ASSERT_TRUE(format) << format.error().message;
  const auto* rwbs = format.value().field("rwbs");
  ASSERT_NE(rwbs, nullptr);
  EXPECT_EQ(rwbs->declaration, "char rwbs[6]");
  EXPECT_EQ(rwbs->array_length, 6u);
  EXPECT_EQ(rwbs->offset, 28u);
  EXPECT_EQ(rwbs->size, 6u);
  EXPECT_FALSE(rwbs->is_signed);
}

TEST(EventFormat, FieldFindsByNameOrGivesNull) {
  const auto format = parse_event_format(kBcacheRead61);
  ASSERT_TRUE(format) << format.error().message;
  ASSERT_NE(format.value().field("sector"), nullptr);
  EXPECT_EQ(format.value().field("sector")->offset, 16u);
  EXPECT_EQ(format.value().field("bypass")->offset, 35u);
  EXPECT_EQ(format.value().field("writeback"), nullptr);
  EXPECT_EQ(format.value().field("rwbs[6]"), nullptr);
}

TEST(EventFormat, ParsesA612FormatWithAnExtraCommonField) {
  const auto format = parse_event_format(kWithLazyCount612);
  ASSERT_TRUE(format) << format.error().message;
  EXPECT_EQ(format.value().id, 65535);
  ASSERT_EQ(format.value().fields.size(), 8u);
  EXPECT_EQ(format.value().fields[4].name, "common_preempt_lazy_count");
  EXPECT_EQ(format.value().field("uuid")->offset, 9u);
  EXPECT_EQ(format.value().field("uuid")->array_length, 16u);
  const auto* label = format.value().field("label");
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(label->declaration, "__data_loc char[] label");
  EXPECT_EQ(label->array_length, 0u);
  EXPECT_EQ(label->size, 4u);
}

TEST(EventFormat, ASymbolicArrayLengthIsKeptAsZero) {
  const auto format = parse_event_format(replaced(kBcacheRead61, "rwbs[6]", "rwbs[RWBS_LEN]"));
  ASSERT_TRUE(format) << format.error().message;
  EXPECT_EQ(format.value().field("rwbs")->array_length, 0u);
  EXPECT_EQ(format.value().field("rwbs")->size, 6u);
}

TEST(EventFormat, ABadNumberNamesItsLine) {
  const auto format = parse_event_format(replaced(kBcacheRead61, "offset:16;", "offset:sixteen;"));
  ASSERT_FALSE(format);
  EXPECT_THAT(format.error().message, HasSubstr("line 10 ('field:sector_t sector;"));
  EXPECT_THAT(format.error().message, HasSubstr("offset 'sixteen' is not a number"));
}

TEST(EventFormat, AFieldWithoutASizeNamesItsLine) {
  const auto format =
      parse_event_format(replaced(kBcacheRead61, "\tsize:4;\tsigned:0;\n\tfield:char", "\n\tfield:char"));
  ASSERT_FALSE(format);
  EXPECT_THAT(format.error().message, HasSubstr("line 11"));
  EXPECT_THAT(format.error().message, HasSubstr("no offset or no size"));
}

TEST(EventFormat, AFieldWithoutANameIsAnError) {
  const auto format = parse_event_format(replaced(kBcacheRead61, "field:bool bypass;", "field:[2];"));
  ASSERT_FALSE(format);
  EXPECT_THAT(format.error().message, HasSubstr("line 14"));
  EXPECT_THAT(format.error().message, HasSubstr("no field name"));
}

TEST(EventFormat, AnUnknownLineIsAnError) {
  const auto format = parse_event_format(replaced(kBcacheRead61, "format:\n", "format:\ngarbage here\n"));
  ASSERT_FALSE(format);
  EXPECT_THAT(format.error().message, HasSubstr("line 4 ('garbage here')"));
}

TEST(EventFormat, AnIdBeyondSixteenBitsIsAnError) {
  const auto format = parse_event_format(replaced(kBcacheRead61, "ID: 1234", "ID: 65536"));
  ASSERT_FALSE(format);
  EXPECT_THAT(format.error().message, HasSubstr("line 2 ('ID: 65536')"));
}

TEST(EventFormat, AMissingNameOrIdIsAnError) {
  const auto no_id = parse_event_format(replaced(kBcacheRead61, "ID: 1234\n", ""));
  ASSERT_FALSE(no_id);
  EXPECT_THAT(no_id.error().message, HasSubstr("no 'ID:' line for bcache_read"));
  const auto no_name = parse_event_format(replaced(kBcacheRead61, "name: bcache_read\n", ""));
  ASSERT_FALSE(no_name);
  EXPECT_THAT(no_name.error().message, HasSubstr("no 'name:' line"));
}

TEST(EventFormat, IgnoresEverythingFromPrintFmtOn) {
  const auto format = parse_event_format(std::string(kBcacheRead61) + "\tfield:not parsed at all\n");
  ASSERT_TRUE(format) << format.error().message;
  EXPECT_EQ(format.value().fields.size(), 10u);
}

TEST(EventFormat, ParsesA64BitHeaderPage) {
  const auto header = parse_header_page(kHeaderPage64);
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header.value().timestamp_offset, 0u);
  EXPECT_EQ(header.value().commit_offset, 8u);
  EXPECT_EQ(header.value().commit_size, 8u);
  EXPECT_EQ(header.value().data_offset, 16u);
  EXPECT_EQ(header.value().data_size, 4080u);
}

TEST(EventFormat, ParsesA32BitHeaderPage) {
  const auto header = parse_header_page(
      "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
      "\tfield: local_t commit;\toffset:8;\tsize:4;\tsigned:1;\n"
      "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
      "\tfield: char data;\toffset:12;\tsize:4084;\tsigned:1;\n");
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header.value().commit_size, 4u);
  EXPECT_EQ(header.value().data_offset, 12u);
  EXPECT_EQ(header.value().data_size, 4084u);
}

TEST(EventFormat, AHeaderPageWithoutDataIsAnError) {
  const auto header = parse_header_page(replaced(kHeaderPage64, "char data", "char payload"));
  ASSERT_FALSE(header);
  EXPECT_THAT(header.error().message, HasSubstr("lacks its timestamp, commit or data"));
}

TEST(EventFormat, AHeaderPageWithAnOddCommitSizeIsAnError) {
  const auto header =
      parse_header_page(replaced(kHeaderPage64, "commit;\toffset:8;\tsize:8", "commit;\toffset:8;\tsize:2"));
  ASSERT_FALSE(header);
  EXPECT_THAT(header.error().message, HasSubstr("a commit of 2 bytes"));
}

TEST(EventFormat, AHeaderPageBadLineIsNamed) {
  const auto header = parse_header_page(replaced(kHeaderPage64, "size:4080", "size:lots"));
  ASSERT_FALSE(header);
  EXPECT_THAT(header.error().message, HasSubstr("header_page line 4"));
}

TEST(TraceField, ReadsUnsignedLittleEndianOfEachSize) {
  const std::string data("\x01\xfe\x03\x04\x05\x06\x07\x88\x09", 9);
  EXPECT_EQ(read_unsigned(field_at(1, 1), data).value(), 0xfeu);
  EXPECT_EQ(read_unsigned(field_at(1, 2), data).value(), 0x03feu);
  EXPECT_EQ(read_unsigned(field_at(1, 4), data).value(), 0x050403feu);
  EXPECT_EQ(read_unsigned(field_at(1, 8), data).value(), 0x09880706'050403feu);
}

TEST(TraceField, ReadsSignedSignExtended) {
  const std::string minus_two("\xfe\xff\xff\xff\xff\xff\xff\xff", 8);
  EXPECT_EQ(read_signed(field_at(0, 1), minus_two).value(), -2);
  EXPECT_EQ(read_signed(field_at(0, 2), minus_two).value(), -2);
  EXPECT_EQ(read_signed(field_at(0, 4), minus_two).value(), -2);
  EXPECT_EQ(read_signed(field_at(0, 8), minus_two).value(), -2);
  EXPECT_EQ(read_unsigned(field_at(0, 2), minus_two).value(), 0xfffeu);
  const std::string positive("\x7f\x00", 2);
  EXPECT_EQ(read_signed(field_at(0, 1), positive).value(), 127);
  EXPECT_EQ(read_signed(field_at(0, 2), positive).value(), 127);
}

TEST(TraceField, AnIntegerOutsideTheDataIsAnError) {
  const std::string data(8, '\0');
  EXPECT_TRUE(read_unsigned(field_at(4, 4), data));
  const auto past = read_unsigned(field_at(5, 4), data);
  ASSERT_FALSE(past);
  EXPECT_THAT(past.error().message, HasSubstr("field f (bytes 5+4) lies outside the event's 8 bytes"));
  EXPECT_FALSE(read_signed(field_at(8, 1), data));
  EXPECT_FALSE(read_unsigned(field_at(SIZE_MAX, 2), data));
}

TEST(TraceField, AnIntegerOfAnotherSizeIsAnError) {
  const std::string data(8, '\0');
  const auto three = read_unsigned(field_at(0, 3), data);
  ASSERT_FALSE(three);
  EXPECT_THAT(three.error().message, HasSubstr("has 3 bytes"));
  EXPECT_FALSE(read_signed(field_at(0, 0), data));
}

TEST(TraceField, ReadsCharsUpToTheFirstNul) {
  const std::string data("xxWS\0\0yy", 8);
  EXPECT_EQ(read_chars(field_at(2, 4), data).value(), "WS");
  EXPECT_EQ(read_chars(field_at(0, 3), data).value(), "xxW");
  EXPECT_EQ(read_chars(field_at(4, 0), data).value(), "");
  EXPECT_FALSE(read_chars(field_at(6, 3), data));
}

TEST(TraceField, AFlexibleCharArrayRunsToTheRecordsEnd) {
  const std::string data("xxWS\0\0yy", 8);
  EXPECT_EQ(read_chars(field_at(2, 0), data).value(), "WS");  // "char buf[]": size 0
  EXPECT_EQ(read_chars(field_at(6, 0), data).value(), "yy");
  EXPECT_EQ(read_chars(field_at(8, 0), data).value(), "");
  EXPECT_FALSE(read_chars(field_at(9, 0), data));
}

}  // namespace
}  // namespace bh::analysis
