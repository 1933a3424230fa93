#pragma once
/// A kernel's module index: what depmod's modules.dep and the kernel's modules.builtin say
/// about which modules exist, where their files are and what each needs loaded first.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh::image {

/// One loadable module as modules.dep lists it.
struct ModuleEntry {
  std::string name;                       ///< normalised: "dm_mod" for dm-mod.ko.xz
  std::filesystem::path relative_path;    ///< relative to /lib/modules/<release>
  std::vector<std::string> dependencies;  ///< normalised names, in modules.dep's order
};

/// Loadable modules by normalised name.
using ModuleIndex = std::map<std::string, ModuleEntry>;

/// The module name a file path stands for: the basename without ".ko" and any compression
/// suffix, with '-' replaced by '_' ("kernel/drivers/md/dm-mod.ko.zst" -> "dm_mod").
std::string module_name_from_path(std::string_view path);

/// `name` with '-' replaced by '_', the form the kernel and modprobe compare.
std::string normalise_module_name(std::string_view name);

/// Parses modules.dep text ("path: dep-path dep-path"); `source` names the file in errors,
/// which also give the line number.
Expected<ModuleIndex> parse_modules_dep(std::string_view text, std::string_view source);

/// Parses modules.builtin text (one relative path per line) into normalised names.
Expected<std::set<std::string>> parse_modules_builtin(std::string_view text, std::string_view source);

/// Reads and parses `<modules_dir>/modules.dep`.
Expected<ModuleIndex> load_modules_dep(const std::filesystem::path& modules_dir);

/// Reads and parses `<modules_dir>/modules.builtin`; a missing file means nothing is built
/// in (some kernels built without modules ship none).
Expected<std::set<std::string>> load_modules_builtin(const std::filesystem::path& modules_dir);

}  // namespace bh::image
