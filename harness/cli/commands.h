#pragma once
/// The subcommands behind the CLI: each calls its room (runs/, reports/, vm/) and prints
/// what came back. Each returns the process exit code or throws HarnessError.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/nightly/night_run.h"
#include "harness/runs/compare_run.h"
#include "harness/runs/guest_options.h"
#include "harness/runs/scenario_loop.h"

namespace bh::cli {

/// `doctor [--cleanup]`: prints what is present and missing and the harness's host loop
/// devices still attached (with --cleanup, detaches them); 0 only if a run can start and no
/// leftover could not be detached.
int doctor_command(bool cleanup);

/// `image`: resolves the kernel and builds (or reuses) its guest image; prints its JSON.
int image_command(const GuestOptions& options);

/// `fio JOBFILE`: prints each job's I/O counts and where the results are.
int fio_command(const GuestOptions& options, const std::filesystem::path& job_file, std::chrono::seconds fio_timeout);

/// `shell`: boots, provisions and attaches the terminal to the guest console.
int shell_command(const GuestOptions& options);

/// `run`: prints the human summary and where report.html is; returns 0 (all PASS/SKIP),
/// 1 (a FAIL) or 3 (an ERROR and no FAIL).
int run_command(const RunOptions& options);

/// `compare`: prints the comparison's summary; returns 0 PASS, 1 FAIL or REGRESSION, 3 ERROR.
int compare_command(const CompareOptions& options);

/// `compare BASELINE_DIR CANDIDATE_DIR`: compares two run directories offline; exit codes
/// as compare_command.
int compare_dirs_command(const CompareOptions& options, const std::filesystem::path& baseline_dir,
                         const std::filesystem::path& candidate_dir);

/// `report --kcidb FILE DIR`: writes DIR's KCIDB v5.3 document; exit 2 when DIR is neither
/// a run nor a nightly directory, 3 when the file cannot be written.
int kcidb_command(const std::filesystem::path& dir, const std::filesystem::path& file, const std::string& origin);

/// `nightly`: runs the night; 0 nothing new, 1 a new FAIL or regression, 3 an error.
int nightly_command(const NightlyOptions& options);

/// `history --db --out`: the trend report; exit codes as nightly_command.
int history_command(const std::filesystem::path& db_file, const std::filesystem::path& out_dir);

/// `history import --db PATH DIR...`: prints how many runs were stored; 0, or 3 on an error.
int history_import_command(const std::filesystem::path& db_file, const std::vector<std::filesystem::path>& dirs);

/// `report DIR`: re-renders summary.json, report.html, report.md and junit.xml of a run
/// directory from its raw files and prints where they are. Exit 2 when DIR is not a run
/// directory, 3 when a report cannot be rendered or written.
int report_command(const std::filesystem::path& out_dir);

}  // namespace bh::cli
