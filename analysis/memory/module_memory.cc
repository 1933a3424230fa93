#include "analysis/memory/module_memory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "analysis/memory/allocation_ledger.h"
#include "analysis/memory/memory_probes.h"
#include "analysis/memory/memory_trace.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

/// The phases the marks start, and when the last one ends; an error without marks.
struct Timeline {
  std::vector<PhaseMark> phases;
  std::uint64_t end_ns = 0;
};

Expected<Timeline> timeline(const MemoryTrace& trace) {
  Timeline timeline;
  for (const auto& mark : trace.marks) {
    const auto phase = marked_phase(mark.text);
    if (phase.empty()) continue;
    if (phase == kEndMark) {
      timeline.end_ns = mark.t_ns;
      break;
    }
    timeline.phases.push_back({phase, mark.t_ns});
  }
  if (timeline.phases.empty()) return fail("the memory trace has no phase mark");
  if (timeline.end_ns == 0) return fail("the memory trace has no end mark (it was not stopped)");
  return timeline;
}

Json trace_json(const MemoryTrace& trace, const AllocationSummary& summary, const MemoryCapture& capture) {
  const auto& anomalies = summary.anomalies;
  return {{"records", trace.records},
          {"events", trace.events.size()},
          {"outside_module", trace.outside_module},
          {"lost_events", trace.lost_events},
          {"loss_detail", trace.loss_detail},
          {"unpaired_entries", trace.unpaired_entries},
          {"unpaired_returns", trace.unpaired_returns},
          {"double_frees", anomalies.double_frees},
          {"untracked_frees", anomalies.untracked_frees},
          {"reused_live_addresses", anomalies.reused_live_addresses},
          {"reused_live_bytes", anomalies.reused_live_bytes},
          {"failed_allocations", anomalies.failed_allocations},
          {"unprobed", capture.unprobed}};
}

Json call_sites_json(const AllocationSummary& summary, const LoadedModuleCode& code) {
  std::vector<std::pair<std::uint64_t, CallSiteSummary>> sites(summary.by_call_site.begin(),
                                                               summary.by_call_site.end());
  std::stable_sort(sites.begin(), sites.end(),
                   [](const auto& a, const auto& b) { return a.second.peak_bytes > b.second.peak_bytes; });
  Json list = Json::array();
  for (const auto& [address, site] : sites) {
    list.push_back({{"call_site", code.describe(address)},
                    {"address", hex(address)},
                    {"baseline_bytes", site.baseline_bytes},
                    {"peak_bytes", site.peak_bytes},
                    {"held_at_end_bytes", site.held_at_end_bytes},
                    {"allocations", site.allocations},
                    {"frees", site.frees}});
  }
  return list;
}

}  // namespace

Json allocinfo_check(const Json& bcache_memory, const Json& memory_kib, std::string_view phase) {
  const auto allocinfo = memory_kib.find("allocinfo");
  if (allocinfo == memory_kib.end() || !allocinfo->is_object() || !allocinfo->contains("baseline_kib"))
    return {{"available", false}, {"why", "the guest kernel has no /proc/allocinfo (CONFIG_MEM_ALLOC_PROFILING)"}};
  const Json& baseline_kib = (*allocinfo)["baseline_kib"];
  if (!baseline_kib.is_number_integer() || std::llabs(baseline_kib.get<std::int64_t>()) > (std::int64_t{1} << 50))
    return {{"available", false}, {"why", "allocinfo's baseline_kib is not a number of KiB: " + baseline_kib.dump()}};
  const auto phases = bcache_memory.find("phases");
  if (phases == bcache_memory.end() || !phases->is_array())
    return {{"available", false}, {"why", "no phases in bcache_memory"}};
  for (const auto& entry : *phases) {
    if (!entry.is_object() || entry.value("name", Json()) != phase) continue;
    const auto held = entry.find("held_at_start_bytes");
    if (held == entry.end() || !held->is_number_integer())
      return {{"available", false}, {"why", "phase '" + std::string(phase) + "' has no held_at_start_bytes"}};
    const auto allocinfo_bytes = baseline_kib.get<std::int64_t>() * 1024;
    const auto traced = held->get<std::int64_t>();
    return {{"allocinfo_bytes", allocinfo_bytes},
            {"traced_bytes", traced},
            {"difference_bytes", allocinfo_bytes - traced},
            {"agree", std::llabs(allocinfo_bytes - traced) < 1024},
            {"note",
             "allocinfo counts every allocation tagged in drivers/md/bcache, mempool allocations made from "
             "bcache's code included; the trace counts bcache's own allocator calls only"}};
  }
  return {{"available", false}, {"why", "bcache_memory has no phase '" + std::string(phase) + "'"}};
}

