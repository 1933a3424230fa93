#include "harness/image/initramfs.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <vector>

#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::image {
namespace fs = std::filesystem;
namespace {

fs::path under(const fs::path& root, const fs::path& destination) { return root / destination.relative_path(); }

Expected<void> stage_entry(const fs::path& target, const ManifestEntry& entry) {
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  switch (entry.kind) {
    case EntryKind::kFile: fs::copy_file(entry.source, target, error); break;
    case EntryKind::kContent: {
      std::ofstream out(target, std::ios::binary);
      out << entry.content;
      if (!out) return fail("cannot write " + target.string());
      break;
    }
    case EntryKind::kDirectory: fs::create_directories(target, error); break;
    case EntryKind::kSymlink:
      fs::create_symlink(entry.link_target, target, error);
      if (error) {
        return fail("cannot create symlink " + target.string() + ": " + error.message());
      }
      return outcome::success();
  }
  if (!error) fs::permissions(target, entry.mode, error);
  if (error) {
    const auto what =
        entry.kind == EntryKind::kFile ? "copy " + entry.source.string() + " to " : std::string("create ");
    return fail("cannot " + what + target.string() + ": " + error.message());
  }
  return outcome::success();
}

/// Every path under `root`, relative, sorted so that a directory precedes its contents.
std::vector<std::string> sorted_relative_paths(const fs::path& root) {
  std::vector<std::string> paths;
  for (const auto& item : fs::recursive_directory_iterator(root)) {
    paths.push_back(item.path().lexically_relative(root).string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

fs::path unique_temp_sibling(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

}  // namespace

void InitramfsManifest::add_file(const fs::path& destination, const fs::path& source, fs::perms mode) {
  entries_[destination] = ManifestEntry{EntryKind::kFile, source, {}, {}, mode};
}

void InitramfsManifest::add_content(const fs::path& destination, std::string bytes, fs::perms mode) {
  entries_[destination] = ManifestEntry{EntryKind::kContent, {}, std::move(bytes), {}, mode};
}

void InitramfsManifest::add_directory(const fs::path& destination, fs::perms mode) {
  entries_[destination] = ManifestEntry{EntryKind::kDirectory, {}, {}, {}, mode};
}

void InitramfsManifest::add_symlink(const fs::path& destination, const std::string& target) {
  entries_[destination] = ManifestEntry{EntryKind::kSymlink, {}, {}, target, fs::perms{0777}};
}

bool InitramfsManifest::contains(const fs::path& destination) const { return entries_.contains(destination); }

Expected<void> stage_manifest(const InitramfsManifest& manifest, const fs::path& staging_dir) {
  for (const auto& [destination, entry] : manifest.entries()) {
    if (!destination.is_absolute() || destination.relative_path().empty()) {
      return fail("image path must be absolute and not the root: " + destination.string());
    }
    if (auto staged = stage_entry(under(staging_dir, destination), entry); !staged) {
      return staged;
    }
  }
  return outcome::success();
}

Expected<void> write_cpio(ProcessRunner& runner, const fs::path& staging_dir, const fs::path& output) {
  TempDir scratch("bh-cpio");
  std::string list;
  for (const auto& path : sorted_relative_paths(staging_dir)) list += path + '\0';
  const auto list_file = scratch.path() / "files";
  if (auto written = write_file_atomically(list_file, list); !written) return written;

  const auto temp_output = unique_temp_sibling(output);
  ProcessRequest request;
  request.argv = {"cpio", "-o", "-H", "newc", "--quiet", "--null", "--owner", "0:0", "--reproducible"};
  request.cwd = staging_dir;
  request.stdin_file = list_file;
  request.stdout_file = temp_output;
  request.timeout = std::chrono::minutes(5);
  auto result = runner.run(request);
  std::error_code error;
  if (!result || result.value().exit_code != 0) {
    fs::remove(temp_output, error);
    if (!result) return result.error();
    return fail("cpio failed writing " + output.string() + ": " + tail_lines(result.value().output, 5));
  }
  fs::rename(temp_output, output, error);
  if (error) {
    fs::remove(temp_output, error);
    return fail("cannot rename " + temp_output.string() + " to " + output.string());
  }
  return outcome::success();
}

Expected<void> build_initramfs(ProcessRunner& runner, const InitramfsManifest& manifest, const fs::path& output) {
  TempDir staging("bh-initramfs");
  if (auto staged = stage_manifest(manifest, staging.path()); !staged) return staged;
  return write_cpio(runner, staging.path(), output);
}

}  // namespace bh::image
