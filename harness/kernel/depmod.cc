#include "harness/kernel/depmod.h"

namespace bh {

Expected<void> build_module_index(ProcessRunner& runner, const std::filesystem::path& root,
                                  const std::string& release) {
  const std::vector<std::string> argv{"depmod", "-b", root.string(), release};
  auto result = runner.run({.argv = argv, .timeout = std::chrono::minutes(5)});
  if (!result) return fail(result.error().message);
  if (result.value().exit_code != 0) {
    return fail(describe_command(argv) + " failed: " + tail_lines(result.value().output, 5));
  }
  const auto dep = root / "lib" / "modules" / release / "modules.dep";
  if (!std::filesystem::exists(dep)) {
    return fail(describe_command(argv) + " left no " + dep.string());
  }
  return outcome::success();
}

}  // namespace bh
