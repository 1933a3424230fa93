#pragma once
/// Turns a kernel spec into a bootable kernel on disk: downloads and unpacks Debian
/// packages, unpacks local .debs, or stages a build tree, caching what can be reused.

#include <filesystem>

#include "base/expected.h"
#include "harness/kernel/kernel.h"
#include "harness/kernel/kernel_spec.h"
#include "util/process_runner.h"

namespace bh {

/// Resolves kernel specs under a cache root (normally bh::cache_root()):
///   <cache>/kernels/<release>/       Debian packages, by release
///   <cache>/kernels/deb-<sha16>/     local .debs, by the first 16 hex of their SHA-256
///   <cache>/build/<sha16>/           build trees, by their canonical path (rebuilt on every
///                                    resolve; not safe for two processes on one tree)
///   <cache>/kernels/module-<key16>/  module:PATH@BASE overlays of BASE's modules, by a hash of
///                                    the module's content and BASE's modules directory
class KernelProvider {
 public:
  KernelProvider(ProcessRunner& runner, std::filesystem::path cache_root);

  /// A kernel whose modules_dir has a modules.dep. A cached Debian release runs no process.
  /// Errors say what was tried and what to do next.
  Expected<Kernel> resolve(const KernelSpec& spec);

 private:
  Expected<Kernel> resolve_debian_release(const std::string& release);
  Expected<Kernel> resolve_deb_file(const std::filesystem::path& deb);
  Expected<Kernel> resolve_build_tree(const std::filesystem::path& path);
  /// BASE's kernel with its bcache module replaced; refuses a module BASE would not load.
  Expected<Kernel> resolve_module(const KernelSpec& spec);

  ProcessRunner& runner_;
  std::filesystem::path cache_root_;
};

}  // namespace bh
