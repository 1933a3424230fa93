#include "harness/results/run_directory.h"

#include <ctime>

#include "harness/exit/harness_error.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

Expected<fs::path> create_run_directory(const fs::path& dir) {
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    return fail("output directory " + dir.string() + " already holds files; choose a new --out");
  }
  fs::create_directories(dir, error);
  if (error) return fail("cannot create output directory " + dir.string() + ": " + error.message());
  return fs::absolute(dir);
}

Expected<void> check_writable(const fs::path& dir) {
  const auto probe = dir / ".bh-write-probe";
  if (auto written = write_file_atomically(probe, "probe\n"); !written) {
    return fail("output directory " + dir.string() + " is not writable: " + written.error().message);
  }
  std::error_code ignored;
  fs::remove(probe, ignored);
  return outcome::success();
}

fs::path default_run_directory(const std::string& command) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return fs::path("runs") / (command + "-" + stamp);
}

Expected<void> write_json(const fs::path& dir, const std::string& name, const nlohmann::json& value) {
  return write_file_atomically(dir / name, value.dump(2) + "\n");
}

void save_result_file(const fs::path& path, std::string_view bytes) {
  if (auto written = write_file_atomically(path, bytes); !written) {
    throw HarnessError(ExitCode::kError, "cannot write the results: " + written.error().message +
                                             " (the results written before it in " + path.parent_path().string() +
                                             " are intact)");
  }
}

void save_result_json(const fs::path& dir, const std::string& name, const nlohmann::json& value) {
  save_result_file(dir / name, value.dump(2) + "\n");
}

}  // namespace bh
