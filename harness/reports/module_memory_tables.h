#pragma once
/// The report tables of bcache's own memory (summary.json's "bcache_memory", traced to the
/// byte): per run, and its growth per TiB of backing device across the sizes a scenario was
/// run at (fix-eval-memory-size and its variants), beside the v2 fix's published figures.

#include <optional>
#include <utility>
#include <vector>

#include "harness/reports/report_model.h"
#include "harness/reports/table.h"

namespace bh::analysis {

/// The v2 fix's published cost per TiB of backing device (linux-bcache, 2026-06-17), what it
/// adds on top of the stock module: idle and peak, and its atomic-counter variant's.
inline constexpr double kV2IdleBytesPerTib = 256;
inline constexpr double kV2PeakBytesPerTib = 64.25 * 1024;
inline constexpr double kV2AtomicIdleBytesPerTib = 1024;
inline constexpr double kV2AtomicPeakBytesPerTib = 257 * 1024;

/// Id "bcache-memory": one row per run with bcache_memory: scenario, run, backing bytes,
/// baseline, peak, peak − baseline and held at end (bytes), and the call site holding the
/// most at its peak.
Table module_memory_table(const ReportInput& input);

/// Id "bcache-memory-per-tib": per scenario family (the name before ':') whose runs cover
/// at least two backing sizes, the least-squares growth of baseline and peak bytes per TiB
/// of backing device, beside the v2 fix's figures. Empty without such a family.
Table memory_growth_table(const ReportInput& input);

/// The least-squares slope of (x, y); none with fewer than two distinct x.
std::optional<double> slope(const std::vector<std::pair<double, double>>& points);

}  // namespace bh::analysis
