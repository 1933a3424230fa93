#include "harness/image/module_closure.h"

#include <map>

namespace bh::image {
namespace {

/// Config options behind the modules the harness asks for, to make a missing one actionable.
std::string config_hint(const std::string& name) {
  static const std::map<std::string, std::string> kOptions = {{"bcache", "CONFIG_BCACHE"},
                                                              {"dm_mod", "CONFIG_BLK_DEV_DM"},
                                                              {"dm_delay", "CONFIG_DM_DELAY"},
                                                              {"dm_log_writes", "CONFIG_DM_LOG_WRITES"},
                                                              {"dm_flakey", "CONFIG_DM_FLAKEY"},
                                                              {"loop", "CONFIG_BLK_DEV_LOOP"},
                                                              {"virtio_pci", "CONFIG_VIRTIO_PCI"},
                                                              {"virtio_blk", "CONFIG_VIRTIO_BLK"},
                                                              {"virtio_console", "CONFIG_VIRTIO_CONSOLE"}};
  const auto found = kOptions.find(name);
  if (found == kOptions.end()) return "";
  return "; build the kernel with " + found->second + "=m or " + found->second + "=y";
}

/// Depth-first post-order walk: appends a module after everything it depends on.
class ClosureWalk {
 public:
  ClosureWalk(const ModuleIndex& index, const std::set<std::string>& builtin) : index_(index), builtin_(builtin) {}

  Expected<void> visit(const std::string& name, const std::string& needed_by) {
    if (builtin_.contains(name) || done_.contains(name)) return outcome::success();
    const auto found = index_.find(name);
    if (found == index_.end()) {
      return fail("modules.dep lists " + name + " as a dependency of " + needed_by + " but has no entry for it");
    }
    if (!in_progress_.insert(name).second) {
      return fail("modules.dep has a dependency cycle through " + name);
    }
    for (const auto& dependency : found->second.dependencies) {
      if (auto result = visit(dependency, name); !result) return result;
    }
    in_progress_.erase(name);
    done_.insert(name);
    order_.push_back(found->second);
    return outcome::success();
  }

  std::vector<ModuleEntry> take_order() { return std::move(order_); }

 private:
  const ModuleIndex& index_;
  const std::set<std::string>& builtin_;
  std::set<std::string> in_progress_;
  std::set<std::string> done_;
  std::vector<ModuleEntry> order_;
};

}  // namespace

Expected<std::vector<ModuleEntry>> module_closure(const ModuleIndex& index, const std::set<std::string>& builtin,
                                                  const std::vector<std::string>& wanted, std::string_view release) {
  ClosureWalk walk(index, builtin);
  for (const auto& raw_name : wanted) {
    const auto name = normalise_module_name(raw_name);
    if (!index.contains(name) && !builtin.contains(name)) {
      return fail("kernel " + std::string(release) + " has no " + name +
                  " module (neither in modules.dep nor built in)" + config_hint(name));
    }
    if (auto result = walk.visit(name, name); !result) return result.error();
  }
  return walk.take_order();
}

}  // namespace bh::image
