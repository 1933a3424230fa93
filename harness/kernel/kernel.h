#pragma once
/// A kernel ready to boot: its images and its modules with a module index.

#include <filesystem>
#include <optional>
#include <string>

namespace bh {

/// What KernelProvider::resolve hands to the image builder and the VM launcher.
struct Kernel {
  std::string spec_text;             ///< the user's spec, for reports
  std::string release;               ///< `uname -r` of the kernel
  std::filesystem::path boot_image;  ///< bzImage / vmlinuz; always present
  /// Uncompressed vmlinux ELF with a PVH note, which QEMU boots without in-guest
  /// decompression; empty when it could not be extracted (boot `boot_image` then).
  std::optional<std::filesystem::path> pvh_image;
  /// .../lib/modules/<release>, always holding modules.dep and modules.builtin (empty if the
  /// kernel has none). Module files may be symlinks (build trees): follow them when copying.
  std::filesystem::path modules_dir;
  /// Where it came from, e.g. "debian package linux-image-6.1.0-56-amd64 6.1.192-2".
  std::string source;
};

}  // namespace bh
