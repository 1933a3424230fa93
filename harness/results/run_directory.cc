#include "harness/results/run_directory.h"

#include <ctime>

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

fs::path default_run_directory(const std::string& command) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return fs::path("runs") / (command + "-" + stamp);
}

Expected<void> write_json(const fs::path& dir, const std::string& name, const nlohmann::json& value) {
  return write_file_atomically(dir / name, value.dump(2) + "\n");
}

}  // namespace bh
