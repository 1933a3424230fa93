// parse_event_format and parse_header_page on arbitrary text: tracefs' events/*/format and
// events/header_page, read from the guest. A parsed format's fields are then read from the
// input itself, as event data.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/trace/event_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bh::analysis::parse_header_page(text);
  auto format = bh::analysis::parse_event_format(text);
  if (!format) return 0;
  for (const auto& field : format.value().fields) {
    (void)bh::analysis::read_unsigned(field, text);
    (void)bh::analysis::read_signed(field, text);
    (void)bh::analysis::read_chars(field, text);
  }
  return 0;
}
