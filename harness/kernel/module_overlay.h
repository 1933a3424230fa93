#pragma once
/// A kernel's modules directory with one module replaced: a cached overlay that links to
/// everything of the base's modules directory except the replaced module, which it holds as
/// a copy, with its own depmod index.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh {

/// The path (relative to `modules_dir`, e.g. "kernel/drivers/md/bcache/bcache.ko") that the
/// modules.dep in `modules_dir` lists for module `name` ('-' and '_' alike, any compression
/// suffix). Errors say whether the module is built in (modules.builtin) or absent.
Expected<std::filesystem::path> find_module_file(const std::filesystem::path& modules_dir, std::string_view name);

/// What to overlay, and where.
struct ModuleOverlayRequest {
  std::filesystem::path base_modules_dir;  ///< absolute .../lib/modules/<release>
  std::string release;
  std::filesystem::path replaced;  ///< relative to base_modules_dir, from find_module_file
  std::filesystem::path module;    ///< the replacement file, copied into the overlay
  std::filesystem::path root;      ///< e.g. <cache>/kernels/module-<key>
  std::string source;              ///< recorded in the completion marker
};

/// Makes request.root/lib/modules/<release> hold the base's entries as symlinks, except that
/// the directories on the way to `replaced` are real and `replaced` is swapped for a copy of
/// `module` (named <module stem>.ko plus the file's own compression suffix, if any).
/// modules.order and modules.builtin(.modinfo) are copied, depmod's outputs rebuilt by
/// running depmod. The root appears whole or not at all; a copy another process finished
/// first is kept. Returns the overlay's modules directory.
Expected<std::filesystem::path> build_module_overlay(ProcessRunner& runner, const ModuleOverlayRequest& request);

/// The overlay's modules directory if `root` holds a complete overlay for `release`.
std::optional<std::filesystem::path> complete_module_overlay(const std::filesystem::path& root,
                                                             const std::string& release);

}  // namespace bh
