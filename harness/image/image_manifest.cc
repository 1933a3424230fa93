#include "harness/image/image_manifest.h"

#include <map>
#include <set>

#include "harness/image/init_script.h"
#include "harness/image/module_file.h"

namespace bh::image {
namespace fs = std::filesystem;
namespace {

constexpr fs::perms kExecutable{0755};

Expected<void> add_module(ProcessRunner& runner, InitramfsManifest& manifest, const GuestImagePlan& plan,
                          const ModuleEntry& module, const fs::path& scratch_dir) {
  const auto source = plan.modules_dir / module.relative_path;
  const auto destination = fs::path("/lib/modules") / plan.release / decompressed_module_path(module.relative_path);
  auto argv = decompressor_for(module.relative_path);
  if (argv.empty()) {
    manifest.add_file(destination, source);
    return outcome::success();
  }
  const auto decompressed = scratch_dir / (module.name + ".ko");
  argv.push_back(source.string());
  ProcessRequest request{argv, {}, std::nullopt, decompressed, {}, std::chrono::minutes(2)};
  auto result = runner.run(request);
  if (!result) return result.error();
  if (result.value().exit_code != 0) {
    return fail("cannot decompress " + source.string() + ": " + tail_lines(result.value().output, 3));
  }
  manifest.add_file(destination, decompressed);
  return outcome::success();
}

Expected<void> add_applets(ProcessRunner& runner, InitramfsManifest& manifest, const fs::path& busybox) {
  ProcessRequest request;
  request.argv = {busybox.string(), "--list-full"};
  request.timeout = std::chrono::seconds(30);
  auto result = runner.run(request);
  if (!result) return result.error();
  if (result.value().exit_code != 0) {
    return fail(busybox.string() + " --list-full failed: " + tail_lines(result.value().output, 3));
  }
  add_busybox_applets(manifest, result.value().output);
  return outcome::success();
}

std::string module_order(const std::vector<ModuleEntry>& modules) {
  std::string text;
  for (const auto& module : modules) text += module.name + "\n";
  return text;
}

void add_fixed_entries(InitramfsManifest& manifest, const GuestImagePlan& plan) {
  manifest.add_content("/init", std::string(init_script_text()), kExecutable);
  for (const auto* dir : {"/proc", "/sys", "/dev", "/etc", "/root"}) manifest.add_directory(dir);
  manifest.add_directory("/tmp", fs::perms{01777});
  manifest.add_file(fs::path(kAgentImagePath), plan.agent_binary, kExecutable);
  manifest.add_content(fs::path(kModuleOrderImagePath), module_order(plan.modules));
  manifest.add_content(fs::path("/lib/modules") / plan.release / "modules.dep", filtered_modules_dep(plan.modules));
  for (const auto& tool : plan.tools) manifest.add_file(tool.image_path, tool.host_path, kExecutable);
  for (const auto& library : plan.libraries) manifest.add_file(library, library, kExecutable);
}

}  // namespace

fs::path decompressed_module_path(const fs::path& relative_path) {
  return decompressor_for(relative_path).empty() ? relative_path : fs::path(relative_path).replace_extension();
}

std::string filtered_modules_dep(const std::vector<ModuleEntry>& modules) {
  std::map<std::string, fs::path> paths;
  for (const auto& module : modules) {
    paths[module.name] = decompressed_module_path(module.relative_path);
  }
  std::string text;
  for (const auto& module : modules) {
    text += paths[module.name].string() + ":";
    for (const auto& dependency : module.dependencies) {
      if (const auto found = paths.find(dependency); found != paths.end()) {
        text += " " + found->second.string();
      }
    }
    text += "\n";
  }
  return text;
}

void add_busybox_applets(InitramfsManifest& manifest, std::string_view list_full_output) {
  while (!list_full_output.empty()) {
    const auto end = std::min(list_full_output.find('\n'), list_full_output.size());
    const auto line = list_full_output.substr(0, end);
    list_full_output.remove_prefix(std::min(end + 1, list_full_output.size()));
    if (line.empty() || line.find_first_of(" \t\r") != std::string_view::npos) continue;
    const auto destination = fs::path("/") / line;
    if (destination == "/bin/busybox" || manifest.contains(destination)) continue;
    manifest.add_symlink(destination, "/bin/busybox");
  }
}

Expected<InitramfsManifest> guest_image_manifest(ProcessRunner& runner, const GuestImagePlan& plan,
                                                 const fs::path& scratch_dir) {
  InitramfsManifest manifest;
  add_fixed_entries(manifest, plan);
  for (const auto& module : plan.modules) {
    if (auto added = add_module(runner, manifest, plan, module, scratch_dir); !added) {
      return added.error();
    }
  }
  const auto busybox = std::find_if(plan.tools.begin(), plan.tools.end(),
                                    [](const PlannedTool& tool) { return tool.name == "busybox"; });
  if (busybox == plan.tools.end()) return fail("the guest image plan has no busybox");
  if (auto added = add_applets(runner, manifest, busybox->host_path); !added) {
    return added.error();
  }
  return manifest;
}

}  // namespace bh::image
