#pragma once
/// Debian's kernel packages, reached through the host's apt (its configured mirrors).

#include <filesystem>
#include <string>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh {

/// Asks apt which kernel is current and downloads kernel packages.
class DebianArchive {
 public:
  explicit DebianArchive(ProcessRunner& runner) : runner_(runner) {}

  /// The release linux-image-amd64 depends on today, e.g. "6.1.0-56-amd64".
  Expected<std::string> stock_release();

  /// The newest release of kernel series `series` ("6.12") Debian has: the one its
  /// metapackage linux-image-SERIES-amd64 depends on, e.g. "6.12.118+deb12-amd64".
  Expected<std::string> newest_release(const std::string& series);

  /// Downloads linux-image-<release> (or, if apt knows no such package,
  /// linux-image-<release>-unsigned) into `dir`, which must exist; returns the .deb.
  Expected<std::filesystem::path> download_kernel(const std::string& release, const std::filesystem::path& dir);

 private:
  /// The release `apt-cache depends METAPACKAGE` names.
  Expected<std::string> metapackage_release(const std::string& metapackage);

  /// Runs `apt-get download package` in `dir`.
  Expected<ProcessResult> apt_get_download(const std::string& package, const std::filesystem::path& dir);

  ProcessRunner& runner_;
};

}  // namespace bh
