#pragma once
/// A directory removed with everything in it when the object goes out of scope.

#include <filesystem>
#include <string>

namespace bh {

/// Creates a fresh directory under `parent` (default: the system temp dir).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix,
                   const std::filesystem::path& parent = std::filesystem::temp_directory_path());
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The directory; it exists until destruction.
  const std::filesystem::path& path() const { return path_; }
  /// Keeps the directory on destruction (for results worth keeping).
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace bh
