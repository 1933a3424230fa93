#include "harness/kernel/kernel_unpack.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/kernel/depmod.h"
#include "harness/kernel/package_tool_output.h"
#include "harness/kernel/pvh_image.h"
#include "harness/kernel/work_dir.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

constexpr const char* kMarker = ".complete";
constexpr const char* kPvhName = "vmlinux";

Expected<void> extract(ProcessRunner& runner, const fs::path& deb, const fs::path& into) {
  const std::vector<std::string> argv{"dpkg-deb", "-x", deb.string(), into.string()};
  auto result = runner.run({.argv = argv, .timeout = std::chrono::minutes(10)});
  if (!result) return fail(result.error().message);
  if (result.value().exit_code != 0) {
    return fail(describe_command(argv) + " failed: " + tail_lines(result.value().output, 5));
  }
  return outcome::success();
}

/// Newer packages ship /usr/lib/modules; depmod -b looks under lib/modules.
void link_usr_lib_modules(const fs::path& root) {
  std::error_code error;
  if (!fs::exists(root / "lib" / "modules") && fs::exists(root / "usr" / "lib" / "modules") &&
      !fs::exists(root / "lib")) {
    fs::create_directory_symlink("usr/lib", root / "lib", error);
  }
}

std::vector<std::string> releases_in(const fs::path& root) {
  std::vector<std::string> releases;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root / "lib" / "modules", error)) {
    if (entry.is_directory()) releases.push_back(entry.path().filename().string());
  }
  std::sort(releases.begin(), releases.end());
  return releases;
}

/// The kernel release the extracted package holds, checked against `expected`.
Expected<std::string> find_release(const fs::path& root, const UnpackRequest& request) {
  link_usr_lib_modules(root);
  const auto found = releases_in(root);
  std::string listed;
  for (const auto& release : found) listed += (listed.empty() ? "" : ", ") + release;
  const auto what = request.deb.string() + " (" + request.identity.package + ")";
  std::string release;
  if (request.expected_release) {
    release = *request.expected_release;
    if (!fs::is_directory(root / "lib" / "modules" / release)) {
      return fail(what + " holds no lib/modules/" + release + " (it has: " + (listed.empty() ? "none" : listed) + ")");
    }
  } else if (found.size() != 1) {
    return fail(what + " must hold exactly one lib/modules/RELEASE directory, found " +
                (listed.empty() ? "none" : listed));
  } else {
    release = found.front();
  }
  if (!fs::exists(root / "boot" / ("vmlinuz-" + release))) {
    return fail(what + " holds no boot/vmlinuz-" + release);
  }
  return release;
}

Expected<void> write_marker(const fs::path& root, const UnpackRequest& request, const std::string& release,
                            const Expected<void>& pvh) {
  nlohmann::json marker{{"package", request.identity.package},
                        {"version", request.identity.version},
                        {"release", release},
                        {"source", request.source},
                        {"pvh_image", static_cast<bool>(pvh)}};
  if (!pvh) marker["pvh_error"] = pvh.error().message;
  return write_file_atomically(root / kMarker, marker.dump(2) + "\n");
}

/// Renames `partial` to `destination`; keeps a copy another process completed first.
Expected<void> move_into_place(const fs::path& partial, const fs::path& destination) {
  std::error_code error;
  fs::rename(partial, destination, error);
  if (!error || is_unpacked_kernel(destination)) return outcome::success();
  fs::remove_all(destination, error);  // an incomplete leftover, never a finished copy
  fs::rename(partial, destination, error);
  if (error) {
    return fail("cannot move " + partial.string() + " to " + destination.string() + ": " + error.message());
  }
  return outcome::success();
}

}  // namespace

Expected<DebIdentity> read_deb_identity(ProcessRunner& runner, const fs::path& deb) {
  auto result =
      runner.run({.argv = {"dpkg-deb", "-f", deb.string(), "Package", "Version"}, .timeout = std::chrono::minutes(1)});
  if (!result) return fail(result.error().message);
  if (result.value().exit_code != 0) {
    return fail("not a valid .deb: " + deb.string() + ": " + last_output_line(result.value().output));
  }
  auto fields = parse_control_fields(result.value().output);
  if (fields["Package"].empty()) {
    return fail("not a valid .deb: " + deb.string() + ": it names no Package");
  }
  return DebIdentity{fields["Package"], fields["Version"]};
}

Expected<void> unpack_kernel_deb(ProcessRunner& runner, const UnpackRequest& request) {
  remove_dead_work_dirs(request.destination.parent_path());
  const WorkDir partial(request.destination, WorkPurpose::kPartial);
  if (auto done = extract(runner, request.deb, partial.path()); !done) return done;
  auto release = find_release(partial.path(), request);
  if (!release) return fail(release.error().message);
  if (auto index = build_module_index(runner, partial.path(), release.value()); !index) {
    return index;
  }
  const auto boot_image = partial.path() / "boot" / ("vmlinuz-" + release.value());
  const auto pvh = extract_pvh_image(runner, boot_image, partial.path() / kPvhName);
  if (auto marked = write_marker(partial.path(), request, release.value(), pvh); !marked) {
    return marked;
  }
  return move_into_place(partial.path(), request.destination);
}

bool is_unpacked_kernel(const fs::path& dir) { return fs::exists(dir / kMarker); }

Expected<Kernel> load_unpacked_kernel(const fs::path& dir) {
  auto text = read_file(dir / kMarker);
  if (!text) return fail(text.error().message);
  const auto marker = nlohmann::json::parse(text.value(), nullptr, false);
  if (!marker.is_object() || !marker.contains("release") || !marker.contains("source")) {
    return fail("corrupt cache marker " + (dir / kMarker).string() + "; delete " + dir.string());
  }
  Kernel kernel;
  kernel.release = marker["release"].get<std::string>();
  kernel.source = marker["source"].get<std::string>();
  kernel.boot_image = dir / "boot" / ("vmlinuz-" + kernel.release);
  kernel.modules_dir = dir / "lib" / "modules" / kernel.release;
  if (marker.value("pvh_image", false) && fs::exists(dir / kPvhName)) {
    kernel.pvh_image = dir / kPvhName;
  }
  return kernel;
}

}  // namespace bh
