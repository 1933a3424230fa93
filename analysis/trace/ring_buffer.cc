#include "analysis/trace/ring_buffer.h"

#include <bit>
#include <cstring>
#include <string>

namespace bh::analysis {
namespace {

// Trace data is in the traced kernel's byte order; the harness's guests and hosts are x86-64.
static_assert(std::endian::native == std::endian::little, "ring-buffer pages are read in the host's byte order");

// The names kernel/trace/ring_buffer.c gives these.
constexpr unsigned kTypePadding = 29;                // RINGBUF_TYPE_PADDING
constexpr unsigned kTypeTimeExtend = 30;             // RINGBUF_TYPE_TIME_EXTEND
constexpr unsigned kTypeTimeStamp = 31;              // RINGBUF_TYPE_TIME_STAMP
constexpr std::size_t kHeaderSize = 4;               // RB_EVNT_HDR_SIZE: type_len:5, time_delta:27
constexpr std::size_t kWithArray0Size = 8;           // the header and array[0]
constexpr std::size_t kTimeEventSize = 8;            // RB_LEN_TIME_EXTEND, RB_LEN_TIME_STAMP
constexpr std::size_t kAlignment = 4;                // RB_ALIGNMENT: type_len counts 4-byte words
constexpr unsigned kTimeShift = 27;                  // TS_SHIFT
constexpr std::uint64_t kTimeMsb = 0xf8ULL << 56;    // TS_MSB: the bits an absolute stamp leaves out
constexpr std::uint64_t kMissedEvents = 1ULL << 31;  // RB_MISSED_EVENTS
constexpr std::uint64_t kMissedStored = 1ULL << 30;  // RB_MISSED_STORED

template <class T>
T load(std::string_view bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

/// A long of the traced kernel: 4 or 8 bytes (local_t and the stored missed count are longs).
std::uint64_t load_long(std::string_view bytes, std::size_t at, std::size_t size) {
  return size == 4 ? load<std::uint32_t>(bytes, at) : load<std::uint64_t>(bytes, at);
}

/// An absolute time stamp with the top bits of `current` put back, as rb_fix_abs_ts() does:
/// the stamp holds only 59 bits, and may have carried into the sixtieth since `current`.
std::uint64_t fix_absolute(std::uint64_t absolute, std::uint64_t current) {
  if ((current & kTimeMsb) == 0) return absolute;
  absolute |= current & kTimeMsb;
  return absolute < current ? absolute + (1ULL << 59) : absolute;
}

/// Whether `size` bytes at `offset` lie inside `limit` bytes, without overflowing.
bool lies_within(std::size_t offset, std::size_t size, std::size_t limit) {
  return offset <= limit && size <= limit - offset;
}

/// Whether pages of `page_size` bytes can have the layout `header` describes.
Expected<void> check_layout(const PageHeaderFormat& header, std::size_t page_size) {
  const bool fits = (header.commit_size == 4 || header.commit_size == 8) &&
                    lies_within(header.timestamp_offset, 8, page_size) &&
                    lies_within(header.commit_offset, header.commit_size, page_size) &&
                    lies_within(header.data_offset, header.data_size, page_size);
  if (fits) return outcome::success();
  return fail("pages of " + std::to_string(page_size) + " bytes cannot hold a timestamp at " +
              std::to_string(header.timestamp_offset) + ", a " + std::to_string(header.commit_size) +
              "-byte commit at " + std::to_string(header.commit_offset) + " and " + std::to_string(header.data_size) +
              " bytes of data at " + std::to_string(header.data_offset));
}

/// Reads pages one by one into `out`, the time carried from event to event.
class PageReader {
 public:
  PageReader(const PageHeaderFormat& header, unsigned cpu, RingBufferContents& out)
      : header_(header), cpu_(cpu), out_(out) {}

  /// Reads the page at `start` of the input, the index-th.
  Expected<void> read(std::string_view page, std::size_t index, std::size_t start) {
    page_ = page, index_ = index, start_ = start;
    auto used = used_bytes();
    if (!used) return used.error();
    time_ = load<std::uint64_t>(page_, header_.timestamp_offset);
    return read_events(page_.substr(header_.data_offset, used.value()));
  }

 private:
  /// An error naming this page and a byte offset in it.
  auto failure(std::size_t page_byte, const std::string& what) const {
    return fail("page " + std::to_string(index_) + " (byte " + std::to_string(start_ + page_byte) + " of the input, " +
                std::to_string(page_byte) + " into the page): " + what);
  }

  /// The bytes of data the commit says are used; counts the missed events it flags.
  Expected<std::size_t> used_bytes() {
    const auto commit = load_long(page_, header_.commit_offset, header_.commit_size);
    const auto used = commit & ~(kMissedEvents | kMissedStored);
    if (used > header_.data_size) {
      return failure(header_.commit_offset, "the commit says " + std::to_string(used) +
                                                " bytes of data, more than the page's " +
                                                std::to_string(header_.data_size));
    }
    if (commit & kMissedEvents) ++out_.pages_with_missed_events;
    if (commit & kMissedStored) {
      auto count = stored_missed_count(used);
      if (!count) return count.error();
      out_.missed_events += count.value();
    }
    return used;
  }

  /// The count of missed events ring_buffer_read_page() stored right after the used data.
  Expected<std::uint64_t> stored_missed_count(std::size_t used) const {
    const std::size_t at = header_.data_offset + used;
    if (header_.data_size - used < header_.commit_size) {
      return failure(at, "the commit flags a stored missed-event count, but the page's data ends here");
    }
    return load_long(page_, at, header_.commit_size);
  }

  Expected<void> read_events(std::string_view data) {
    for (std::size_t at = 0; at < data.size();) {
      auto length = read_event(data, at);
      if (!length) return length.error();
      if (length.value() == 0) break;  // null padding: the rest of the page is unused
      at += length.value();
    }
    return outcome::success();
  }

  /// Takes the event at `at`; its length, 0 for the null padding that ends a page's data.
  Expected<std::size_t> read_event(std::string_view data, std::size_t at) {
    if (auto header = extent(data, at, kHeaderSize); !header) return header.error();
    const auto word = load<std::uint32_t>(data, at);
    const unsigned type_len = word & 0x1f;
    const std::uint64_t delta = word >> 5;
    switch (type_len) {
      case kTypePadding: return padding(data, at, delta);
      case kTypeTimeExtend:
      case kTypeTimeStamp: return time_event(data, at, type_len, delta);
      case 0: return long_data_event(data, at, delta);
      default: return data_event(data, at, delta, at + kHeaderSize, type_len * kAlignment);
    }
  }

  /// Padding with a time delta is a discarded event (or a page's unused tail), its length in
  /// array[0]; without one it ends the data.
  Expected<std::size_t> padding(std::string_view data, std::size_t at, std::uint64_t delta) {
    if (delta == 0) return std::size_t{0};
    auto length = array0(data, at);
    if (!length) return length.error();
    auto total = extent(data, at, kHeaderSize + length.value());
    if (total) ++out_.discarded_events;
    return total;
  }

  /// A time extend adds (array[0] << 27 | delta) to the time; a time stamp replaces it.
  Expected<std::size_t> time_event(std::string_view data, std::size_t at, unsigned type_len, std::uint64_t delta) {
    auto high = array0(data, at);
    if (!high) return high.error();
    const std::uint64_t value = (std::uint64_t{high.value()} << kTimeShift) | delta;
    time_ = type_len == kTypeTimeExtend ? time_ + value : fix_absolute(value, time_);
    return kTimeEventSize;
  }

  /// A data event whose array[0] holds its length, counting array[0] itself; data follows.
  Expected<std::size_t> long_data_event(std::string_view data, std::size_t at, std::uint64_t delta) {
    auto length = array0(data, at);
    if (!length) return length.error();
    if (length.value() < sizeof(std::uint32_t)) {
      return failure(header_.data_offset + at, "a data event's length word says " + std::to_string(length.value()) +
                                                   ", less than its own 4 bytes");
    }
    return data_event(data, at, delta, at + kWithArray0Size, length.value() - sizeof(std::uint32_t));
  }

  /// Records the payload of `payload_size` bytes at `payload_at` at the time plus `delta`.
  Expected<std::size_t> data_event(std::string_view data, std::size_t at, std::uint64_t delta, std::size_t payload_at,
                                   std::size_t payload_size) {
    auto total = extent(data, at, payload_at - at + payload_size);
    if (!total) return total;
    time_ += delta;
    out_.records.push_back({time_, cpu_, data.substr(payload_at, payload_size)});
    return total;
  }

  /// The array[0] word of the event at `at`.
  Expected<std::uint32_t> array0(std::string_view data, std::size_t at) const {
    if (auto words = extent(data, at, kWithArray0Size); !words) return words.error();
    return load<std::uint32_t>(data, at + kHeaderSize);
  }

  /// `length`, when that many bytes from `at` lie within the used data.
  Expected<std::size_t> extent(std::string_view data, std::size_t at, std::size_t length) const {
    if (lies_within(at, length, data.size())) return length;
    return failure(header_.data_offset + at, "an event of " + std::to_string(length) + " bytes runs past the " +
                                                 std::to_string(data.size()) +
                                                 " bytes of data the commit says are used");
  }

  const PageHeaderFormat& header_;
  const unsigned cpu_;
  RingBufferContents& out_;
  std::string_view page_;
  std::size_t index_ = 0;
  std::size_t start_ = 0;
  std::uint64_t time_ = 0;
};

}  // namespace

Expected<RingBufferContents> parse_ring_buffer(std::string_view raw, const PageHeaderFormat& header, unsigned cpu,
                                               std::size_t page_size) {
  if (auto layout = check_layout(header, page_size); !layout) return layout.error();
  if (const auto partial = raw.size() % page_size; partial != 0) {
    return fail("page " + std::to_string(raw.size() / page_size) + " (byte " + std::to_string(raw.size() - partial) +
                " of the input): a trailing partial page of " + std::to_string(partial) + " bytes, not " +
                std::to_string(page_size));
  }
  RingBufferContents contents;
  PageReader reader(header, cpu, contents);
  for (std::size_t start = 0; start < raw.size(); start += page_size) {
    if (auto page = reader.read(raw.substr(start, page_size), start / page_size, start); !page) return page.error();
    ++contents.pages;
  }
  return contents;
}

Expected<std::uint16_t> record_event_id(const TraceRecord& record) {
  if (record.data.size() < sizeof(std::uint16_t)) {
    return fail("an event record of " + std::to_string(record.data.size()) + " bytes has no common_type");
  }
  return load<std::uint16_t>(record.data, 0);
}

}  // namespace bh::analysis
