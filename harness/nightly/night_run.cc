#include "harness/nightly/night_run.h"

#include <algorithm>
#include <ctime>

#include "harness/exit/harness_error.h"
#include "harness/history/night_import.h"
#include "harness/nightly/kcidb_export.h"
#include "harness/nightly/night_verdict.h"
#include "harness/reports/run_reports.h"
#include "harness/results/run_directory.h"
#include "harness/runs/provenance_probe.h"
#include "util/files.h"
#include "util/process_runner.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

/// The night as it goes: the database, the manifest, and whether anything went wrong on
/// the way that the runs' statuses do not show.
struct Night {
  const NightlyOptions& options;
  const NightlyMatrix& matrix;
  HistoryDb& db;
  const RunEvents& events;
  Json provenance;
  Json manifest;
  bool harness_trouble = false;

  void save_manifest() const { save_result_json(options.out_dir, "nightly.json", manifest); }

  void warn(const std::string& text) {
    harness_trouble = true;
    events.say("nightly: " + text);
  }
};

/// The cells of `kernel`, in matrix order.
std::vector<std::string> scenarios_of(const std::vector<MatrixCell>& cells, const std::string& kernel) {
  std::vector<std::string> scenarios;
  for (const auto& cell : cells) {
    if (cell.kernel.name == kernel) scenarios.push_back(cell.scenario);
  }
  return scenarios;
}

RunOptions kernel_run_options(const Night& night, const MatrixKernel& kernel, std::vector<std::string> scenarios) {
  RunOptions run;
  run.guest = night.options.guest;
  run.guest.kernel_spec = kernel.spec;
  run.guest.out_dir = night.options.out_dir / kernel.name;
  run.scenarios = std::move(scenarios);
  run.repeat = night.matrix.repeat;
  run.perf_repeat = night.matrix.perf_repeat;
  run.seed = night.matrix.seed;
  run.power_cuts.cuts = night.matrix.power_cuts;
  if (night.matrix.perf_runtime_s > 0) run.perf_runtime_s = night.matrix.perf_runtime_s;
  run.command_line = night.options.command_line;
  return run;
}

/// `inner`, with every finished run stored in the history at once.
RunOnce recording(Night& night, const MatrixKernel& kernel, RunOnce inner) {
  return [&night, kernel, inner](const Scenario& scenario, const PreparedGuest& guest, std::uint64_t seed,
                                 const fs::path& run_dir, ProgressPosition position, std::string& used_accel) {
    RunResult result = inner(scenario, guest, seed, run_dir, position, used_accel);
    RunRecord record{night.options.night,
                     kernel.name,
                     kernel.spec,
                     guest.kernel.release,
                     scenario.full_name(),
                     scenario_kind_name(scenario.kind),
                     position.run,
                     seed,
                     status_name(result.status),
                     to_json(result),
                     night.provenance};
    record.provenance["accel"] = used_accel;
    if (auto stored = night.db.record(record); !stored) night.warn("history: " + stored.error().message);
    return result;
  };
}

/// Replaces the kernel's rows with its refreshed summary.json (metrics recomputed by the
/// reports), exactly what `history import` of this directory stores.
void record_summary(Night& night, const MatrixKernel& kernel) {
  const auto file = night.options.out_dir / kernel.name / "summary.json";
  auto summary = read_summary(file);
  if (!summary) return night.warn(summary.error().message);
  auto records = records_from_summary(summary.value(), night.options.night, kernel.name);
  if (!records) return night.warn(records.error().message);
  if (auto stored = night.db.record_all(records.value()); !stored) night.warn("history: " + stored.error().message);
}

/// ERROR rows for every scenario of a kernel that could not run at all.
void record_kernel_error(Night& night, const MatrixKernel& kernel, const std::vector<std::string>& scenarios,
                         const std::string& message) {
  std::vector<RunRecord> records;
  for (const auto& scenario : scenarios) {
    const Json run = {{"seed", night.matrix.seed}, {"status", "ERROR"}, {"reason", message}};
    records.push_back({night.options.night, kernel.name, kernel.spec, "", scenario, "", 1, night.matrix.seed, "ERROR",
                       run, night.provenance});
  }
  if (auto stored = night.db.record_all(records); !stored) night.warn("history: " + stored.error().message);
}

void run_kernel(Night& night, const MatrixKernel& kernel, const std::vector<std::string>& scenarios,
                const NightlyRunners& runners, Json& entry) {
  const auto options = kernel_run_options(night, kernel, scenarios);
  night.events.say("nightly: kernel " + kernel.name + " (" + kernel.spec + "): " + std::to_string(scenarios.size()) +
                   " scenario(s)");
  try {
    auto outcome =
        run_scenarios(options, night.events, recording(night, kernel, runners.make_run_once(options)), runners.prepare);
    entry["status"] = status_name(outcome.summary.status());
    entry["release"] = outcome.summary.kernel_release;
    record_summary(night, kernel);
  } catch (const HarnessError& error) {
    if (error.code() == ExitCode::kUsage) throw;
    entry["status"] = "ERROR";
    entry["error"] = error.what();
    night.warn("kernel " + kernel.name + ": " + error.what());
    record_kernel_error(night, kernel, scenarios, error.what());
  }
}

