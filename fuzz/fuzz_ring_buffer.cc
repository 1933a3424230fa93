// parse_ring_buffer on arbitrary bytes: tracefs' per-CPU trace_pipe_raw pages read from the
// guest, with a 64-bit kernel's page header and 4 KiB pages (the captures' format).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/trace/ring_buffer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto contents = bh::analysis::parse_ring_buffer(raw, bh::analysis::PageHeaderFormat{}, 0);
  if (!contents) return 0;
  for (const auto& record : contents.value().records) (void)bh::analysis::record_event_id(record);
  return 0;
}
