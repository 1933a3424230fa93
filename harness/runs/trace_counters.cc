#include "harness/runs/trace_counters.h"

#include <array>

#include "analysis/trace/event_hist.h"
#include "analysis/trace/kprobe_profile.h"

namespace bh {
namespace {

constexpr const char* kTracefs = "/sys/kernel/tracing";
/// The kprobe events' group and names (kprobe_profile lists them by name alone).
constexpr const char* kProbeGroup = "bhcount";
constexpr const char* kCollisionEvent = "miss_collision";
constexpr const char* kBypassedEvent = "sectors_bypassed";
/// The tracepoint the four read counters come from.
constexpr const char* kReadsEvent = "bcache/bcache_read";

std::string hist_file(const std::string& event) {
  return std::string(kTraceCounterInstance) + "/events/" + event + "/hist";
}
std::string trigger_file(const std::string& event) {
  return std::string(kTraceCounterInstance) + "/events/" + event + "/trigger";
}
std::string probe(const char* name) { return std::string(kProbeGroup) + "/" + name; }

/// The histogram in `text` of file `path`, or an error naming it.
Expected<analysis::EventHist> hist_of(const std::string& text, const std::string& path) {
  auto hist = analysis::parse_event_hist(text);
  if (!hist) return fail(path + ": " + hist.error().message);
  if (hist.value().dropped > 0) {
    return fail(path + ": " + std::to_string(hist.value().dropped) + " events dropped (the histogram's map is full)");
  }
  return hist;
}

}  // namespace

std::vector<GuestWrite> trace_counter_arming() {
  const std::string kprobe_events = std::string(kTracefs) + "/kprobe_events";
  // $argN, not registers: bch_mark_cache_miss_collision(c, d), bch_mark_sectors_bypassed(c, dc, sectors).
  return {
      {kprobe_events, "p:" + probe(kCollisionEvent) + " bch_mark_cache_miss_collision d=$arg2:x64\n", true},
      {kprobe_events, "p:" + probe(kBypassedEvent) + " bch_mark_sectors_bypassed dc=$arg2:x64 sectors=$arg3:u32\n",
       true},
      {trigger_file(kReadsEvent), "hist:keys=cache_hit,bypass:vals=hitcount"},
      {trigger_file(probe(kCollisionEvent)), "hist:keys=d:vals=hitcount"},
      {trigger_file(probe(kBypassedEvent)), "hist:keys=dc:vals=sectors"},
  };
}

Expected<BcacheCounterValues> trace_counter_values(const std::string& reads_hist, const std::string& collisions_hist,
                                                   const std::string& bypassed_hist,
                                                   const std::string& kprobe_profile) {
  auto reads = hist_of(reads_hist, hist_file(kReadsEvent));
  if (!reads) return reads.error();
  auto collisions = hist_of(collisions_hist, hist_file(probe(kCollisionEvent)));
  if (!collisions) return collisions.error();
  auto bypassed = hist_of(bypassed_hist, hist_file(probe(kBypassedEvent)));
  if (!bypassed) return bypassed.error();
  auto profile = analysis::parse_kprobe_profile(kprobe_profile);
  if (!profile) return fail(std::string(kTracefs) + "/" + profile.error().message);
  std::uint64_t probe_misses = 0;
  for (const char* event : {kCollisionEvent, kBypassedEvent}) {
    const auto it = profile.value().find(event);
    if (it == profile.value().end()) return fail(std::string(kTracefs) + "/kprobe_profile has no " + probe(event));
    probe_misses += it->second.missed;
  }
  const auto count = [&](std::uint64_t hit, std::uint64_t bypass) {
    return analysis::hist_sum(reads.value(), "hitcount", {{"cache_hit", hit}, {"bypass", bypass}});
  };
  return BcacheCounterValues{{"cache_hits", count(1, 0)},
                             {"cache_misses", count(0, 0)},
                             {"cache_bypass_hits", count(1, 1)},
                             {"cache_bypass_misses", count(0, 1)},
                             {"cache_miss_collisions", analysis::hist_sum(collisions.value(), "hitcount")},
                             {"bypassed_bytes", analysis::hist_sum(bypassed.value(), "sectors") * 512},
                             {"probe_misses", probe_misses}};
}

Expected<void> TraceCounterSource::arm() {
  auto done = agent_.write_batch(trace_counter_arming(), {kTraceCounterInstance}, OnRefusal::kStop);
  if (!done) return fail("tracefs counters: " + done.error().message);
  return outcome::success();
}

Expected<BcacheCounterValues> TraceCounterSource::read() {
  const std::array<std::string, 4> paths = {hist_file(kReadsEvent), hist_file(probe(kCollisionEvent)),
                                            hist_file(probe(kBypassedEvent)),
                                            std::string(kTracefs) + "/kprobe_profile"};
  auto files = agent_.read_existing_files({paths.begin(), paths.end()});
  if (!files) return files.error();
  for (const auto& path : paths) {
    if (!files.value().contains(path)) return fail("tracefs counters: the guest has no " + path);
  }
  auto& text = files.value();
  return trace_counter_values(text[paths[0]], text[paths[1]], text[paths[2]], text[paths[3]]);
}

}  // namespace bh
