#pragma once
/// A kernel build tree (`make` done, possibly with O=): its bzImage, its release, and its
/// modules staged in the installed layout so depmod, modprobe and the image builder can
/// use them without `make modules_install`.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh {

/// What a build tree offers.
struct BuildTree {
  std::filesystem::path root;      ///< canonical path of the tree
  std::string release;             ///< include/config/kernel.release
  std::filesystem::path bz_image;  ///< arch/x86/boot/bzImage
};

/// Checks the tree was built; the error names what is missing and says "run make first".
Expected<BuildTree> inspect_build_tree(const std::filesystem::path& path);

/// Module paths relative to the tree, from its modules.order; entries ending in .o (newer
/// kernels) are mapped to their .ko.
std::vector<std::string> modules_from_order(std::string_view modules_order);

/// Makes `stage_root`/lib/modules/<release> mirror the tree as `make modules_install` would:
/// kernel/<path> symlinks to each module of the tree (depmod follows them), the installed
/// modules.order, modules.builtin(.modinfo) copied, and a fresh depmod index. Only what
/// changed is redone; depmod is skipped when no module, name or list changed (size and
/// modification time decide). Returns the modules directory.
Expected<std::filesystem::path> stage_build_modules(ProcessRunner& runner, const BuildTree& tree,
                                                    const std::filesystem::path& stage_root);

}  // namespace bh
