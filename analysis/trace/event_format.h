#pragma once
/// The layouts tracefs publishes: an event's `format` file (events/<system>/<event>/format)
/// and the ring-buffer page header (events/header_page), and reading one field's value out of
/// an event's raw bytes.
///
/// A format file, as Linux 6.1 prints it (6.12 may add common fields; `__data_loc` fields are
/// parsed like any other):
///   name: bcache_read
///   ID: 1234
///   format:
///   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
///   	field:char rwbs[6];	offset:28;	size:6;	signed:0;
///   print fmt: "..."

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::analysis {

/// One `field:` line of a format file.
struct TraceField {
  std::string name;         ///< the declaration's last identifier, without any `[N]` suffix
  std::string declaration;  ///< the text between `field:` and its `;`, trimmed
  std::size_t offset = 0;   ///< byte offset in the event's data (which starts at common_type)
  std::size_t size = 0;     ///< bytes the field occupies (the whole array for arrays)
  bool is_signed = false;
  std::size_t array_length = 0;  ///< N of a `name[N]` declaration; 0 when not an array
};

/// One event's format file.
struct EventFormat {
  std::string name;
  std::uint16_t id = 0;            ///< the value of common_type in this event's records
  std::vector<TraceField> fields;  ///< in the file's order, common fields first

  /// The field called `name`, or nullptr.
  const TraceField* field(std::string_view name) const;
};

/// Parses a format file: its name, ID and every field line. Text from `print fmt:` on is
/// ignored. An error names the 1-based line that is wrong, or the name or ID that is missing.
Expected<EventFormat> parse_event_format(std::string_view text);

/// The layout of a ring-buffer page, from tracefs events/header_page:
///   field: u64 timestamp;	offset:0;	size:8;	signed:0;
///   field: local_t commit;	offset:8;	size:8;	signed:1;
///   field: int overwrite;	offset:8;	size:1;	signed:1;
///   field: char data;	offset:16;	size:4080;	signed:1;
/// The defaults are a 64-bit kernel's with 4 KiB pages.
struct PageHeaderFormat {
  std::size_t timestamp_offset = 0;  ///< the page's base time, a u64
  std::size_t commit_offset = 8;     ///< local_t: bytes of data used, plus the missed-events flags
  std::size_t commit_size = 8;       ///< sizeof(long) on the traced kernel: 8, or 4 on 32-bit ones
  std::size_t data_offset = 16;      ///< where the events start
  std::size_t data_size = 4080;      ///< room for events: the page size less data_offset
};

/// Parses events/header_page. An error names the line that is wrong, a field that is missing
/// (timestamp, commit, data), or a size the page format cannot have (timestamp not 8 bytes,
/// commit not 4 or 8).
Expected<PageHeaderFormat> parse_header_page(std::string_view text);

/// Reads an unsigned little-endian integer field (size 1, 2, 4 or 8) from one event's data;
/// error if the field has another size or lies outside `data`.
Expected<std::uint64_t> read_unsigned(const TraceField& field, std::string_view data);

/// Reads a signed little-endian integer field (size 1, 2, 4 or 8), sign-extended; the same
/// errors as read_unsigned.
Expected<std::int64_t> read_signed(const TraceField& field, std::string_view data);

/// A char-array field as a string, up to its first NUL (all of it when it has none); a
/// flexible array (size 0, "char buf[]": trace_marker's text) runs to the record's end.
/// Error if the field lies outside `data`.
Expected<std::string> read_chars(const TraceField& field, std::string_view data);

}  // namespace bh::analysis
