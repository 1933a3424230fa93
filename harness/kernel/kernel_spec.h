#pragma once
/// What the user asked to boot: `--kernel debian:stock`, `debian:RELEASE`, `deb:PATH`,
/// `build:PATH` or `module:PATH@BASE`, parsed and validated before anything is downloaded or
/// built.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh {

/// The spec used when the user names none: Debian's current stock kernel.
inline constexpr std::string_view kDefaultKernelSpec = "debian:stock";

/// Where a kernel comes from.
enum class KernelSpecKind {
  kDebianStock,    ///< debian:stock - the kernel linux-image-amd64 depends on today
  kDebianRelease,  ///< debian:RELEASE - a Debian kernel package by its `uname -r`
  kDebianNewest,   ///< debian:newest-X.Y - the newest release of series X.Y in Debian's archive
  kDebFile,        ///< deb:PATH - a local linux-image .deb
  kBuildTree,      ///< build:PATH - a kernel build tree after `make`
  kModule,         ///< module:PATH@BASE - BASE's kernel with bcache.ko replaced by PATH
};

/// A parsed kernel spec. `text` is kept verbatim for reports.
struct KernelSpec {
  std::string text;
  KernelSpecKind kind = KernelSpecKind::kDebianStock;
  std::string release;         ///< kDebianRelease: e.g. "6.1.0-56-amd64"; kDebianNewest: the series, "6.12"
  std::filesystem::path path;  ///< kDebFile, kBuildTree and kModule (the .ko) only, as given
  /// kModule only: the kernel whose bcache.ko is replaced; never itself a kModule.
  std::shared_ptr<const KernelSpec> base;
};

/// Parses `text`; the error quotes the text and lists the accepted forms.
Expected<KernelSpec> parse_kernel_spec(std::string_view text);

/// True if `release` looks like a kernel release: starts with a digit, then only
/// [A-Za-z0-9.+~_-].
bool is_valid_kernel_release(std::string_view release);

}  // namespace bh
