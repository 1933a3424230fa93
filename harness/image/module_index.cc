#include "harness/image/module_index.h"

#include <algorithm>
#include <array>

#include "base/strings.h"
#include "util/files.h"

namespace bh::image {
namespace {

constexpr std::array<std::string_view, 4> kModuleSuffixes = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};

bool has_module_suffix(std::string_view path) {
  return std::any_of(kModuleSuffixes.begin(), kModuleSuffixes.end(),
                     [&](std::string_view suffix) { return path.ends_with(suffix); });
}

/// Calls `on_line(line_number, trimmed_line)` for each non-empty, non-comment line; stops at
/// the first error.
template <class OnLine>
Expected<void> for_each_line(std::string_view text, OnLine on_line) {
  std::size_t line_number = 0;
  for (const auto entry : split_lines(text)) {
    ++line_number;
    const auto line = trim(entry);
    if (line.empty() || line.front() == '#') continue;
    if (auto result = on_line(line_number, line); !result) return result;
  }
  return outcome::success();
}

std::string where(std::string_view source, std::size_t line_number) {
  return std::string(source) + ":" + std::to_string(line_number) + ": ";
}

}  // namespace

std::string normalise_module_name(std::string_view name) {
  std::string result(name);
  std::replace(result.begin(), result.end(), '-', '_');
  return result;
}

std::string module_name_from_path(std::string_view path) {
  auto name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  if (const auto ko = name.find(".ko"); ko != std::string_view::npos) name = name.substr(0, ko);
  return normalise_module_name(name);
}

Expected<ModuleIndex> parse_modules_dep(std::string_view text, std::string_view source) {
  ModuleIndex index;
  auto parse_line = [&](std::size_t line_number, std::string_view line) -> Expected<void> {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(where(source, line_number) + "expected \"path: dependencies\", got \"" + std::string(line) + "\"");
    }
    const auto path = trim(line.substr(0, colon));
    auto words = split_words(line.substr(colon + 1));
    words.insert(words.begin(), path);
    for (const auto word : words) {
      if (!has_module_suffix(word)) {
        return fail(where(source, line_number) + "\"" + std::string(word) +
                    "\" is not a module file (.ko, .ko.xz, .ko.zst or .ko.gz)");
      }
    }
    ModuleEntry entry{module_name_from_path(path), std::filesystem::path(path), {}};
    for (std::size_t i = 1; i < words.size(); ++i) {
      entry.dependencies.push_back(module_name_from_path(words[i]));
    }
    if (index.contains(entry.name)) {
      return fail(where(source, line_number) + "module " + entry.name + " listed twice");
    }
    index.emplace(entry.name, std::move(entry));
    return outcome::success();
  };
  if (auto result = for_each_line(text, parse_line); !result) return result.error();
  return index;
}

Expected<std::set<std::string>> parse_modules_builtin(std::string_view text, std::string_view source) {
  std::set<std::string> names;
  auto parse_line = [&](std::size_t line_number, std::string_view line) -> Expected<void> {
    if (!line.ends_with(".ko") || line.find_first_of(" \t") != std::string_view::npos) {
      return fail(where(source, line_number) + "expected one module path ending in .ko, got \"" + std::string(line) +
                  "\"");
    }
    names.insert(module_name_from_path(line));
    return outcome::success();
  };
  if (auto result = for_each_line(text, parse_line); !result) return result.error();
  return names;
}

Expected<ModuleIndex> load_modules_dep(const std::filesystem::path& modules_dir) {
  const auto path = modules_dir / "modules.dep";
  auto text = read_file(path);
  if (!text) {
    return fail("cannot read " + path.string() + " (run depmod -b ROOT RELEASE to create it)");
  }
  return parse_modules_dep(text.value(), path.string());
}

Expected<std::set<std::string>> load_modules_builtin(const std::filesystem::path& modules_dir) {
  const auto path = modules_dir / "modules.builtin";
  if (!std::filesystem::exists(path)) return std::set<std::string>{};
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_modules_builtin(text.value(), path.string());
}

}  // namespace bh::image
