#include "analysis/latency_log.h"

#include <charconv>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

// One core parses: LineReader then reads its blocks in this thread instead of starting a
// reader thread per log.
#define CSV_IO_NO_THREAD
// fccp truncates file names to 255 bytes on purpose; GCC 12 warns about its strncpy.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

namespace bh::analysis {
namespace {

// fccp's io::LineReader reads the file in 16 MiB blocks and hands out NUL-terminated lines;
// scan() parses the three numbers used in one pass and only counts the other columns.
// fccp's CSVReader<6> chops, trims and parses all six columns in separate passes: 60 % more
// instructions, a quarter less speed (README, "Latency-log parser benchmark").

std::string at(const std::string& name, unsigned line) { return name + ":" + std::to_string(line) + ": "; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// The column counts fio writes: with and without the priority column (added in fio 3.18).
bool fio_writes(std::size_t columns, LogOffset offset) {
  const std::size_t without_priority = offset == LogOffset::kPresent ? 5 : 4;
  return columns == without_priority || columns == without_priority + 1;
}

std::string wrong_layout(std::size_t columns, LogOffset offset) {
  return std::to_string(columns) + " columns, but fio writes " +
         (offset == LogOffset::kPresent ? "6 (5 before fio 3.18) with" : "5 (4 before fio 3.18) without") +
         " log_offset=1";
}

/// The field starting at `field`, trimmed, for error messages.
std::string field_text(const char* field) {
  std::string_view text(field, std::strcspn(field, ","));
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

/// What one pass over a line found: its leading numbers and its column count.
struct ScannedLine {
  static constexpr int kNumbers = 3;  ///< time, value, direction; the rest are only counted
  std::uint64_t numbers[kNumbers] = {};
  std::size_t columns = 0;          ///< 0 for a blank line
  const char* bad_field = nullptr;  ///< the first of the numbers that is not one
  int bad_index = 0;
};

/// Reads an unsigned decimal number at `cursor`; false when there are no digits or too many.
bool read_number(const char*& cursor, std::uint64_t& value) {
  const char* const first = cursor;
  value = 0;
  while (static_cast<unsigned char>(*cursor - '0') < 10) value = value * 10 + (*cursor++ - '0');
  if (cursor == first) return false;
  // Up to 19 digits always fit in 64 bits; only longer numbers are checked (and redone).
  return cursor - first < 20 || std::from_chars(first, cursor, value).ec == std::errc();
}

/// Parses the leading numbers of NUL-terminated `line` and counts its columns. This and
/// LineReader's search for '\n' are where the parser spends its time.
ScannedLine scan(const char* line) {
  ScannedLine scanned;
  const char* cursor = line;
  while (is_blank(*cursor)) ++cursor;
  if (*cursor == '\0') return scanned;
  scanned.columns = 1;
  for (int i = 0; i < ScannedLine::kNumbers && *cursor != '\0'; ++i) {
    const char* field = cursor;
    while (is_blank(*cursor)) ++cursor;
    const bool number = read_number(cursor, scanned.numbers[i]);
    while (is_blank(*cursor)) ++cursor;
    if (!number || (*cursor != ',' && *cursor != '\0')) {
      scanned.bad_field = field;
      scanned.bad_index = i;
      break;
    }
    if (*cursor == ',') ++scanned.columns, ++cursor;
  }
  // The rest only needs its commas counted; with its length known the loop is vectorised.
  const std::size_t rest = std::strlen(cursor);
  for (std::size_t i = 0; i < rest; ++i) scanned.columns += cursor[i] == ',';
  return scanned;
}

/// Reads a log line by line, remembering the column count of its first line.
class LogParser {
 public:
  /// `bytes`: the log's size, from which the first line's length estimates the line count.
  LogParser(std::string name, LogOffset offset, std::size_t bytes)
      : name_(std::move(name)), offset_(offset), bytes_(bytes) {}

  /// Adds `line` (number `number`) to `log`; false after an error, which error() describes.
  bool add(const char* line, unsigned number, LatencyLog& log) {
    const ScannedLine scanned = scan(line);
    if (scanned.columns == 0) return true;
    const bool suspect = scanned.columns != columns_ || scanned.bad_field || scanned.numbers[2] > 2;
    if (suspect && !check(scanned, line, number)) return false;
    auto& samples = log.samples(static_cast<IoDirection>(scanned.numbers[2]));
    if (samples.empty()) reserve(samples);
    samples.time_ms.push_back(scanned.numbers[0]);
    samples.latency_ns.push_back(scanned.numbers[1]);
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  /// Room for every line in each direction's vectors: growing them took a quarter of the time
  /// (page faults and copies; README, "Latency-log parser benchmark"). Room never used is
  /// never touched, so it costs address space only: every line fio writes has 11 bytes or
  /// more and becomes 16 bytes of samples, so at most 1.5 times the log's size per direction.
  void reserve(LatencySamples& samples) const {
    samples.time_ms.reserve(expected_lines_);
    samples.latency_ns.reserve(expected_lines_);
  }

  /// The slow path: the first line, or a line with something wrong.
  bool check(const ScannedLine& scanned, const char* line, unsigned number) {
    static constexpr const char* kNames[] = {"time", "value", "direction"};
    if (columns_ == 0 && fio_writes(scanned.columns, offset_)) {
      columns_ = scanned.columns;
      expected_lines_ = bytes_ / (std::strlen(line) + 1) + 1;
    }
    if (columns_ == 0)
      error_ = wrong_layout(scanned.columns, offset_);
    else if (scanned.columns != columns_)
      error_ = std::string(scanned.columns < columns_ ? "fewer" : "more") + " columns than the first line";
    else if (scanned.bad_field)
      error_ = std::string(kNames[scanned.bad_index]) + " '" + field_text(scanned.bad_field) +
               "' is not an unsigned 64-bit number";
    else if (scanned.numbers[2] > 2)
      error_ = "direction " + std::to_string(scanned.numbers[2]) + " is none of 0 (read), 1 (write), 2 (trim)";
    else
      return true;  // a good first line
    error_ = at(name_, number) + error_;
    return false;
  }

  std::string name_;
  LogOffset offset_;
  std::size_t bytes_;
  std::size_t columns_ = 0;  ///< of the first non-blank line; 0 before it
  std::size_t expected_lines_ = 0;
  std::string error_;
};

/// Every line of the fccp reader that `open` makes, parsed; fccp's own errors (a file that
/// cannot be opened, a line over 16 MiB) are returned too.
Expected<LatencyLog> parse_lines(const std::string& name, LogOffset offset, std::size_t bytes,
                                 const std::function<std::unique_ptr<io::LineReader>()>& open) {
  LatencyLog log;
  LogParser parser(name, offset, bytes);
  try {
    const auto reader = open();
    while (const char* line = reader->next_line()) {
      if (!parser.add(line, reader->get_file_line(), log)) return fail(parser.error());
    }
  } catch (const io::error::can_not_open_file& error) {
    return fail(name + ": cannot open: " + std::strerror(error.errno_value));
  } catch (const io::error::line_length_limit_exceeded& error) {
    return fail(at(name, error.file_line) + "longer than fio's lines by far (over 16 MiB)");
  } catch (const io::error::base& error) {
    return fail(name + ": " + error.what());
  }
  return log;
}

}  // namespace

const LatencySamples& LatencyLog::samples(IoDirection direction) const {
  switch (direction) {
    case IoDirection::kRead: return read;
    case IoDirection::kWrite: return write;
    case IoDirection::kTrim: break;
  }
  return trim;
}

LatencySamples& LatencyLog::samples(IoDirection direction) {
  return const_cast<LatencySamples&>(std::as_const(*this).samples(direction));
}

std::size_t LatencyLog::total_samples() const { return read.size() + write.size() + trim.size(); }

Expected<LatencyLog> parse_latency_log_file(const std::string& path, LogOffset offset) {
  std::error_code unknown_size;  // then nothing is reserved; opening reports the problem
  const auto bytes = std::filesystem::file_size(path, unknown_size);
  return parse_lines(path, offset, unknown_size ? 0 : bytes, [&] { return std::make_unique<io::LineReader>(path); });
}

Expected<LatencyLog> parse_latency_log(std::string_view text, const std::string& name, LogOffset offset) {
  return parse_lines(name, offset, text.size(),
                     [&] { return std::make_unique<io::LineReader>(name, text.data(), text.data() + text.size()); });
}

}  // namespace bh::analysis
