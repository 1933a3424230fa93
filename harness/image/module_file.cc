#include "harness/image/module_file.h"

#include "harness/image/module_index.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::image {
namespace fs = std::filesystem;

std::vector<std::string> decompressor_for(const fs::path& path) {
  const auto extension = path.extension();
  if (extension == ".xz") return {"xz", "-dc"};
  if (extension == ".zst") return {"zstd", "-dc"};
  if (extension == ".gz") return {"gzip", "-dc"};
  return {};
}

Expected<std::string> read_module_file(ProcessRunner& runner, const fs::path& modules_dir, std::string_view name) {
  auto index = load_modules_dep(modules_dir);
  if (!index) return index.error();
  const auto entry = index.value().find(normalise_module_name(name));
  if (entry == index.value().end())
    return fail("module " + std::string(name) + " is not in " + (modules_dir / "modules.dep").string());
  const auto path = modules_dir / entry->second.relative_path;
  auto argv = decompressor_for(path);
  if (argv.empty()) return read_file(path);
  argv.push_back(path.string());
  TempDir scratch("bh-module");  // stdout to a file: the captured output would mix in stderr
  const auto decompressed = scratch.path() / (entry->first + ".ko");
  ProcessRequest request{argv, {}, std::nullopt, decompressed, {}, std::chrono::minutes(2)};
  auto result = runner.run(request);
  if (!result) return result.error();
  if (result.value().exit_code != 0)
    return fail("cannot decompress " + path.string() + ": " + tail_lines(result.value().output, 3));
  return read_file(decompressed);
}

}  // namespace bh::image
