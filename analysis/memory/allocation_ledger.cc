#include "analysis/memory/allocation_ledger.h"

#include <algorithm>

namespace bh::analysis {

void AllocationLedger::release(std::unordered_map<std::uint64_t, Held>::iterator held) {
  auto& site = sites_[held->second.call_site];
  site.held_bytes -= held->second.bytes;
  held_bytes_ -= held->second.bytes;
  live_.erase(held);
}

void AllocationLedger::apply(const MemoryEvent& event) {
  if (event.kind == MemoryEvent::Kind::kFree) {
    if (event.ptr == 0) return;  // kfree(NULL)
    if (const auto held = live_.find(event.ptr); held != live_.end()) {
      ++sites_[held->second.call_site].frees;
      release(held);
      freed_.insert(event.ptr);
    } else if (freed_.contains(event.ptr)) {
      ++anomalies_.double_frees;
    } else {
      ++anomalies_.untracked_frees;
    }
    return;
  }
  if (event.ptr == 0) {
    ++anomalies_.failed_allocations;
    return;
  }
  freed_.erase(event.ptr);
  if (const auto held = live_.find(event.ptr); held != live_.end()) {
    ++anomalies_.reused_live_addresses;
    anomalies_.reused_live_bytes += held->second.bytes;
    release(held);
  }
  live_.emplace(event.ptr, Held{event.bytes, event.call_site});
  auto& site = sites_[event.call_site];
  ++site.allocations;
  site.held_bytes += event.bytes;
  site.peak_bytes = std::max(site.peak_bytes, site.held_bytes);
  held_bytes_ += event.bytes;
  if (held_bytes_ > peak_bytes_) {
    peak_bytes_ = held_bytes_;
    peak_t_ns_ = event.t_ns;
  }
}

void AllocationLedger::reset_peak(std::uint64_t t_ns) {
  peak_bytes_ = held_bytes_;
  peak_t_ns_ = t_ns;
  for (auto& [_, site] : sites_) site.peak_bytes = site.held_bytes;
}

namespace {

/// Walks the events through the phases, taking the baseline at the first phase's start.
class PhaseWalk {
 public:
  PhaseWalk(const std::vector<PhaseMark>& marks, std::uint64_t end_ns, AllocationSummary& summary)
      : marks_(marks), end_ns_(end_ns), summary_(summary) {}

  /// Starts every phase that began before `t_ns`.
  void reach(std::uint64_t t_ns) {
    while (next_ < marks_.size() && t_ns > marks_[next_].t_ns) start(next_++);
  }

  void apply(const MemoryEvent& event) {
    const auto before = ledger_.held_bytes();
    ledger_.apply(event);
    const auto held = ledger_.held_bytes();
    if (held == before) return;
    summary_.held_over_time.emplace_back(event.t_ns, held);
    if (!summary_.phases.empty() && held > summary_.phases.back().peak_bytes) {
      summary_.phases.back().peak_bytes = held;
      summary_.phases.back().peak_t_ns = event.t_ns;
    }
  }

  void finish() {
    while (next_ < marks_.size()) start(next_++);
    if (marks_.empty()) take_baseline(end_ns_);
    close_phase(end_ns_);
    summary_.peak_bytes = ledger_.peak_bytes();
    summary_.peak_t_ns = ledger_.peak_t_ns();
    summary_.held_at_end_bytes = ledger_.held_bytes();
    summary_.anomalies = ledger_.anomalies();
    for (const auto& [address, site] : ledger_.sites()) {
      auto& out = summary_.by_call_site[address];
      const auto baseline = baseline_by_site_.find(address);
      out.baseline_bytes = baseline == baseline_by_site_.end() ? 0 : baseline->second;
      out.peak_bytes = site.peak_bytes;
      out.held_at_end_bytes = site.held_bytes;
      out.allocations = site.allocations;
      out.frees = site.frees;
    }
  }

 private:
  void take_baseline(std::uint64_t t_ns) {
    summary_.baseline_bytes = ledger_.held_bytes();
    for (const auto& [address, site] : ledger_.sites()) baseline_by_site_[address] = site.held_bytes;
    ledger_.reset_peak(t_ns);
  }
  void close_phase(std::uint64_t t_ns) {
    if (summary_.phases.empty()) return;
    summary_.phases.back().end_ns = t_ns;
    summary_.phases.back().held_at_end_bytes = ledger_.held_bytes();
  }
  void start(std::size_t index) {
    const auto& mark = marks_[index];
    if (index == 0) take_baseline(mark.t_ns);
    close_phase(mark.t_ns);
    const auto held = ledger_.held_bytes();
    summary_.phases.push_back({mark.name, mark.t_ns, 0, held, held, mark.t_ns, held});
  }

  const std::vector<PhaseMark>& marks_;
  std::uint64_t end_ns_;
  AllocationSummary& summary_;
  AllocationLedger ledger_;
  std::size_t next_ = 0;
  std::map<std::uint64_t, std::uint64_t> baseline_by_site_;
};

}  // namespace

AllocationSummary summarize_allocations(const std::vector<MemoryEvent>& events, const std::vector<PhaseMark>& phases,
                                        std::uint64_t end_ns) {
  AllocationSummary summary;
  PhaseWalk walk(phases, end_ns, summary);
  for (const auto& event : events) {
    if (event.t_ns > end_ns) break;
    walk.reach(event.t_ns);
    walk.apply(event);
  }
  walk.finish();
  return summary;
}

}  // namespace bh::analysis
