#include "harness/kernel/module_vermagic.h"

#include <cctype>

#include "base/strings.h"
#include "harness/kernel/package_tool_output.h"

namespace bh {
namespace fs = std::filesystem;

namespace {

std::string single_quoted(const std::string& text) { return "'" + text + "'"; }

}  // namespace

Expected<std::string> read_module_field(ProcessRunner& runner, const fs::path& module, const std::string& field) {
  if (!fs::is_regular_file(module)) {
    return fail("module file " + module.string() + " does not exist");
  }
  // modinfo takes an argument without a slash for a module name of the running kernel.
  const auto path = module.has_parent_path() ? module : fs::path(".") / module;
  const std::vector<std::string> argv{"modinfo", "-F", field, path.string()};
  auto result = runner.run({.argv = argv, .timeout = std::chrono::minutes(1)});
  if (!result) return fail(result.error().message);
  if (result.value().exit_code != 0) {
    return fail(module.string() + " is not a kernel module (" + last_output_line(result.value().output) + ")");
  }
  return std::string(trim(result.value().output));
}

Expected<std::string> read_vermagic(ProcessRunner& runner, const fs::path& module) {
  auto vermagic = read_module_field(runner, module, "vermagic");
  if (!vermagic) return vermagic;
  if (vermagic.value().empty()) {
    return fail(module.string() + " is not a kernel module: it has no vermagic");
  }
  return vermagic;
}

Expected<void> check_replacement_module(ProcessRunner& runner, const fs::path& replacement, const fs::path& original,
                                        const std::string& base_release) {
  auto wanted = read_vermagic(runner, original);
  if (!wanted) return fail("base kernel's module: " + wanted.error().message);
  auto given = read_vermagic(runner, replacement);
  if (!given) return fail(given.error().message);
  if (given.value() != wanted.value()) {
    return fail("module " + replacement.string() + " has vermagic " + single_quoted(given.value()) +
                " but the base kernel's " + original.string() + " has " + single_quoted(wanted.value()) +
                "; build it against the base kernel's headers (for a Debian kernel: "
                "scripts/build-bcache-module --base " +
                base_release + ")");
  }
  auto wanted_name = read_module_field(runner, original, "name");
  if (!wanted_name) return fail(wanted_name.error().message);
  auto given_name = read_module_field(runner, replacement, "name");
  if (!given_name) return fail(given_name.error().message);
  if (given_name.value() != wanted_name.value()) {
    return fail("module " + replacement.string() + " is " + single_quoted(given_name.value()) + ", not " +
                single_quoted(wanted_name.value()) + " like " + original.string());
  }
  return outcome::success();
}

}  // namespace bh