void write_kcidb(Night& night) {
  KcidbOptions kcidb;
  kcidb.origin = night.options.origin;
  kcidb.id_suffix = night.options.night;
  const auto file = night.options.kcidb_file.empty() ? night.options.out_dir / "kcidb.json" : night.options.kcidb_file;
  if (auto written = write_kcidb_file(night.options.out_dir, file, kcidb); !written) {
    night.warn("kcidb: " + written.error().message);
  }
}

std::vector<MatrixCell> load_cells(const NightlyOptions& options, const NightlyMatrix& matrix) {
  auto cells = matrix_cells(matrix, [](std::string_view group) { return scenario_group(group, default_jobs_dir()); });
  if (!cells) throw HarnessError(ExitCode::kUsage, cells.error().message);
  return shard_cells(cells.value(), options.shard);
}

/// Every kernel's scenarios resolve before anything boots (a typo is a usage error, not a
/// night of ERRORs).
void check_scenarios(const NightlyOptions& options, const NightlyMatrix& matrix, const std::vector<MatrixCell>& cells) {
  for (const auto& kernel : matrix.kernels) {
    auto scenarios = scenarios_of(cells, kernel.name);
    if (scenarios.empty()) continue;
    check_kernel_spec(kernel.spec);
    RunOptions run;
    run.guest = options.guest;
    run.scenarios = scenarios;
    (void)resolve_scenarios(run);
  }
}

/// The history database; a foreign or corrupt one is an error, and the night's (still
/// empty) directory goes with it, so nothing of the night is left behind.
HistoryDb open_history(const fs::path& db_file, const fs::path& out_dir) {
  auto opened = HistoryDb::open(db_file, HistoryDb::Mode::kCreateIfMissing);
  if (opened) return std::move(opened).value();
  std::error_code ignored;
  fs::remove(out_dir, ignored);
  throw HarnessError(ExitCode::kError, opened.error().message);
}

/// nightly.json before any kernel ran.
Json new_manifest(const NightlyOptions& options, std::size_t cells, const Json& provenance) {
  return {{"schema", 1},
          {"night", options.night},
          {"shard", options.shard.text()},
          {"matrix", fs::absolute(options.matrix_file).string()},
          {"cells", cells},
          {"provenance", provenance},
          {"kernels", Json::array()}};
}

/// The night against the history: night-verdict.json, summary.txt and the exit code (an
/// error on the way that the runs' statuses do not show makes "nothing new" an error).
void judge(Night& night, NightlyOutcome& outcome) {
  auto runs = night.db.runs();
  if (!runs) throw HarnessError(ExitCode::kError, "history: " + runs.error().message);
  const auto judgement = judge_night(runs.value(), night.options.night);
  save_result_json(outcome.out_dir, "night-verdict.json", judgement);
  outcome.manifest = night.manifest;
  outcome.summary_text = judgement_text(judgement);
  outcome.exit_code = night_exit_code(judgement);
  if (outcome.exit_code == 0 && night.harness_trouble) outcome.exit_code = 3;
  save_result_file(outcome.out_dir / "summary.txt", outcome.summary_text);
}

}  // namespace

std::string default_night_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

bool valid_night_name(const std::string& night) {
  return !night.empty() && night.size() <= 64 && std::all_of(night.begin(), night.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

NightlyOutcome run_nightly(const NightlyOptions& options, const RunEvents& events, const NightlyRunners& runners) {
  if (!valid_night_name(options.night)) {
    throw HarnessError(ExitCode::kUsage, "--night '" + options.night + "' must be 1-64 of [A-Za-z0-9._-]");
  }
  const auto matrix = value_or_throw(load_nightly_matrix(options.matrix_file), ExitCode::kUsage);
  const auto cells = load_cells(options, matrix);
  check_scenarios(options, matrix, cells);
  NightlyOutcome outcome;
  outcome.out_dir = value_or_throw(create_run_directory(options.out_dir), ExitCode::kUsage);
  value_or_throw(check_writable(outcome.out_dir));
  auto db = open_history(options.db_file, outcome.out_dir);
  SystemProcessRunner runner;
  Night night{options,
              matrix,
              db,
              events,
              to_json(collect_provenance(runner, options.command_line, std::chrono::system_clock::now())),
              {}};
  night.manifest = new_manifest(options, cells.size(), night.provenance);
  night.save_manifest();
  for (const auto& kernel : matrix.kernels) {
    const auto scenarios = scenarios_of(cells, kernel.name);
    if (scenarios.empty()) continue;
    Json entry = {{"name", kernel.name}, {"spec", kernel.spec}, {"dir", kernel.name}, {"scenarios", scenarios}};
    run_kernel(night, kernel, scenarios, runners, entry);
    night.manifest["kernels"].push_back(entry);
    night.save_manifest();
  }
  events.finish();
  write_kcidb(night);
  judge(night, outcome);
  return outcome;
}

}  // namespace bh
