// parse_latency_log on arbitrary text, with and without the offset column: fio's
// write_lat_log files, fetched from the guest.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/latency_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bh::analysis::parse_latency_log(text, "fuzz.log", bh::analysis::LogOffset::kPresent);
  (void)bh::analysis::parse_latency_log(text, "fuzz.log", bh::analysis::LogOffset::kAbsent);
  return 0;
}
