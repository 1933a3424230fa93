#include "analysis/trace/ring_buffer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace bh::analysis {
namespace {

using ::testing::HasSubstr;

constexpr std::uint32_t kPadding = 29, kTimeExtend = 30, kTimeStamp = 31;
constexpr std::uint64_t kMissedEvents = 1ULL << 31, kMissedStored = 1ULL << 30;

template <class T>
void append(std::string& bytes, T value) {
  bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
}

/// An event's payload: common_type, then `rest`, padded to whole 4-byte words.
std::string payload(std::uint16_t id, std::string_view rest = "") {
  std::string bytes;
  append(bytes, id);
  bytes += rest;
  bytes.resize((bytes.size() + 3) / 4 * 4, '\0');
  return bytes;
}

/// One buffer_data_page, built word by word as kernel/trace/ring_buffer.c writes it. The
/// commit is the data's length plus any flags, unless set outright.
class Page {
 public:
  explicit Page(std::uint64_t timestamp) : timestamp_(timestamp) {}

  /// A header word (type_len:5, time_delta:27) followed by `rest`.
  Page& event(std::uint32_t type_len, std::uint32_t delta, std::string_view rest = "") {
    append(data_, type_len | delta << 5);
    data_ += rest;
    return *this;
  }
  /// A data event with its length in type_len.
  Page& small(std::uint32_t delta, std::string_view bytes) { return event(bytes.size() / 4, delta, bytes); }
  /// A data event with type_len 0: array[0] holds the length, counting itself.
  Page& large(std::uint32_t delta, std::string_view bytes) {
    return event(0, delta, word(4 + bytes.size()) + std::string(bytes));
  }
  /// A time extend or time stamp of `value`: its low 27 bits in time_delta, the rest in array[0].
  Page& time(std::uint32_t type_len, std::uint64_t value) {
    return event(type_len, value & ((1u << 27) - 1), word(value >> 27));
  }
  /// Padding whose array[0] says `length` (its bytes after the header word), zero-filled.
  Page& padding(std::uint32_t delta, std::uint32_t length) {
    return event(kPadding, delta, word(length) + std::string(length - 4, '\0'));
  }
  /// RB_MISSED_* flags to add to the commit.
  Page& flags(std::uint64_t flags) {
    flags_ = flags;
    return *this;
  }
  /// A commit word that replaces the computed one.
  Page& commit(std::uint64_t commit) {
    commit_ = commit;
    return *this;
  }
  /// A missed-event count stored after the data.
  Page& stored_count(std::uint64_t count) {
    count_ = count;
    return *this;
  }

  /// The whole page, zero-filled to `page_size`.
  std::string bytes(std::size_t page_size = 4096) const {
    std::string page;
    append(page, timestamp_);
    append(page, commit_ ? commit_ : data_.size() | flags_);
    page += data_;
    if (count_) append(page, count_);
    page.resize(page_size, '\0');
    return page;
  }

  /// One little-endian 32-bit word.
  static std::string word(std::uint64_t value) {
    std::string bytes;
    append(bytes, static_cast<std::uint32_t>(value));
    return bytes;
  }

