#pragma once
/// The time series and distributions a run's plots are drawn from, as the run's raw files
/// give them (see run_metrics.h).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/latency_stats.h"

namespace bh::analysis {

/// One point of a plotted line.
struct XY {
  double x = 0;
  double y = 0;

  bool operator==(const XY&) const = default;
};

/// The plot series of one run (empty maps where the run recorded no such data).
struct RunSeries {
  std::string scenario;       ///< the scenario's full name, as in summary.json
  std::size_t run_index = 0;  ///< 0-based position in the scenario's "runs" array
  std::uint64_t seed = 0;
  /// Completion-latency CDF of the measured phase by direction ("read", "write").
  std::map<std::string, std::vector<CdfPoint>> latency_cdf;
  /// Completion latency over the measured phase by direction: (seconds since the phase
  /// started, microseconds) per time bin.
  std::map<std::string, std::vector<XY>> latency_over_time_us;
  /// Kernel memory over the measured phase by source ("Slab", "SUnreclaim", "Percpu",
  /// "VmallocUsed", "MemAvailable"): (seconds since the phase started, KiB) per sample.
  std::map<std::string, std::vector<XY>> memory_over_time_kib;
  /// The module's own memory over the whole run (memory.trace/): (seconds since the first
  /// phase after provisioning started, bytes held); empty without a memory trace.
  std::vector<XY> module_memory_bytes;
  /// Where each phase of module_memory_bytes starts: (seconds, phase name).
  std::vector<std::pair<double, std::string>> module_memory_phases;

  /// "SCENARIO run N (seed S)" with N 1-based.
  std::string label() const;
};

}  // namespace bh::analysis