Expected<ModuleMemory> module_memory(const MemoryCapture& capture) {
  auto code = LoadedModuleCode::place(capture.image, capture.section_addresses);
  if (!code) return fail(capture.module + ": " + code.error().message);
  auto trace = decode_memory_trace(capture.trace, code.value());
  if (!trace) return trace.error();
  if (trace.value().lost_events > 0) {
    return fail("the memory trace lost " + std::to_string(trace.value().lost_events) + " events (" +
                trace.value().loss_detail + "): " + std::string(kTraceLossError));
  }
  const auto unpaired = trace.value().unpaired_entries + trace.value().unpaired_returns;
  if (unpaired > 0) {
    return fail(std::to_string(trace.value().unpaired_returns) + " allocator returns and " +
                std::to_string(trace.value().unpaired_entries) +
                " entries of the memory trace found no partner: allocations it cannot size, so " +
                std::string(kTraceLossError));
  }
  auto phases = timeline(trace.value());
  if (!phases) return phases.error();
  const auto summary = summarize_allocations(trace.value().events, phases.value().phases, phases.value().end_ns);
  const auto origin = phases.value().phases.front().t_ns;
  const auto seconds = [origin](std::uint64_t t_ns) {
    return static_cast<double>(t_ns - std::min(t_ns, origin)) / 1e9;
  };
  Json phase_list = Json::array();
  for (const auto& phase : summary.phases) {
    phase_list.push_back(
        {{"name", phase.name},
         {"start_s", seconds(phase.start_ns)},
         {"end_s", seconds(phase.end_ns)},
         {"held_at_start_bytes", phase.held_at_start_bytes},
         {"peak_bytes", phase.peak_bytes},
         {"peak_t_s", seconds(phase.peak_t_ns)},
         {"peak_minus_baseline_bytes", phase.peak_bytes - std::min(phase.peak_bytes, summary.baseline_bytes)},
         {"held_at_end_bytes", phase.held_at_end_bytes}});
  }
  ModuleMemory memory;
  memory.summary = {{"method", kModuleMemoryMethod},
                    {"module", capture.module},
                    {"baseline_bytes", summary.baseline_bytes},
                    {"peak_bytes", summary.peak_bytes},
                    {"peak_t_s", seconds(summary.peak_t_ns)},
                    {"peak_minus_baseline_bytes", summary.peak_minus_baseline_bytes()},
                    {"held_at_end_bytes", summary.held_at_end_bytes},
                    {"phases", std::move(phase_list)},
                    {"by_call_site", call_sites_json(summary, code.value())},
                    {"trace", trace_json(trace.value(), summary, capture)}};
  memory.held_over_time.emplace_back(0.0, summary.baseline_bytes);
  for (const auto& [t_ns, bytes] : summary.held_over_time) {
    if (t_ns > origin) memory.held_over_time.emplace_back(seconds(t_ns), bytes);
  }
  memory.held_over_time.emplace_back(seconds(phases.value().end_ns), summary.held_at_end_bytes);
  return memory;
}

}  // namespace bh::analysis
