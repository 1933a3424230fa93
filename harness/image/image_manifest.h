#pragma once
/// Turning a GuestImagePlan into the initramfs manifest: where every file goes.
///
/// Layout: /init, /bin/busybox and its applet links, tools under /usr/bin or /usr/sbin,
/// libraries at their host paths, /bin/bh-agent, modules decompressed under
/// /lib/modules/<release>/ with a modules.dep of just those, /etc/bh/modules (load order).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "harness/image/image_plan.h"
#include "harness/image/initramfs.h"
#include "util/process_runner.h"

namespace bh::image {

/// Where the agent lives in the image; init runs it.
inline constexpr std::string_view kAgentImagePath = "/bin/bh-agent";
/// The module load order file init reads.
inline constexpr std::string_view kModuleOrderImagePath = "/etc/bh/modules";

/// `relative_path` with any compression suffix removed ("a/b.ko.xz" -> "a/b.ko").
std::filesystem::path decompressed_module_path(const std::filesystem::path& relative_path);

/// modules.dep text listing only `modules` (assumed closed under dependencies), with
/// decompressed paths, in the given order.
std::string filtered_modules_dep(const std::vector<ModuleEntry>& modules);

/// Adds a symlink to /bin/busybox for each path `busybox --list-full` printed, except
/// busybox itself and paths the manifest already has (real tools win over applets).
/// Links in the image rather than `busybox --install -s` at boot: measured under TCG, the
/// boot-time install costs ~0.06 s per boot; the links add 37 KB to an ~85 MiB image.
void add_busybox_applets(InitramfsManifest& manifest, std::string_view list_full_output);

/// The complete manifest for `plan`. Compressed modules are decompressed (xz, zstd, gzip)
/// into `scratch_dir`, which must outlive the manifest's staging.
Expected<InitramfsManifest> guest_image_manifest(ProcessRunner& runner, const GuestImagePlan& plan,
                                                 const std::filesystem::path& scratch_dir);

}  // namespace bh::image
