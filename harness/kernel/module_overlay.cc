#include "harness/kernel/module_overlay.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/kernel/depmod.h"
#include "harness/kernel/work_dir.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

constexpr const char* kMarker = ".complete";
/// depmod's inputs besides the modules; every other modules.* file is its output.
constexpr std::array<std::string_view, 3> kIndexInputs{"modules.order", "modules.builtin", "modules.builtin.modinfo"};

/// ".xz" for "bcache.ko.xz", "" for "bcache.ko".
std::string compression_suffix(const fs::path& file) {
  const auto extension = file.extension().string();
  return extension == ".xz" || extension == ".zst" || extension == ".gz" ? extension : "";
}

/// "bcache" for kernel/drivers/md/bcache/bcache.ko.xz; "dm_mod" for dm-mod.ko.
std::string module_name_of(const fs::path& file) {
  auto name = file.filename().string();
  name.resize(name.size() - compression_suffix(file).size());
  if (name.ends_with(".ko")) name.resize(name.size() - 3);
  for (auto& c : name) c = c == '-' ? '_' : c;
  return name;
}

/// The first column (before ':', or the whole line) of each non-empty line.
std::vector<std::string> listed_paths(const std::string& text) {
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    if (const auto path = line.substr(0, line.find(':')); !path.empty()) paths.push_back(path);
    start = end + 1;
  }
  return paths;
}

bool lists_module(const std::string& text, const std::string& name) {
  for (const auto& path : listed_paths(text)) {
    if (module_name_of(path) == name) return true;
  }
  return false;
}

/// Links or copies every entry of `from` into `to` except `skip`; at the top level, copies
/// depmod's inputs and leaves out its outputs.
Expected<void> mirror_entries(const fs::path& from, const fs::path& to, const fs::path& skip, bool top_level) {
  std::error_code error;
  fs::create_directories(to, error);
  if (error) return fail("cannot create " + to.string() + ": " + error.message());
  for (const auto& entry : fs::directory_iterator(from, error)) {
    const auto name = entry.path().filename();
    if (name == skip) continue;
    const auto text = name.string();
    const bool input = std::find(kIndexInputs.begin(), kIndexInputs.end(), text) != kIndexInputs.end();
    if (top_level && input) {
      fs::copy_file(entry.path(), to / name, error);
    } else if (!(top_level && text.starts_with("modules."))) {
      fs::create_symlink(entry.path(), to / name, error);
    }
    if (error) return fail("cannot mirror " + entry.path().string() + ": " + error.message());
  }
  if (error) return fail("cannot list " + from.string() + ": " + error.message());
  return outcome::success();
}

/// The overlay's tree: real directories down to the replaced module, links elsewhere.
Expected<void> lay_out(const ModuleOverlayRequest& request, const fs::path& modules_dir) {
  const std::vector<fs::path> parts(request.replaced.begin(), request.replaced.end());
  auto from = request.base_modules_dir;
  auto to = modules_dir;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (auto mirrored = mirror_entries(from, to, parts[i], i == 0); !mirrored) return mirrored;
    if (i + 1 < parts.size()) {
      from /= parts[i];
      to /= parts[i];
    }
  }
  const auto name = module_name_of(request.replaced) + ".ko" + compression_suffix(request.module);
  std::error_code error;
  fs::copy_file(request.module, to / name, error);
  if (error) return fail("cannot copy " + request.module.string() + ": " + error.message());
  return outcome::success();
}

Expected<void> write_marker(const fs::path& root, const ModuleOverlayRequest& request) {
  const nlohmann::json marker{{"release", request.release},
                              {"module", request.module.string()},
                              {"replaced", request.replaced.string()},
                              {"base_modules_dir", request.base_modules_dir.string()},
                              {"source", request.source}};
  return write_file_atomically(root / kMarker, marker.dump(2) + "\n");
}

}  // namespace

Expected<fs::path> find_module_file(const fs::path& modules_dir, std::string_view name) {
  const auto wanted = module_name_of(fs::path(std::string(name) + ".ko"));
  auto dep = read_file(modules_dir / "modules.dep");
  if (!dep) return fail(dep.error().message);
  for (const auto& path : listed_paths(dep.value())) {
    if (module_name_of(path) == wanted) return fs::path(path);
  }
  auto builtin = read_file(modules_dir / "modules.builtin");
  if (builtin && lists_module(builtin.value(), wanted)) {
    return fail("the base kernel has " + std::string(name) + " built in (" +
                (modules_dir / "modules.builtin").string() + "), so no module can replace it");
  }
  return fail("the base kernel has no " + std::string(name) + " module (" + (modules_dir / "modules.dep").string() +
              " does not list it)");
}

Expected<fs::path> build_module_overlay(ProcessRunner& runner, const ModuleOverlayRequest& request) {
  remove_dead_work_dirs(request.root.parent_path());
  const WorkDir partial(request.root, WorkPurpose::kPartial);
  const auto modules_dir = partial.path() / "lib" / "modules" / request.release;
  if (auto laid = lay_out(request, modules_dir); !laid) return fail(laid.error().message);
  if (auto index = build_module_index(runner, partial.path(), request.release); !index) {
    return fail(index.error().message);
  }
  if (auto marked = write_marker(partial.path(), request); !marked) {
    return fail(marked.error().message);
  }
  std::error_code error;
  fs::rename(partial.path(), request.root, error);
  if (error && !fs::exists(request.root / kMarker)) {
    fs::remove_all(request.root, error);  // an incomplete leftover, never a finished copy
    fs::rename(partial.path(), request.root, error);
    if (error) {
      return fail("cannot move " + partial.path().string() + " to " + request.root.string() + ": " + error.message());
    }
  }
  return request.root / "lib" / "modules" / request.release;
}

std::optional<fs::path> complete_module_overlay(const fs::path& root, const std::string& release) {
  const auto modules_dir = root / "lib" / "modules" / release;
  if (!fs::exists(root / kMarker) || !fs::exists(modules_dir / "modules.dep")) return std::nullopt;
  return modules_dir;
}

}  // namespace bh
