#include "harness/cli/commands.h"

#include <iostream>

#include "harness/cli/progress.h"
#include "harness/exit/harness_error.h"
#include "harness/history/night_import.h"
#include "harness/hostdev/host_loop.h"
#include "harness/nightly/kcidb_export.h"
#include "harness/nightly/trend_report.h"
#include "harness/runs/guest_commands.h"
#include "harness/vm/doctor.h"
#include "harness/vm/guest_preparation.h"
#include "util/files.h"
#include "util/process_runner.h"

namespace bh::cli {
namespace fs = std::filesystem;

namespace {

void print_warnings(const ReportFiles& files) {
  for (const auto& warning : files.warnings) std::cerr << "bcache-harness: warning: report: " << warning << "\n";
}

/// Where report.html is, or why the reports could not be written.
void print_reports(const Expected<ReportFiles>& reports, const fs::path& out_dir) {
  if (!reports) {
    std::cerr << "bcache-harness: error: the reports could not be written: " << reports.error().message
              << " (summary.json is complete; `bcache-harness report " << out_dir.string() << "` retries)\n";
    return;
  }
  print_warnings(reports.value());
  std::cout << "report: " << reports.value().html.string() << "\n";
}

}  // namespace

/// Lists the harness's host loop devices still attached (none, normally: they clear
/// themselves when their last user closes them) and, with `cleanup`, detaches them; touches
/// no other loop device. False when one could not be detached.
bool report_harness_loops(bool cleanup) {
  const auto loops = harness_loop_devices();
  if (loops.empty()) {
    std::cout << "ok       harness loop devices: none attached\n";
    return true;
  }
  bool all_detached = true;
  for (const auto& loop : loops) {
    if (!cleanup) {
      std::cout << "leftover " << loop.device << " over " << loop.backing_file
                << " (a harness loop device; `bcache-harness doctor --cleanup` detaches it)\n";
      continue;
    }
    auto detached = detach_loop_device(loop.device);
    std::cout << (detached ? "detached " : "FAILED   ") << loop.device << " over " << loop.backing_file
              << (detached ? "" : ": " + detached.error().message) << "\n";
    all_detached = all_detached && detached.has_value();
  }
  return all_detached;
}

int doctor_command(bool cleanup) {
  SystemHostFacts host(cache_root());
  const auto checks = run_doctor(host, {cache_root(), guest_agent_path(), fs::current_path()});
  std::cout << render_doctor(checks);
  const bool loops_ok = report_harness_loops(cleanup);
  return can_start_run(checks) && loops_ok ? 0 : static_cast<int>(ExitCode::kError);
}

int image_command(const GuestOptions& options) {
  std::cout << prepare_image(options).dump(2) << "\n";
  return 0;
}

int fio_command(const GuestOptions& options, const fs::path& job_file, std::chrono::seconds fio_timeout) {
  Progress progress;
  const auto outcome = run_fio_job(options, job_file, fio_timeout, progress);
  for (const auto& job : outcome.record["fio"]["jobs"]) {
    std::cout << "fio job " << job["name"].get<std::string>() << ": " << job["read_ios"] << " reads ("
              << static_cast<long>(job["read_iops"].get<double>()) << " IOPS), " << job["write_ios"] << " writes ("
              << static_cast<long>(job["write_iops"].get<double>()) << " IOPS)\n";
  }
  std::cout << "DONE  kernel " << outcome.record["kernel"]["release"].get<std::string>() << " ("
            << outcome.record["accel"].get<std::string>() << "), results in " << outcome.out_dir.string() << "\n";
  return 0;
}

int shell_command(const GuestOptions& options) {
  Progress progress;
  run_shell(options, progress);
  return 0;
}

int run_command(const RunOptions& options) {
  const Progress progress;
  const auto outcome = run_scenarios(options, progress, guest_run_once(options, progress));
  std::cout << outcome.summary_text;
  print_reports(outcome.reports, outcome.out_dir);
  return outcome.exit_code;
}

int compare_command(const CompareOptions& options) {
  const Progress progress;
  const auto outcome = run_comparison(options, progress, guest_run_once(options.run, progress));
  std::cout << outcome.summary_text;
  return outcome.exit_code;
}

int report_command(const fs::path& out_dir) {
  if (!fs::is_directory(out_dir)) throw HarnessError(ExitCode::kUsage, out_dir.string() + ": no such directory");
  if (!fs::exists(out_dir / "summary.json")) {
    throw HarnessError(ExitCode::kUsage,
                       out_dir.string() + ": no summary.json here (not a bcache-harness run directory)");
  }
  auto files = write_run_reports(out_dir);
  if (!files) throw HarnessError(ExitCode::kError, "report: " + files.error().message);
  print_warnings(files.value());
  std::cout << "reports: " << files.value().html.string() << ", " << files.value().markdown.string() << ", "
            << files.value().junit.string() << " (from " << files.value().summary.string() << ")\n";
  return 0;
}

int compare_dirs_command(const CompareOptions& options, const fs::path& baseline_dir, const fs::path& candidate_dir) {
  const auto outcome = compare_directories(options, baseline_dir, candidate_dir);
  std::cout << outcome.summary_text;
  return outcome.exit_code;
}

int kcidb_command(const fs::path& dir, const fs::path& file, const std::string& origin) {
  if (!fs::is_directory(dir)) throw HarnessError(ExitCode::kUsage, dir.string() + ": no such directory");
  KcidbOptions options;
  options.origin = origin;
  auto tests = write_kcidb_file(dir, file, options);
  if (!tests) throw HarnessError(ExitCode::kUsage, "report --kcidb: " + tests.error().message);
  std::cout << "kcidb: " << file.string() << " (" << tests.value() << " tests, KCIDB v5.3)\n";
  return 0;
}

int nightly_command(const NightlyOptions& options) {
  const Progress progress;
  NightlyRunners runners;
  runners.make_run_once = [&progress](const RunOptions& run) { return guest_run_once(run, progress); };
  const auto outcome = run_nightly(options, progress, runners);
  std::cout << outcome.summary_text << "night: " << outcome.out_dir.string() << " (nightly.json, kcidb.json, "
            << "night-verdict.json)\n";
  return outcome.exit_code;
}

int history_command(const fs::path& db_file, const fs::path& out_dir) {
  SystemProcessRunner runner;
  analysis::GnuplotRenderer renderer(runner);
  auto outcome = write_trend_report(db_file, out_dir, renderer);
  if (!outcome) throw HarnessError(ExitCode::kError, "history: " + outcome.error().message);
  std::cout << outcome.value().text << "trend: " << outcome.value().html.string() << "\n";
  return outcome.value().exit_code;
}

int history_import_command(const fs::path& db_file, const std::vector<fs::path>& dirs) {
  auto db = HistoryDb::open(db_file, HistoryDb::Mode::kCreateIfMissing);
  if (!db) throw HarnessError(ExitCode::kError, "history import: " + db.error().message);
  auto stored = import_night_directories(db.value(), dirs);
  if (!stored) throw HarnessError(ExitCode::kError, "history import: " + stored.error().message);
  std::cout << "history: " << stored.value() << " runs imported from " << dirs.size() << " director"
            << (dirs.size() == 1 ? "y" : "ies") << " into " << db_file.string() << "\n";
  return 0;
}

}  // namespace bh::cli
