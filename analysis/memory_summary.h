#pragma once
/// The kernel memory a phase cost: baseline, peak and peak minus baseline per source, from
/// the guest agent's memory samples.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh::analysis {

/// The /proc/meminfo keys summarised, in report order.
inline constexpr std::array<std::string_view, 5> kMeminfoKeys = {"MemAvailable", "Slab", "SUnreclaim", "Percpu",
                                                                 "VmallocUsed"};

/// Which way a source moves when the kernel uses more memory.
enum class Growth {
  kUp,    ///< memory held (Slab, a slab cache): the peak is the largest sample
  kDown,  ///< memory still free (MemAvailable): the peak is the smallest sample
};

/// The Growth of a /proc/meminfo key: kDown for MemAvailable, kUp otherwise.
Growth growth_of_meminfo_key(std::string_view key);

/// One source over a phase. "Extreme" is the sample of greatest use: the maximum of a kUp
/// source, the minimum of a kDown one.
struct SourceSummary {
  Growth growth = Growth::kUp;
  std::uint64_t baseline_kib = 0;
  std::uint64_t extreme_kib = 0;  ///< the source's own value at the extreme
  double extreme_t_s = 0;         ///< the sample's t_s; the first one when several tie
  /// How much more memory was in use at the extreme than at the baseline: extreme - baseline
  /// for kUp, baseline - extreme for kDown. Negative when use only fell during the phase.
  std::int64_t extra_use_kib = 0;

  bool operator==(const SourceSummary&) const = default;
};

/// Sources by name; nullopt marks a source the kernel did not report in the baseline or in
/// any sample of the phase (unavailable, which is not the same as 0 kB).
using SourceMap = std::map<std::string, std::optional<SourceSummary>>;

/// What a phase cost, per source.
struct MemorySummary {
  SourceMap meminfo;  ///< every key of kMeminfoKeys
  SourceMap slab;     ///< every slab cache named in the baseline or in a sample

  bool operator==(const MemorySummary&) const = default;
};

/// Summarises `samples`, the agent's array [{"t_s", "meminfo" {key: kB}, "slab_kb" {cache:
/// kB}}] taken during a phase, against `baseline`, one such sample (t_s not needed) taken
/// with bcache registered and idle. A sample missing a source is skipped for that source.
/// Fails, naming the sample index (or "baseline") and the key, when `samples` is not an
/// array, a sample has no "meminfo" object or no numeric "t_s", "slab_kb" is present but not
/// an object, or a value read is not a non-negative integer.
Expected<MemorySummary> summarize_memory(const nlohmann::json& baseline, const nlohmann::json& samples);

/// Whether `cache` is one of bcache's own slab caches: its name starts "bcache" or "bch_", or
/// it is "search" (drivers/md/bcache/request.c: KMEM_CACHE(search, 0), the cache of the
/// mempool bcache allocates each request's state from; no other module in the guest makes
/// one of that name).
bool is_bcache_cache(std::string_view cache);

/// `slab` cut to every bcache cache (available or not) plus the `n` other available caches
/// with the largest extra_use_kib (ties broken by name).
SourceMap top_slab_caches(const SourceMap& slab, std::size_t n);

/// {"meminfo": {key: S}, "slab": {cache: S}}, where S is null for an unavailable source, for
/// kUp {"baseline_kib", "peak_kib", "peak_minus_baseline_kib", "peak_t_s"}, and for kDown
/// {"baseline_kib", "min_kib", "baseline_minus_min_kib", "min_t_s"}, so that MemAvailable's
/// minimum is never read as a peak of use.
nlohmann::json to_json(const MemorySummary& summary);

}  // namespace bh::analysis
