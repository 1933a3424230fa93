#include "harness/cli/report_command.h"

#include <iostream>

#include "harness/base/error.h"
#include "harness/base/process_runner.h"
#include "harness/core/run_reports.h"

namespace bh::cli {
namespace fs = std::filesystem;

namespace {

Expected<ReportFiles> render(const fs::path& out_dir) {
  SystemProcessRunner runner;
  analysis::GnuplotRenderer renderer(runner);
  return write_reports(out_dir, renderer);
}

void print_warnings(const ReportFiles& files) {
  for (const auto& warning : files.warnings) std::cerr << "bcache-harness: warning: report: " << warning << "\n";
}

}  // namespace

int report_command(const fs::path& out_dir) {
  if (!fs::is_directory(out_dir)) throw HarnessError(ExitCode::kUsage, out_dir.string() + ": no such directory");
  if (!fs::exists(out_dir / "summary.json")) {
    throw HarnessError(ExitCode::kUsage, out_dir.string() + ": no summary.json here (not a bcache-harness run directory)");
  }
  auto files = render(out_dir);
  if (!files) throw HarnessError(ExitCode::kError, "report: " + files.error().message);
  print_warnings(files.value());
  std::cout << "reports: " << files.value().html.string() << ", " << files.value().markdown.string() << ", "
            << files.value().junit.string() << " (from " << files.value().summary.string() << ")\n";
  return 0;
}

std::optional<ReportFiles> write_run_reports(const fs::path& out_dir) {
  auto files = render(out_dir);
  if (!files) {
    std::cerr << "bcache-harness: error: the reports could not be written: " << files.error().message
              << " (summary.json is complete; `bcache-harness report " << out_dir.string() << "` retries)\n";
    return std::nullopt;
  }
  print_warnings(files.value());
  std::cout << "report: " << files.value().html.string() << "\n";
  return std::move(files).value();
}

}  // namespace bh::cli
