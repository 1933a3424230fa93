#include "harness/kernel/work_dir.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <string>

#include "harness/exit/harness_error.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

std::string purpose_name(WorkPurpose purpose) { return purpose == WorkPurpose::kPartial ? "partial" : "download"; }

/// The pid in "<name>.<purpose>-<pid>", or 0 if the name is not a work directory's.
long owner_pid(const std::string& name) {
  const auto dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0) return 0;
  const auto dot = name.rfind('.', dash - 1);
  if (dot == std::string::npos) return 0;
  const auto purpose = name.substr(dot + 1, dash - dot - 1);
  if (purpose != purpose_name(WorkPurpose::kPartial) && purpose != purpose_name(WorkPurpose::kDownload)) {
    return 0;
  }
  const auto digits = name.substr(dash + 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::atol(digits.c_str());
}

}  // namespace

WorkDir::WorkDir(const fs::path& final_path, WorkPurpose purpose)
    : path_(final_path.string() + "." + purpose_name(purpose) + "-" + std::to_string(::getpid())) {
  std::error_code error;
  fs::remove_all(path_, error);
  fs::create_directories(path_, error);
  if (error) throw HarnessError("cannot create " + path_.string() + ": " + error.message());
}

WorkDir::~WorkDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void remove_dead_work_dirs(const fs::path& parent) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent, error)) {
    const auto pid = owner_pid(entry.path().filename().string());
    if (pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      fs::remove_all(entry.path(), error);
    }
  }
}

}  // namespace bh
