#pragma once
/// Scratch directories beside a cache entry, named after their owner's process so that the
/// ones a killed harness left behind can be recognised and removed later.

#include <filesystem>

namespace bh {

/// What a work directory is for; part of its name.
enum class WorkPurpose {
  kPartial,   ///< "<final>.partial-<pid>": the entry being built, renamed into place
  kDownload,  ///< "<final>.download-<pid>": downloaded packages, deleted after use
};

/// `<final>.<purpose>-<pid>`, emptied on creation (HarnessError if it cannot be created) and
/// removed with its content when the object goes out of scope (errors and Ctrl-C included). Only
/// SIGKILL or a crash leaves it behind, and then remove_dead_work_dirs collects it.
class WorkDir {
 public:
  WorkDir(const std::filesystem::path& final_path, WorkPurpose purpose);
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  /// The directory; it exists until destruction (unless renamed away).
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Removes the work directories in `parent` whose process no longer exists.
void remove_dead_work_dirs(const std::filesystem::path& parent);

}  // namespace bh
