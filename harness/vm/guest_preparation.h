#pragma once
/// From a kernel spec to something bootable: the kernel resolved (downloaded, unpacked and
/// cached as needed) and the guest image built or reused.

#include <filesystem>
#include <string>

#include "base/expected.h"
#include "harness/image/guest_image.h"
#include "harness/kernel/kernel.h"
#include "util/process_runner.h"

namespace bh {

/// A kernel and an image for it, with what preparing them cost.
struct PreparedGuest {
  Kernel kernel;
  image::GuestImage image;
  double kernel_seconds = 0;  ///< resolving the kernel (0-ish on a cache hit)

  /// The image QEMU boots: the PVH vmlinux when there is one (no in-guest decompression),
  /// else the bzImage.
  std::filesystem::path boot_image() const;
};

/// The guest agent binary: $BH_AGENT, else bh-agent beside this executable, else the one
/// this build produced.
std::filesystem::path guest_agent_path();

/// Resolves `spec_text` and builds or reuses its guest image under `cache_root`.
/// Errors are usage errors (bad spec) or infrastructure errors, each naming its cause.
Expected<PreparedGuest> prepare_guest(const std::string& spec_text, ProcessRunner& runner,
                                      const std::filesystem::path& cache_root);

}  // namespace bh
