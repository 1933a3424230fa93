#include "harness/image/shared_libraries.h"

#include <algorithm>
#include <optional>

#include "base/strings.h"

namespace bh::image {
namespace {

/// "path (0x...)" -> "path"; text without a load address is returned trimmed.
std::string_view strip_address(std::string_view text) {
  const auto paren = text.rfind(" (0x");
  return trim(paren == std::string_view::npos ? text : text.substr(0, paren));
}

bool says_static(std::string_view output) {
  return output.find("statically linked") != std::string_view::npos ||
         output.find("not a dynamic executable") != std::string_view::npos;
}

/// The library path one ldd line names, nullopt for lines naming none (the vDSO, notes).
Expected<std::optional<std::filesystem::path>> library_on_line(std::string_view line,
                                                               const std::filesystem::path& binary) {
  const auto arrow = line.find("=>");
  if (arrow == std::string_view::npos) {
    const auto path = strip_address(line);
    if (path.starts_with('/')) return std::optional<std::filesystem::path>(path);
    return std::optional<std::filesystem::path>();
  }
  const auto target = strip_address(line.substr(arrow + 2));
  if (target == "not found") {
    return fail("ldd: " + std::string(trim(line.substr(0, arrow))) + ", needed by " + binary.string() +
                ", not found on this host");
  }
  if (target.starts_with('/')) return std::optional<std::filesystem::path>(target);
  return std::optional<std::filesystem::path>();
}

}  // namespace

Expected<std::vector<std::filesystem::path>> parse_ldd_output(std::string_view output,
                                                              const std::filesystem::path& binary) {
  std::vector<std::filesystem::path> libraries;
  if (says_static(output)) return libraries;
  while (!output.empty()) {
    const auto end = std::min(output.find('\n'), output.size());
    const auto line = trim(output.substr(0, end));
    output.remove_prefix(std::min(end + 1, output.size()));
    auto library = library_on_line(line, binary);
    if (!library) return library.error();
    const auto& path = library.value();
    if (path && std::find(libraries.begin(), libraries.end(), *path) == libraries.end()) {
      libraries.push_back(*path);
    }
  }
  return libraries;
}

Expected<std::vector<std::filesystem::path>> shared_libraries_of(ProcessRunner& runner,
                                                                 const std::filesystem::path& binary) {
  ProcessRequest request;
  request.argv = {"ldd", binary.string()};
  request.timeout = std::chrono::seconds(30);
  auto result = runner.run(request);
  if (!result) return result.error();
  const auto& run = result.value();
  if (run.exit_code != 0 && !says_static(run.output)) {
    return fail("ldd " + binary.string() + " failed (exit " + std::to_string(run.exit_code) +
                "): " + tail_lines(run.output, 5));
  }
  return parse_ldd_output(run.output, binary);
}

}  // namespace bh::image
