#include "harness/kernel/kernel_provider.h"

#include "harness/kernel/build_tree.h"
#include "harness/kernel/debian_archive.h"
#include "harness/kernel/kernel_unpack.h"
#include "harness/kernel/module_overlay.h"
#include "harness/kernel/module_vermagic.h"
#include "harness/kernel/pvh_image.h"
#include "harness/kernel/work_dir.h"
#include "util/content_hash.h"
#include "util/files.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

fs::path absolute_path(const fs::path& path) {
  std::error_code error;
  auto absolute = fs::absolute(path, error);
  return error ? path : absolute.lexically_normal();
}

Expected<Kernel> with_spec(Expected<Kernel> kernel, const KernelSpec& spec) {
  if (kernel) kernel.value().spec_text = spec.text;
  return kernel;
}

/// The module replaced by module: specs.
constexpr const char* kReplacedModule = "bcache";

/// Names an overlay by what decides its content: the module's bytes and the base's modules
/// (their directory and index), so a rebuilt module gets a fresh overlay, and so a fresh
/// guest image, while the same module on the same kernel reuses both.
Expected<std::string> overlay_key(const std::string& module_sha256, const Kernel& base) {
  auto dep = read_file(base.modules_dir / "modules.dep");
  if (!dep) return fail(dep.error().message);
  ContentHasher hasher;
  hasher.add("module-overlay-v1");
  hasher.add(module_sha256);
  hasher.add(base.release);
  hasher.add(base.modules_dir.string());
  hasher.add(dep.value());
  return hasher.hex().substr(0, 16);
}

}  // namespace

KernelProvider::KernelProvider(ProcessRunner& runner, fs::path cache_root)
    : runner_(runner), cache_root_(std::move(cache_root)) {}

Expected<Kernel> KernelProvider::resolve(const KernelSpec& spec) {
  switch (spec.kind) {
    case KernelSpecKind::kDebianStock: {
      auto release = DebianArchive(runner_).stock_release();
      if (!release) return fail(release.error().message);
      return with_spec(resolve_debian_release(release.value()), spec);
    }
    case KernelSpecKind::kDebianNewest: {
      auto release = DebianArchive(runner_).newest_release(spec.release);
      if (!release) return fail(release.error().message);
      return with_spec(resolve_debian_release(release.value()), spec);
    }
    case KernelSpecKind::kDebianRelease: return with_spec(resolve_debian_release(spec.release), spec);
    case KernelSpecKind::kDebFile: return with_spec(resolve_deb_file(spec.path), spec);
    case KernelSpecKind::kBuildTree: return with_spec(resolve_build_tree(spec.path), spec);
    case KernelSpecKind::kModule: return with_spec(resolve_module(spec), spec);
  }
  return fail("internal: unknown kernel spec kind for '" + spec.text + "'");
}

Expected<Kernel> KernelProvider::resolve_debian_release(const std::string& release) {
  const auto dir = cache_root_ / "kernels" / release;
  if (is_unpacked_kernel(dir)) return load_unpacked_kernel(dir);
  remove_dead_work_dirs(dir.parent_path());
  const WorkDir download(dir, WorkPurpose::kDownload);
  auto deb = DebianArchive(runner_).download_kernel(release, download.path());
  if (!deb) return fail(deb.error().message);
  auto identity = read_deb_identity(runner_, deb.value());
  if (!identity) return fail(identity.error().message);
  const auto source = "debian package " + identity.value().package + " " + identity.value().version;
  auto unpacked = unpack_kernel_deb(runner_, {deb.value(), identity.value(), source, dir, release});
  if (!unpacked) return fail(unpacked.error().message);
  return load_unpacked_kernel(dir);
}

Expected<Kernel> KernelProvider::resolve_deb_file(const fs::path& given) {
  const auto deb = absolute_path(given);
  if (!fs::is_regular_file(deb)) return fail("kernel package " + deb.string() + " does not exist");
  auto identity = read_deb_identity(runner_, deb);
  if (!identity) return fail(identity.error().message);
  if (!identity.value().package.starts_with("linux-image-")) {
    return fail(deb.string() + " is package '" + identity.value().package + "', not a linux-image-* kernel package");
  }
  auto digest = file_sha256_hex(deb);
  if (!digest) return fail(digest.error().message);
  const auto dir = cache_root_ / "kernels" / ("deb-" + digest.value().substr(0, 16));
  const auto source =
      "local package " + deb.string() + " (" + identity.value().package + " " + identity.value().version + ")";
  if (!is_unpacked_kernel(dir)) {
    auto unpacked = unpack_kernel_deb(runner_, {deb, identity.value(), source, dir, {}});
    if (!unpacked) return fail(unpacked.error().message);
  }
  auto kernel = load_unpacked_kernel(dir);
  if (kernel) kernel.value().source = source;  // the cache may have met it under another name
  return kernel;
}

Expected<Kernel> KernelProvider::resolve_build_tree(const fs::path& path) {
  auto tree = inspect_build_tree(path);
  if (!tree) return fail(tree.error().message);
  const auto stage = cache_root_ / "build" / sha256_hex(tree.value().root.string()).substr(0, 16);
  auto modules_dir = stage_build_modules(runner_, tree.value(), stage);
  if (!modules_dir) return fail(modules_dir.error().message);
  Kernel kernel;
  kernel.release = tree.value().release;
  kernel.boot_image = tree.value().bz_image;
  kernel.pvh_image = cached_pvh_image(runner_, tree.value().bz_image, stage);
  kernel.modules_dir = modules_dir.value();
  kernel.source = "kernel build tree " + tree.value().root.string() + " (" + kernel.release + ")";
  return kernel;
}

Expected<Kernel> KernelProvider::resolve_module(const KernelSpec& spec) {
  const auto module = absolute_path(spec.path);
  if (!fs::is_regular_file(module)) {
    return fail("module file " + module.string() + " (kernel spec '" + spec.text + "') does not exist");
  }
  if (!spec.base || spec.base->kind == KernelSpecKind::kModule) {
    return fail("internal: kernel spec '" + spec.text + "' has no valid base");
  }
  auto base = resolve(*spec.base);
  if (!base) return fail("base kernel " + spec.base->text + ": " + base.error().message);
  auto digest = file_sha256_hex(module);
  if (!digest) return fail(digest.error().message);
  Kernel kernel = base.value();
  kernel.source = std::string(kReplacedModule) + ".ko from " + module.string() + " (sha256 " + digest.value() +
                  ") on " + base.value().source;
  auto key = overlay_key(digest.value(), base.value());
  if (!key) return fail(key.error().message);
  const auto root = absolute_path(cache_root_) / "kernels" / ("module-" + key.value());
  if (auto cached = complete_module_overlay(root, kernel.release)) {
    kernel.modules_dir = *cached;  // checked when it was built; same bytes, same base
    return kernel;
  }
  auto replaced = find_module_file(base.value().modules_dir, kReplacedModule);
  if (!replaced) return fail("base kernel " + spec.base->text + ": " + replaced.error().message);
  const auto original = base.value().modules_dir / replaced.value();
  if (auto checked = check_replacement_module(runner_, module, original, kernel.release); !checked) {
    return fail(checked.error().message);
  }
  auto modules_dir = build_module_overlay(runner_, {absolute_path(base.value().modules_dir), kernel.release,
                                                    replaced.value(), module, root, kernel.source});
  if (!modules_dir) return fail(modules_dir.error().message);
  kernel.modules_dir = modules_dir.value();
  return kernel;
}

}  // namespace bh
