#pragma once
/// The subcommands behind the CLI: each calls its room (runs/, reports/, vm/) and prints
/// what came back. Each returns the process exit code or throws HarnessError.

#include <chrono>
#include <filesystem>

#include "harness/runs/compare_run.h"
#include "harness/runs/guest_options.h"
#include "harness/runs/scenario_loop.h"

namespace bh::cli {

/// `doctor`: prints what is present and missing; 0 only if a run can start.
int doctor_command();

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

/// `report DIR`: re-renders summary.json, report.html, report.md and junit.xml of a run
/// directory from its raw files and prints where they are. Exit 2 when DIR is not a run
/// directory, 3 when a report cannot be rendered or written.
int report_command(const std::filesystem::path& out_dir);

}  // namespace bh::cli
