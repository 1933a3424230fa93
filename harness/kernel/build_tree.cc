#include "harness/kernel/build_tree.h"

#include <array>
#include <map>

#include "base/strings.h"
#include "harness/kernel/depmod.h"
#include "util/content_hash.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

/// Installed module name ("kernel/drivers/md/bcache/bcache.ko") -> the tree's file, in
/// modules.order's order.
using ModuleLinks = std::vector<std::pair<std::string, fs::path>>;

constexpr const char* kStampName = "modules.stamp";
constexpr std::array<const char*, 2> kCopiedFiles{"modules.builtin", "modules.builtin.modinfo"};

std::string read_if_present(const fs::path& path) {
  auto text = read_file(path);
  return text ? std::move(text.value()) : std::string();
}

/// The tree's file for one modules.order entry; older kernels list "kernel/<path>".
Expected<fs::path> module_source(const fs::path& tree, const std::string& relative) {
  if (fs::path(relative).is_absolute() || relative.find("..") != std::string::npos) {
    return fail("modules.order in " + tree.string() + " lists an unsafe path: " + relative);
  }
  if (fs::exists(tree / relative)) return tree / relative;
  if (relative.starts_with("kernel/") && fs::exists(tree / relative.substr(7))) {
    return tree / relative.substr(7);
  }
  return fail("module " + relative + " listed in " + (tree / "modules.order").string() +
              " does not exist; run make (or make modules) first");
}

/// Every module of the tree, under the name modules_install would give it.
Expected<ModuleLinks> wanted_links(const fs::path& tree, const std::string& order_text) {
  ModuleLinks links;
  for (const auto& relative : modules_from_order(order_text)) {
    auto source = module_source(tree, relative);
    if (!source) return fail(source.error().message);
    links.emplace_back("kernel/" + source.value().lexically_relative(tree).string(), source.value());
  }
  return links;
}

/// Changes when anything depmod reads changes: names, module files, builtin lists.
std::string stamp_of(const BuildTree& tree, const ModuleLinks& links) {
  ContentHasher hasher;
  hasher.add(tree.release);
  for (const char* name : kCopiedFiles) hasher.add(read_if_present(tree.root / name));
  for (const auto& [name, source] : links) {
    hasher.add(name);
    (void)hasher.add_file_identity(source);
  }
  return hasher.hex();
}

/// Makes `modules_dir`/kernel hold exactly `links`, touching only what differs: deleting
/// and re-creating thousands of symlinks costs seconds on ext4.
Expected<void> sync_links(const fs::path& modules_dir, const ModuleLinks& links) {
  std::error_code error;
  std::map<std::string, fs::path> missing(links.begin(), links.end());
  const auto wanted_by_name = missing;
  for (auto it = fs::recursive_directory_iterator(modules_dir / "kernel", error);
       it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_directory(error) && !it->is_symlink(error)) continue;
    const auto name = it->path().lexically_relative(modules_dir).string();
    const auto wanted = wanted_by_name.find(name);
    if (wanted != wanted_by_name.end() && fs::read_symlink(it->path(), error) == wanted->second) {
      missing.erase(name);
    } else {
      fs::remove(it->path(), error);
    }
  }
  for (const auto& [name, source] : missing) {
    fs::create_directories((modules_dir / name).parent_path(), error);
    fs::create_symlink(source, modules_dir / name, error);
    if (error) return fail("cannot link " + (modules_dir / name).string() + ": " + error.message());
  }
  return outcome::success();
}

/// Writes modules.order as installed, and modules.builtin(.modinfo) as in the tree.
Expected<void> write_lists(const BuildTree& tree, const ModuleLinks& links, const fs::path& modules_dir) {
  std::string installed_order;
  for (const auto& [name, source] : links) installed_order += name + "\n";
  if (auto written = write_file_atomically(modules_dir / "modules.order", installed_order); !written) {
    return written;
  }
  for (const char* name : kCopiedFiles) {
    std::error_code error;
    fs::remove(modules_dir / name, error);
    if (!fs::exists(tree.root / name)) continue;
    fs::copy_file(tree.root / name, modules_dir / name, error);
    if (error) return fail("cannot copy " + (tree.root / name).string() + ": " + error.message());
  }
  if (fs::exists(modules_dir / "modules.builtin")) return outcome::success();
  return write_file_atomically(modules_dir / "modules.builtin", "");
}

/// Removes lib/modules/<other release> left from earlier builds of the tree.
void remove_other_releases(const fs::path& stage_root, const std::string& release) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(stage_root / "lib" / "modules", error)) {
    if (entry.path().filename() != release) fs::remove_all(entry.path(), error);
  }
}

}  // namespace

Expected<BuildTree> inspect_build_tree(const fs::path& path) {
  std::error_code error;
  const auto root = fs::canonical(path, error);
  if (error) return fail("kernel build tree " + path.string() + " does not exist");
  for (const char* needed : {"arch/x86/boot/bzImage", "include/config/kernel.release"}) {
    if (!fs::exists(root / needed)) {
      return fail("kernel build tree " + root.string() + " has no " + needed + "; run make first");
    }
  }
  BuildTree tree{root, std::string(trim_end(read_if_present(root / "include/config/kernel.release"))),
                 root / "arch/x86/boot/bzImage"};
  if (tree.release.empty()) {
    return fail("kernel build tree " + root.string() + " has an empty include/config/kernel.release; run make first");
  }
  return tree;
}

std::vector<std::string> modules_from_order(std::string_view text) {
  std::vector<std::string> modules;
  for (const auto entry : split_lines(text)) {
    auto line = std::string(trim_end(entry));
    if (line.empty()) continue;
    if (line.ends_with(".o")) line.replace(line.size() - 2, 2, ".ko");
    modules.push_back(std::move(line));
  }
  return modules;
}

Expected<fs::path> stage_build_modules(ProcessRunner& runner, const BuildTree& tree, const fs::path& stage_root) {
  auto links = wanted_links(tree.root, read_if_present(tree.root / "modules.order"));
  if (!links) return fail(links.error().message);
  const auto modules_dir = stage_root / "lib" / "modules" / tree.release;
  const auto stamp = stamp_of(tree, links.value());
  const auto stamp_file = stage_root / kStampName;
  if (read_if_present(stamp_file) == stamp && fs::exists(modules_dir / "modules.dep")) {
    return modules_dir;  // nothing depmod reads has changed since the last staging
  }
  std::error_code error;
  fs::remove(stamp_file, error);
  remove_other_releases(stage_root, tree.release);
  fs::create_directories(modules_dir / "kernel", error);
  if (error) return fail("cannot create " + modules_dir.string() + ": " + error.message());
  if (auto synced = sync_links(modules_dir, links.value()); !synced) {
    return fail(synced.error().message);
  }
  if (auto listed = write_lists(tree, links.value(), modules_dir); !listed) {
    return fail(listed.error().message);
  }
  if (auto index = build_module_index(runner, stage_root, tree.release); !index) {
    return fail(index.error().message);
  }
  if (auto stamped = write_file_atomically(stamp_file, stamp); !stamped) {
    return fail(stamped.error().message);
  }
  return modules_dir;
}

}  // namespace bh
