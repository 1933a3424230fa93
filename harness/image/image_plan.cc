#include "harness/image/image_plan.h"

#include <algorithm>
#include <set>

#include "harness/image/host_tools.h"
#include "harness/image/init_script.h"
#include "harness/image/module_closure.h"
#include "harness/image/shared_libraries.h"
#include "util/content_hash.h"

namespace bh::image {
namespace fs = std::filesystem;
namespace {

/// busybox lives at /bin/busybox (its applet links point there); other tools keep the
/// host's bin/sbin split under /usr.
fs::path image_path_for(const std::string& name, const fs::path& host_path) {
  if (name == "busybox") return "/bin/busybox";
  const bool sbin = host_path.parent_path().filename() == "sbin";
  return fs::path(sbin ? "/usr/sbin" : "/usr/bin") / name;
}

Expected<std::vector<ModuleEntry>> plan_modules(const GuestImageInputs& inputs) {
  auto index = load_modules_dep(inputs.modules_dir);
  if (!index) return index.error();
  auto builtin = load_modules_builtin(inputs.modules_dir);
  if (!builtin) return builtin.error();
  return module_closure(index.value(), builtin.value(), inputs.modules, inputs.kernel_release);
}

Expected<std::vector<PlannedTool>> plan_tools(const GuestImageInputs& inputs) {
  const auto dirs = inputs.tool_search_dirs.empty() ? default_tool_search_dirs() : inputs.tool_search_dirs;
  if (std::find(inputs.tools.begin(), inputs.tools.end(), "busybox") == inputs.tools.end()) {
    return fail("the guest image needs busybox among its tools (it provides /init's shell)");
  }
  std::vector<PlannedTool> tools;
  for (const auto& name : inputs.tools) {
    auto host_path = find_host_tool(name, dirs);
    if (!host_path) return host_path.error();
    tools.push_back({name, host_path.value(), image_path_for(name, host_path.value())});
  }
  return tools;
}

Expected<std::vector<fs::path>> plan_libraries(ProcessRunner& runner, const std::vector<PlannedTool>& tools,
                                               const fs::path& agent_binary) {
  std::vector<fs::path> binaries{agent_binary};
  for (const auto& tool : tools) binaries.push_back(tool.host_path);
  std::set<fs::path> libraries;
  for (const auto& binary : binaries) {
    auto found = shared_libraries_of(runner, binary);
    if (!found) return found.error();
    libraries.insert(found.value().begin(), found.value().end());
  }
  return std::vector<fs::path>(libraries.begin(), libraries.end());
}

}  // namespace

std::vector<std::string> default_guest_modules() {
  // virtio_rng: without an entropy source the guest's CRNG never initialises under TCG and
  // every libuuid call (make-bcache makes two) waits ~1.5 s for random bytes.
  return {"virtio_pci", "virtio_blk", "virtio_console", "virtio_rng", "bcache",
          "dm_mod",     "dm_delay",   "dm_log_writes",  "dm_flakey",  "loop"};
}

std::vector<std::string> default_guest_tools() {
  return {"busybox", "fio", "make-bcache", "bcache-super-show", "dmsetup"};
}

Expected<GuestImagePlan> plan_guest_image(ProcessRunner& runner, const GuestImageInputs& inputs) {
  if (!fs::is_regular_file(inputs.agent_binary)) {
    return fail("guest agent binary not found: " + inputs.agent_binary.string());
  }
  GuestImagePlan plan{inputs.kernel_release, inputs.modules_dir, {}, {}, {}, inputs.agent_binary};
  auto modules = plan_modules(inputs);
  if (!modules) return modules.error();
  plan.modules = std::move(modules).value();
  auto tools = plan_tools(inputs);
  if (!tools) return tools.error();
  plan.tools = std::move(tools).value();
  auto libraries = plan_libraries(runner, plan.tools, plan.agent_binary);
  if (!libraries) return libraries.error();
  plan.libraries = std::move(libraries).value();
  return plan;
}

Expected<std::string> guest_image_key(const GuestImagePlan& plan) {
  ContentHasher hasher;
  hasher.add(kGuestImageFormat);
  hasher.add(plan.release);
  hasher.add(init_script_text());
  for (const auto& module : plan.modules) {
    hasher.add(module.name);
    for (const auto& dependency : module.dependencies) hasher.add(dependency);
    auto added = hasher.add_file_identity(plan.modules_dir / module.relative_path);
    if (!added) return added.error();
  }
  for (const auto& tool : plan.tools) {
    hasher.add(tool.name);
    hasher.add(tool.image_path.string());
    if (auto added = hasher.add_file_identity(tool.host_path); !added) return added.error();
  }
  for (const auto& library : plan.libraries) {
    if (auto added = hasher.add_file_identity(library); !added) return added.error();
  }
  if (auto added = hasher.add_file_content(plan.agent_binary); !added) return added.error();
  return hasher.hex();
}

}  // namespace bh::image
