#include "harness/kernel/debian_archive.h"

#include "harness/kernel/package_tool_output.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

/// The one .deb apt-get download left in `dir`.
Expected<fs::path> downloaded_deb(const fs::path& dir, const std::string& package) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with(package + "_") && name.ends_with(".deb")) return entry.path();
  }
  return fail("apt-get download " + package + " reported success but left no .deb in " + dir.string());
}

}  // namespace

Expected<std::string> DebianArchive::stock_release() { return metapackage_release("linux-image-amd64"); }

Expected<std::string> DebianArchive::newest_release(const std::string& series) {
  return metapackage_release("linux-image-" + series + "-amd64");
}

Expected<std::string> DebianArchive::metapackage_release(const std::string& metapackage) {
  const std::vector<std::string> argv{"apt-cache", "depends", metapackage};
  auto result = runner_.run({.argv = argv, .timeout = std::chrono::minutes(2)});
  if (!result) return fail(result.error().message);
  if (result.value().exit_code != 0) {
    return fail(describe_command(argv) + " failed (" + last_output_line(result.value().output) +
                "); run 'apt-get update'");
  }
  return parse_stock_release(result.value().output, metapackage);
}

Expected<ProcessResult> DebianArchive::apt_get_download(const std::string& package, const fs::path& dir) {
  return runner_.run({.argv = {"apt-get", "download", package}, .cwd = dir, .timeout = std::chrono::minutes(30)});
}

Expected<fs::path> DebianArchive::download_kernel(const std::string& release, const fs::path& dir) {
  const auto signed_name = "linux-image-" + release;
  const auto unsigned_name = signed_name + "-unsigned";
  std::string last_line;
  for (const auto& package : {signed_name, unsigned_name}) {
    auto result = apt_get_download(package, dir);
    if (!result) return fail(result.error().message);
    if (result.value().exit_code == 0) return downloaded_deb(dir, package);
    const auto& output = result.value().output;
    if (!apt_says_package_unknown(output)) {
      return fail("apt-get download " + package + " failed: " + tail_lines(output, 3));
    }
    last_line = last_output_line(output);
  }
  return fail("Debian has no kernel package for release '" + release + "' (tried " + signed_name + " and " +
              unsigned_name + "; apt: " + last_line +
              "); run 'apt-get update' or list candidates with 'apt-cache search linux-image-'");
}

}  // namespace bh
