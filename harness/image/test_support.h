#pragma once
/// Test helpers for harness/image: the fake ProcessRunner and a fake host (tools, agent,
/// kernel modules) in a temporary directory.

#include <functional>
#include <string>
#include <vector>

#include "harness/image/image_plan.h"
#include "util/fake_process_runner.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::image::testing {

/// Where checked-in fixtures live.
inline std::filesystem::path fixture_path(const std::string& relative) {
  return std::filesystem::path(BH_SOURCE_DIR) / "tests/fixtures" / relative;
}

/// The real Debian 6.1 module tree's index files, checked in.
inline std::filesystem::path fixture_modules_dir() { return fixture_path("modules/6.1.0-56-amd64"); }

using bh::testing::FakeProcessRunner;

/// Answers like a host where every binary is static, busybox has two applets and cpio
/// writes a small archive.
inline ProcessResult fake_host_response(const ProcessRequest& request) {
  const auto program = std::filesystem::path(request.argv.at(0)).filename().string();
  if (program == "ldd") return {1, false, "\tnot a dynamic executable\n"};
  if (program == "busybox") return {0, false, "bin/busybox\nbin/sh\nsbin/modprobe\n"};
  if (request.stdout_file) (void)write_file_atomically(*request.stdout_file, "archive");
  return {0, false, ""};
}

/// A fake host: executable tools, an agent and a two-module kernel tree in a TempDir.
class FakeHost {
 public:
  FakeHost() : dir_("bh-fake-host") {
    for (const auto& tool : default_guest_tools()) make_executable("bin/" + tool, tool);
    make_executable("agent", "agent v1");
    write("lib/modules/6.1.0-test/modules.dep",
          "kernel/lib/crc64.ko:\n"
          "kernel/drivers/md/bcache/bcache.ko.xz: kernel/lib/crc64.ko\n");
    write("lib/modules/6.1.0-test/modules.builtin", "kernel/net/unix/unix.ko\n");
    write("lib/modules/6.1.0-test/kernel/lib/crc64.ko", "crc64");
    write("lib/modules/6.1.0-test/kernel/drivers/md/bcache/bcache.ko.xz", "bcache");
  }

  /// Inputs wanting bcache from this host.
  GuestImageInputs inputs() const {
    GuestImageInputs inputs;
    inputs.kernel_release = "6.1.0-test";
    inputs.modules_dir = dir_.path() / "lib/modules/6.1.0-test";
    inputs.modules = {"bcache"};
    inputs.agent_binary = dir_.path() / "agent";
    inputs.tool_search_dirs = {dir_.path() / "bin"};
    return inputs;
  }

  /// Writes `content` to `relative` (creating directories).
  void write(const std::string& relative, const std::string& content) const {
    (void)write_file_atomically(dir_.path() / relative, content);
  }
  void make_executable(const std::string& relative, const std::string& content) const {
    write(relative, content);
    std::filesystem::permissions(dir_.path() / relative, std::filesystem::perms{0755});
  }
  const std::filesystem::path& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

}  // namespace bh::image::testing
