// parse_event_hist and parse_kprobe_profile on arbitrary text: tracefs' events/*/hist and
// kprobe_profile, read from the guest for bcache's counters. A parsed histogram is then
// summed, as the counters do.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/trace/event_hist.h"
#include "analysis/trace/kprobe_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bh::analysis::parse_kprobe_profile(text);
  auto hist = bh::analysis::parse_event_hist(text);
  if (!hist) return 0;
  (void)bh::analysis::hist_sum(hist.value(), "hitcount");
  (void)bh::analysis::hist_sum(hist.value(), "sectors", {{"cache_hit", 1}, {"bypass", 0}});
  return 0;
}
