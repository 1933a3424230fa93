#pragma once
/// `nightly`: one night of the matrix (or of one shard of it). Each kernel's cells run as an
/// ordinary `run` into OUT/<kernel name>/ (summary.json and reports as usual); every finished
/// run goes into the history database at once, in its own transaction, so a crash loses at
/// most the run in flight; OUT/nightly.json says what the night was, and OUT/kcidb.json
/// holds the night in KCIDB form.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/nightly/nightly_matrix.h"
#include "harness/runs/scenario_loop.h"

namespace bh {

/// What `nightly` was asked to do.
struct NightlyOptions {
  std::filesystem::path matrix_file;
  std::filesystem::path db_file;
  std::filesystem::path out_dir;
  Shard shard;
  std::string night;  ///< the night's name (default: today, UTC, YYYY-MM-DD)
  std::string origin = "bcache_harness";
  std::filesystem::path kcidb_file;  ///< empty: OUT/kcidb.json
  GuestOptions guest;                ///< accel, boot timeout, memory, --set (kernel_spec unused)
  std::vector<std::string> command_line;
};

/// How one kernel's cells run: run_scenarios in production; tests pass a fake guest preparer
/// and RunOnce.
struct NightlyRunners {
  GuestPreparer prepare = host_guest_preparer();
  std::function<RunOnce(const RunOptions&)> make_run_once;
};

/// What a night produced.
struct NightlyOutcome {
  std::filesystem::path out_dir;
  nlohmann::json manifest;   ///< nightly.json
  std::string summary_text;  ///< per kernel, its run summary; then what is new
  int exit_code = 3;         ///< 0 nothing new, 1 a new FAIL or regression, 3 an error and nothing new
};

/// Today's date in UTC, "YYYY-MM-DD".
std::string default_night_name();

/// True if `night` is 1-64 of [A-Za-z0-9._-] (it names rows and directories).
bool valid_night_name(const std::string& night);

/// Runs the night: loads the matrix (HarnessError, usage, naming a bad file or shard),
/// opens (or creates) the database (HarnessError, error, for a foreign or corrupt one, which
/// is left untouched), runs every kernel's cells of the shard, records them, writes
/// nightly.json and the KCIDB file, then judges the night against the history
/// (night_verdict.h). A kernel that cannot be prepared is recorded as ERROR runs and the
/// night goes on with the next kernel.
NightlyOutcome run_nightly(const NightlyOptions& options, const RunEvents& events, const NightlyRunners& runners);

}  // namespace bh
