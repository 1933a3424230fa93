#pragma once
/// Kernel packages unpacked into the cache: extracted, indexed with depmod, their PVH image
/// extracted, and marked complete, so later runs reuse them without running anything.

#include <filesystem>
#include <optional>
#include <string>

#include "base/expected.h"
#include "harness/kernel/kernel.h"
#include "util/process_runner.h"

namespace bh {

/// A .deb's name and version, as dpkg-deb reports them.
struct DebIdentity {
  std::string package;
  std::string version;
};

/// Asks dpkg-deb for the package name and version. A file dpkg-deb cannot read gives
/// "not a valid .deb: PATH: <dpkg-deb's message>".
Expected<DebIdentity> read_deb_identity(ProcessRunner& runner, const std::filesystem::path& deb);

/// What to unpack, and where.
struct UnpackRequest {
  std::filesystem::path deb;
  DebIdentity identity;
  std::string source;                           ///< recorded as Kernel::source
  std::filesystem::path destination;            ///< e.g. <cache>/kernels/6.1.0-56-amd64
  std::optional<std::string> expected_release;  ///< checked against the package's content
};

/// Unpacks the kernel package into request.destination, which appears whole or not at all
/// (built beside it, then renamed). If another process finished first, its copy is kept.
/// A missing PVH image is recorded, not an error.
Expected<void> unpack_kernel_deb(ProcessRunner& runner, const UnpackRequest& request);

/// True if `dir` holds a completely unpacked kernel (its marker file exists).
bool is_unpacked_kernel(const std::filesystem::path& dir);

/// The kernel an unpacked directory holds; spec_text is left for the caller to fill.
Expected<Kernel> load_unpacked_kernel(const std::filesystem::path& dir);

}  // namespace bh
