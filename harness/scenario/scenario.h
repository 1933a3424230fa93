#pragma once
/// Race scenarios: what to provision, which fio jobs to run over which ranges, and what a run
/// of them is meant to show. Scenarios are TOML files (jobs/NAME.toml); every [bcache] key
/// goes through apply_setting, so bcache_settings.cc stays the one table of keys.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "harness/bcache/bcache_settings.h"

namespace bh {

/// Whether a scenario is built to provoke the race, to show its absence, or to measure what
/// bcache costs (latency, throughput, kernel memory) without checking data.
enum class ScenarioKind { kRace, kControl, kPerf };

/// "race", "control" or "perf".
std::string scenario_kind_name(ScenarioKind kind);

/// What the scenario's author expects on a stock kernel. Documentation only: the harness's
/// PASS is always "no stale block", whatever this says.
enum class ExpectedStale { kNone, kSome };

/// "none" or "some".
std::string expected_stale_name(ExpectedStale expected);

/// The byte ranges of /dev/bcache0 the race writes and reads (4 KiB multiples).
struct Region {
  std::uint64_t write_offset = 0;
  std::uint64_t write_size = 16ull << 20;
  std::uint64_t read_offset = 0;
  std::uint64_t read_size = 16ull << 20;

  /// Start of the fill range: the lower of the two ranges' starts.
  std::uint64_t fill_offset() const;
  /// Size of the fill range: from fill_offset() to the higher of the two ranges' ends, so it
  /// covers both ranges (and any gap between them).
  std::uint64_t fill_size() const;
};

/// A named set of [bcache] overrides, selected as NAME:VARIANT.
/// How long a perf scenario's job runs: once to warm up (not measured), then for the
/// measured runtime, and with how many writers (TOML table [perf]).
struct PerfPhases {
  std::uint32_t warmup_s = 5;    ///< 0: no warm-up
  std::uint32_t runtime_s = 20;  ///< the measured phase, at least 1
  std::uint32_t writers = 1;     ///< writer jobs the perf job runs, as $BH_WRITERS (1-256)
};

struct ScenarioVariant {
  std::string name;
  std::string description;
  std::vector<std::pair<std::string, std::string>> settings;  ///< key, value text, file order
  /// The base scenario's [perf] with the variant's [variants.NAME.perf] keys over it
  /// (perf scenarios only; none when the variant has no such table).
  std::optional<PerfPhases> perf;
};

/// min_race_windows when a race scenario does not set it (README "Race evidence": the
/// shipped race scenarios open hundreds per run under TCG; a run with fewer than this did
/// not test the race enough to call a kernel fixed).
inline constexpr std::uint64_t kDefaultMinRaceWindows = 50;

/// writer_iodepth when a race or control scenario does not set it: 32 bypass writes in
/// flight at once open 32 times the race windows per second of one (README "Speed").
inline constexpr std::uint32_t kDefaultWriterIodepth = 32;

/// One loaded scenario, with its variant (if any) already applied to `settings`.
struct Scenario {
  std::string name;     ///< the file's stem, e.g. "race-seq-bypass"
  std::string variant;  ///< the selected variant, empty for the base scenario
  std::string description;
  std::filesystem::path source;  ///< absolute path of the TOML file
  ScenarioKind kind = ScenarioKind::kRace;
  ExpectedStale expected_stale = ExpectedStale::kSome;
  BcacheSettings settings;
  Region region;
  std::filesystem::path fill_job;  ///< absolute; exists. Empty for a perf scenario without a fill
  std::filesystem::path race_job;  ///< race and control scenarios: absolute; exists. perf: empty
  std::filesystem::path perf_job;  ///< perf scenarios: absolute; exists. Others: empty
  PerfPhases perf;                 ///< perf scenarios only
  /// sysfs knob names the kernel must have, else the run is SKIP (TOML key `requires`).
  std::vector<std::string> required_knobs;
  std::uint32_t race_timeout_s = 300;
  /// Race and control scenarios: how many of the race's sequential writes are in flight at
  /// once, given to the race job as $BH_WRITE_DEPTH (1-256). Runs with power cuts use 1
  /// whatever this says: fio's saved state proves which writes were acknowledged only at
  /// iodepth 1. TOML key `writer_iodepth`.
  std::uint32_t writer_iodepth = kDefaultWriterIodepth;
  /// Race scenarios: the race windows (read misses overlapping an in-flight bypass write,
  /// analysis/trace/race_evidence.h) a run with no stale block needs to PASS; fewer is an
  /// ERROR "not exercised". TOML key `min_race_windows`.
  std::uint64_t min_race_windows = kDefaultMinRaceWindows;
  /// Race scenarios: what a clean run below min_race_windows is. ERROR (the default: the
  /// scenario's settings force the bypass, so too few windows means something broke) or
  /// SKIP (a scenario whose bypass the kernel decides from measured latency, which no
  /// setting forces), with the same "not exercised: ..." reason. Never PASS. TOML key
  /// `not_exercised = "error" | "skip"`.
  bool skip_when_not_exercised = false;
  std::vector<ScenarioVariant> variants;  ///< every variant the file defines
  /// Groups the scenario and every variant of it belong to, run together as `@GROUP` (TOML
  /// key `groups`, names of [a-z0-9-]).
  std::vector<std::string> groups;
  /// Whether `run` without --scenario runs it (TOML key `run_by_default`, default true):
  /// false for scenarios run only as part of a group, e.g. the fix-evaluation workloads.
  bool run_by_default = true;

  /// "NAME" or "NAME:VARIANT".
  std::string full_name() const;
};

/// Loads a scenario file and applies `variant` (empty: none). Errors read
/// "FILE:LINE: key 'x': message".
Expected<Scenario> load_scenario_file(const std::filesystem::path& path, std::string_view variant = "");

/// Loads `text` as the scenario file `path` would be loaded (its name, its job files
/// relative to it, the same errors); `path` need not exist.
Expected<Scenario> load_scenario_text(std::string_view text, const std::filesystem::path& path,
                                      std::string_view variant = "");

/// Loads "NAME[:VARIANT]" from jobs_dir/NAME.toml, or "PATH[:VARIANT]" when the name contains
/// '/' or ends in ".toml". An unknown name's error lists the known ones.
Expected<Scenario> resolve_scenario(std::string_view name_or_path, const std::filesystem::path& jobs_dir);

/// The scenario names in jobs_dir that run by default, race scenarios first, then controls,
/// then perf scenarios, each kind sorted by name. A file that does not load counts as a race scenario, so running the
/// set reports its error instead of silently dropping it.
std::vector<std::string> shipped_scenarios(const std::filesystem::path& jobs_dir);

/// "@GROUP" names a group of scenarios.
inline constexpr char kGroupPrefix = '@';

/// Every scenario of jobs_dir in `group`, each with all its variants ("NAME", then
/// "NAME:VARIANT" per variant), ordered as shipped_scenarios orders them. An error names a
/// file that does not load, or a group no scenario belongs to, listing the known groups.
Expected<std::vector<std::string>> scenario_group(std::string_view group, const std::filesystem::path& jobs_dir);

/// $BH_JOBS_DIR when set, else the source tree's jobs/ directory.
std::filesystem::path default_jobs_dir();

}  // namespace bh
