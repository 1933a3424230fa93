#pragma once
/// What a guest image is made of, resolved on the host, and the content key that names it.

#include <filesystem>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/image/module_index.h"
#include "util/process_runner.h"

namespace bh::image {

/// The modules a harness guest loads by default (their dependencies come along).
std::vector<std::string> default_guest_modules();

/// The host tools a harness guest carries by default; busybox provides the shell and
/// applets, the others are run by scenarios.
std::vector<std::string> default_guest_tools();

/// What the caller wants in an image.
struct GuestImageInputs {
  std::string kernel_release;
  std::filesystem::path modules_dir;  ///< .../lib/modules/<release> with modules.dep
  std::vector<std::string> modules = default_guest_modules();
  std::filesystem::path agent_binary;
  std::vector<std::string> tools = default_guest_tools();  ///< must include "busybox"
  std::vector<std::filesystem::path> tool_search_dirs;     ///< empty: the default ones
};

/// One host program and where it goes in the image.
struct PlannedTool {
  std::string name;
  std::filesystem::path host_path;
  std::filesystem::path image_path;
};

/// The resolved inputs of an image: module closure, tools, their libraries.
struct GuestImagePlan {
  std::string release;
  std::filesystem::path modules_dir;
  std::vector<ModuleEntry> modules;  ///< in load order
  std::vector<PlannedTool> tools;
  std::vector<std::filesystem::path> libraries;  ///< of tools and agent, sorted, unique
  std::filesystem::path agent_binary;
};

/// Image format version; bump it whenever the image layout changes, to invalidate caches.
inline constexpr std::string_view kGuestImageFormat = "bh-guest-image-1";

/// Resolves `inputs` against the host: module closure, tool locations (an error names the
/// Debian package for a missing tool), shared libraries via ldd. Reads no large files.
Expected<GuestImagePlan> plan_guest_image(ProcessRunner& runner, const GuestImageInputs& inputs);

/// The content key of a plan: release, module and tool/library identities (path, size,
/// mtime), the agent's bytes, the init script and kGuestImageFormat, as 64 hex digits.
Expected<std::string> guest_image_key(const GuestImagePlan& plan);

}  // namespace bh::image