 private:
  std::uint64_t timestamp_;
  std::uint64_t flags_ = 0;
  std::uint64_t commit_ = 0;
  std::uint64_t count_ = 0;
  std::string data_;
};

/// The contents of default-layout pages; the records point into `raw`, so it must outlive them.
RingBufferContents parsed(const std::string& raw, unsigned cpu = 0) {
  auto contents = parse_ring_buffer(raw, PageHeaderFormat{}, cpu);
  EXPECT_TRUE(contents) << contents.error().message;
  return contents ? std::move(contents).value() : RingBufferContents{};
}

RingBufferContents parsed(std::string&& raw, unsigned cpu = 0) = delete;  // the records would dangle

/// The error parsing `raw` gives.
std::string error_of(const std::string& raw, std::size_t page_size = 4096) {
  auto contents = parse_ring_buffer(raw, PageHeaderFormat{}, 0, page_size);
  EXPECT_FALSE(contents);
  return contents ? "" : contents.error().message;
}

TEST(RingBuffer, ReadsASmallDataEvent) {
  const std::string raw = Page(1000).small(7, payload(42, "abcdef")).bytes();
  const auto contents = parsed(raw, 3);
  ASSERT_EQ(contents.records.size(), 1u);
  const auto& record = contents.records[0];
  EXPECT_EQ(record.timestamp_ns, 1007u);
  EXPECT_EQ(record.cpu, 3u);
  EXPECT_EQ(record.data, payload(42, "abcdef"));
  EXPECT_EQ(record.data.data(), raw.data() + 20);  // points into the input, past the page and event headers
  EXPECT_EQ(record_event_id(record).value(), 42);
  EXPECT_EQ(contents.pages, 1u);
  EXPECT_EQ(contents.pages_with_missed_events, 0u);
  EXPECT_EQ(contents.discarded_events, 0u);
}

TEST(RingBuffer, ReadsATypeLenZeroEventFromArray0) {
  const std::string big = payload(9, std::string(200, 'z'));  // more than type_len's 112 bytes
  const std::string raw = Page(50).large(5, big).small(1, payload(10)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(contents.records[0].data, big);
  EXPECT_EQ(contents.records[0].timestamp_ns, 55u);
  EXPECT_EQ(record_event_id(contents.records[1]).value(), 10);
  EXPECT_EQ(contents.records[1].timestamp_ns, 56u);
}

TEST(RingBuffer, ATimeExtendAddsToTheNextEventsTime) {
  const std::uint64_t extend = (std::uint64_t{3} << 27) | 12345;
  const std::string raw = Page(1'000'000).time(kTimeExtend, extend).small(0, payload(1)).small(2, payload(2)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(contents.records[0].timestamp_ns, 1'000'000 + extend);
  EXPECT_EQ(contents.records[1].timestamp_ns, 1'000'000 + extend + 2);
}

TEST(RingBuffer, AnAbsoluteTimeStampReplacesTheTime) {
  const std::uint64_t absolute = (std::uint64_t{0x1234} << 27) | 99;
  const std::string raw = Page(500).small(1, payload(1)).time(kTimeStamp, absolute).small(4, payload(2)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(contents.records[0].timestamp_ns, 501u);
  EXPECT_EQ(contents.records[1].timestamp_ns, absolute + 4);
}

TEST(RingBuffer, AnAbsoluteTimeStampTakesItsTopBitsFromTheTimeBefore) {
  // 59 bits are stored; the top five come from the current time, as rb_fix_abs_ts() does.
  const std::uint64_t top = std::uint64_t{0x08} << 56;
  const std::uint64_t low = (std::uint64_t{1} << 40) + 7;
  const std::string raw = Page(top + 5).time(kTimeStamp, low).small(0, payload(1)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 1u);
  EXPECT_EQ(contents.records[0].timestamp_ns, top + low);
}

TEST(RingBuffer, AnAbsoluteTimeStampThatWrappedCarriesIntoTheTopBits) {
  const std::uint64_t top = std::uint64_t{0x08} << 56;
  const std::uint64_t before = top + (std::uint64_t{1} << 59) - 10;  // just below the next top value
  const std::string raw = Page(before).time(kTimeStamp, 3).small(0, payload(1)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 1u);
  EXPECT_EQ(contents.records[0].timestamp_ns, top + (std::uint64_t{1} << 59) + 3);
}

TEST(RingBuffer, NullPaddingEndsThePagesData) {
  const std::string raw = Page(0).small(1, payload(1)).event(kPadding, 0).small(1, payload(2)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 1u);
  EXPECT_EQ(record_event_id(contents.records[0]).value(), 1);
  EXPECT_EQ(contents.discarded_events, 0u);
}

TEST(RingBuffer, PaddingWithALengthIsSkippedAndCounted) {
  const std::string raw = Page(0).small(1, payload(1)).padding(1, 20).small(1, payload(2)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(record_event_id(contents.records[1]).value(), 2);
  EXPECT_EQ(contents.records[1].timestamp_ns, 2u);  // padding carries no time
  EXPECT_EQ(contents.discarded_events, 1u);
}

TEST(RingBuffer, EachPageStartsFromItsOwnBaseTime) {
  const std::string raw =
      Page(100).small(5, payload(1)).bytes() + Page(90).small(3, payload(2)).small(3, payload(3)).bytes();
  const auto contents = parsed(raw);
  EXPECT_EQ(contents.pages, 2u);
  ASSERT_EQ(contents.records.size(), 3u);
  EXPECT_EQ(contents.records[0].timestamp_ns, 105u);
  EXPECT_EQ(contents.records[1].timestamp_ns, 93u);
  EXPECT_EQ(contents.records[2].timestamp_ns, 96u);
  EXPECT_EQ(contents.records[1].data.data(), raw.data() + 4096 + 20);
}

TEST(RingBuffer, CountsMissedEventsWithTheStoredCount) {
  const std::string raw = Page(0).small(1, payload(1)).flags(kMissedEvents | kMissedStored).stored_count(17).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 1u);
  EXPECT_EQ(contents.pages_with_missed_events, 1u);
  EXPECT_EQ(contents.missed_events, 17u);
}

TEST(RingBuffer, CountsPagesWithMissedEventsWithoutACount) {
  const std::string raw =
      Page(0).small(1, payload(1)).flags(kMissedEvents).bytes() + Page(0).small(1, payload(2)).bytes();
  const auto contents = parsed(raw);
  ASSERT_EQ(contents.records.size(), 2u);
  EXPECT_EQ(contents.pages_with_missed_events, 1u);
  EXPECT_EQ(contents.missed_events, 0u);
}

TEST(RingBuffer, AnEmptyPageAndEmptyInputHaveNoRecords) {
  const std::string empty_page = Page(0).bytes(), no_pages;
  EXPECT_EQ(parsed(empty_page).records.size(), 0u);
  EXPECT_EQ(parsed(empty_page).pages, 1u);
  EXPECT_EQ(parsed(no_pages).pages, 0u);
}

TEST(RingBuffer, ReadsThe32BitLayout) {
  const PageHeaderFormat header{0, 8, 4, 12, 4084};
  std::string raw = Page(10).small(2, payload(7)).bytes();
  raw.erase(12, 4);  // a 4-byte commit: the data starts at 12
  raw.resize(4096, '\0');
  const auto contents = parse_ring_buffer(raw, header, 1);
  ASSERT_TRUE(contents) << contents.error().message;
  ASSERT_EQ(contents.value().records.size(), 1u);
  EXPECT_EQ(contents.value().records[0].timestamp_ns, 12u);
  EXPECT_EQ(record_event_id(contents.value().records[0]).value(), 7);
}

TEST(RingBuffer, ReadsLargerPages) {
  const PageHeaderFormat header{0, 8, 8, 16, 8192 - 16};
  const std::string raw = Page(0).large(0, payload(3, std::string(5000, 'x'))).bytes(8192);
  const auto contents = parse_ring_buffer(raw, header, 0, 8192);
  ASSERT_TRUE(contents) << contents.error().message;
  EXPECT_EQ(contents.value().records.size(), 1u);
}

TEST(RingBuffer, ATrailingPartialPageIsAnError) {
  const std::string raw = Page(0).bytes() + Page(0).bytes().substr(0, 100);
  EXPECT_THAT(error_of(raw), HasSubstr("page 1 (byte 4096 of the input): a trailing partial page of 100 bytes"));
}

TEST(RingBuffer, ACommitLargerThanThePageIsAnError) {
  const std::string raw = Page(0).bytes() + Page(0).commit(4081).bytes();
  EXPECT_THAT(error_of(raw), HasSubstr("page 1 (byte 4104 of the input, 8 into the page): the commit says 4081 bytes"));
}

TEST(RingBuffer, AnEventPastTheUsedDataIsAnError) {
  const std::string raw = Page(0).small(0, payload(1, "0123456789")).commit(8).bytes();
  EXPECT_THAT(error_of(raw),
              HasSubstr("page 0 (byte 16 of the input, 16 into the page): an event of 16 bytes runs past"));
}

TEST(RingBuffer, ALongEventPastTheUsedDataIsAnError) {
  const std::string raw = Page(0).small(0, payload(1)).event(0, 0, Page::word(400) + payload(2)).bytes();
  EXPECT_THAT(error_of(raw), HasSubstr("page 0 (byte 24 of the input, 24 into the page): an event of 404 bytes"));
}

TEST(RingBuffer, PaddingPastTheUsedDataIsAnError) {
  const std::string raw = Page(0).event(kPadding, 1, Page::word(100)).bytes();
  EXPECT_THAT(error_of(raw), HasSubstr("page 0 (byte 16 of the input, 16 into the page): an event of 104 bytes"));
}

TEST(RingBuffer, ATruncatedEventHeaderIsAnError) {
  const std::string raw = Page(0).small(0, payload(1)).commit(10).bytes();
  EXPECT_THAT(error_of(raw), HasSubstr("page 0 (byte 24 of the input, 24 into the page): an event of 4 bytes"));
}

TEST(RingBuffer, ATimeExtendWithoutItsSecondWordIsAnError) {
  const std::string raw = Page(0).event(kTimeExtend, 1).bytes();
  EXPECT_THAT(error_of(raw), HasSubstr("page 0 (byte 16 of the input, 16 into the page): an event of 8 bytes"));
}

TEST(RingBuffer, ALengthWordShorterThanItselfIsAnError) {
  const std::string raw = Page(0).event(0, 0, Page::word(2)).bytes();
  EXPECT_THAT(error_of(raw),
              HasSubstr("page 0 (byte 16 of the input, 16 into the page): a data event's length word says 2"));
}

TEST(RingBuffer, AStoredCountPastThePageIsAnError) {
  const std::string raw = Page(0).commit(4076 | kMissedEvents | kMissedStored).bytes();
  EXPECT_THAT(error_of(raw),
              HasSubstr("page 0 (byte 4092 of the input, 4092 into the page): the commit flags a stored"));
}

TEST(RingBuffer, AnErrorNamesTheSecondPage) {
  const std::string raw = Page(0).small(0, payload(1)).bytes() + Page(0).event(5, 0).bytes();
  EXPECT_THAT(error_of(raw), HasSubstr("page 1 (byte 4112 of the input, 16 into the page)"));
}

TEST(RingBuffer, AHeaderThatDoesNotFitThePageIsAnError) {
  EXPECT_THAT(error_of(Page(0).bytes(), 2048), HasSubstr("pages of 2048 bytes cannot hold"));
  EXPECT_THAT(error_of("", 0), HasSubstr("pages of 0 bytes cannot hold"));
}

TEST(RingBuffer, RecordEventIdNeedsTwoBytes) {
  const std::string bytes("\x34\x12", 2);
  EXPECT_EQ(record_event_id(TraceRecord{0, 0, bytes}).value(), 0x1234);
  const auto short_record = record_event_id(TraceRecord{0, 0, std::string_view(bytes).substr(0, 1)});
  ASSERT_FALSE(short_record);
  EXPECT_THAT(short_record.error().message, HasSubstr("an event record of 1 bytes"));
}

}  // namespace
}  // namespace bh::analysis
