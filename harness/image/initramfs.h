#pragma once
/// Building an uncompressed newc cpio initramfs from a manifest of what goes where.
///
/// Uncompressed because the guest runs under TCG emulation, where decompressing tens of
/// MiB costs seconds of boot time; the host's page cache makes reading it free.

#include <filesystem>
#include <map>
#include <string>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh::image {

/// What kind of thing an image path is.
enum class EntryKind { kFile, kContent, kDirectory, kSymlink };

/// One path in the image.
struct ManifestEntry {
  EntryKind kind = EntryKind::kFile;
  std::filesystem::path source;  ///< kFile: host file copied (symlinks followed)
  std::string content;           ///< kContent: the bytes of the file
  std::string link_target;       ///< kSymlink: what the link points to
  std::filesystem::perms mode = std::filesystem::perms{0644};
};

/// The image's contents by absolute destination path ("/bin/busybox"). Adding a path again
/// replaces the earlier entry. Parent directories not listed are created with mode 0755.
class InitramfsManifest {
 public:
  /// A copy of host file `source` at `destination`.
  void add_file(const std::filesystem::path& destination, const std::filesystem::path& source,
                std::filesystem::perms mode = std::filesystem::perms{0644});
  /// A file holding `bytes`.
  void add_content(const std::filesystem::path& destination, std::string bytes,
                   std::filesystem::perms mode = std::filesystem::perms{0644});
  /// An (empty unless filled by other entries) directory.
  void add_directory(const std::filesystem::path& destination,
                     std::filesystem::perms mode = std::filesystem::perms{0755});
  /// A symbolic link to `target` (taken literally, absolute or relative).
  void add_symlink(const std::filesystem::path& destination, const std::string& target);

  /// True if `destination` has an entry.
  bool contains(const std::filesystem::path& destination) const;
  /// The entries, sorted by destination.
  const std::map<std::filesystem::path, ManifestEntry>& entries() const { return entries_; }

 private:
  std::map<std::filesystem::path, ManifestEntry> entries_;
};

/// Materialises the manifest under `staging_dir` (which must exist and be empty).
Expected<void> stage_manifest(const InitramfsManifest& manifest, const std::filesystem::path& staging_dir);

/// Archives everything under `staging_dir` (sorted, directories before their contents,
/// owned by root) into `output` as newc cpio. `output` appears complete or not at all.
Expected<void> write_cpio(ProcessRunner& runner, const std::filesystem::path& staging_dir,
                          const std::filesystem::path& output);

/// stage_manifest into a temporary directory, then write_cpio.
Expected<void> build_initramfs(ProcessRunner& runner, const InitramfsManifest& manifest,
                               const std::filesystem::path& output);

}  // namespace bh::image
