#include "harness/nightly/nightly_matrix.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace bh {
namespace {

namespace fs = std::filesystem;

/// "FILE:LINE: key 'KEY': MESSAGE".
std::string at(const fs::path& file, const toml::source_region& source, std::string_view key,
               std::string_view message) {
  const auto line = std::max<toml::source_index>(source.begin.line, 1);
  return file.string() + ":" + std::to_string(line) + ": key '" + std::string(key) + "': " + std::string(message);
}

bool valid_kernel_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

Expected<void> check_keys(const fs::path& file, const toml::table& table, std::string_view prefix,
                          const std::vector<std::string_view>& known) {
  for (auto&& [key, node] : table) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    std::string list;
    for (auto name : known) list += (list.empty() ? "" : ", ") + std::string(name);
    return fail(
        at(file, key.source(), std::string(prefix) + std::string(key.str()), "unknown key (known: " + list + ")"));
  }
  return outcome::success();
}

/// An integer key in [low, high], or `fallback` when absent.
Expected<std::int64_t> read_int(const fs::path& file, const toml::table& table, std::string_view key,
                                std::int64_t fallback, std::int64_t low, std::int64_t high) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  const auto value = node->value<std::int64_t>();
  if (!node->is_integer() || !value || *value < low || *value > high) {
    return fail(at(file, node->source(), key,
                   "must be an integer from " + std::to_string(low) + " to " + std::to_string(high)));
  }
  return *value;
}

Expected<std::string> read_string(const fs::path& file, const toml::table& table, std::string_view prefix,
                                  std::string_view key, const toml::source_region& where) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fail(at(file, where, std::string(prefix) + std::string(key), "missing"));
  if (!node->is_string() || node->value<std::string>()->empty()) {
    return fail(at(file, node->source(), std::string(prefix) + std::string(key), "must be a non-empty string"));
  }
  return *node->value<std::string>();
}

Expected<std::vector<MatrixKernel>> read_kernels(const fs::path& file, const toml::table& root) {
  const auto* array = root.get_as<toml::array>("kernels");
  if (array == nullptr || array->empty()) {
    return fail(file.string() + ": no [[kernels]] (each needs name and spec)");
  }
  std::vector<MatrixKernel> kernels;
  std::set<std::string> names;
  for (const auto& node : *array) {
    const auto* table = node.as_table();
    if (table == nullptr) return fail(at(file, node.source(), "kernels", "must be tables ([[kernels]])"));
    if (auto known = check_keys(file, *table, "kernels.", {"name", "spec"}); !known) return known.error();
    auto name = read_string(file, *table, "kernels.", "name", node.source());
    if (!name) return name.error();
    auto spec = read_string(file, *table, "kernels.", "spec", node.source());
    if (!spec) return spec.error();
    if (!valid_kernel_name(name.value())) {
      return fail(at(file, node.source(), "kernels.name", "'" + name.value() + "' must be 1-64 of [a-z0-9._-]"));
    }
    if (!names.insert(name.value()).second) {
      return fail(at(file, node.source(), "kernels.name", "'" + name.value() + "' appears twice"));
    }
    kernels.push_back({name.value(), spec.value()});
  }
  return kernels;
}

Expected<std::vector<std::string>> read_scenarios(const fs::path& file, const toml::table& root) {
  const auto* array = root.get_as<toml::array>("scenarios");
  if (array == nullptr || array->empty()) return fail(file.string() + ": 'scenarios' must be a non-empty array");
  std::vector<std::string> scenarios;
  for (const auto& node : *array) {
    if (!node.is_string() || node.value<std::string>()->empty()) {
      return fail(
          at(file, node.source(), "scenarios", "entries must be non-empty strings (NAME, NAME:VARIANT, @GROUP)"));
    }
    scenarios.push_back(*node.value<std::string>());
  }
  return scenarios;
}

Expected<toml::table> parse_toml(const fs::path& file) {
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    return fail(file.string() + ":" + std::to_string(error.source().begin.line) + ": " +
                std::string(error.description()));
  }
}

}  // namespace

Expected<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  auto number = [](std::string_view digits, unsigned& out) {
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return error == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), shard.index) ||
      !number(text.substr(slash + 1), shard.count) || shard.index < 1 || shard.index > shard.count ||
      shard.count > 1000) {
    return fail("--shard '" + std::string(text) + "': expected I/N with 1 <= I <= N <= 1000, e.g. 1/2");
  }
  return shard;
}

Expected<NightlyMatrix> load_nightly_matrix(const fs::path& file) {
  if (!fs::is_regular_file(file)) return fail(file.string() + ": no such matrix file");
  auto root = parse_toml(file);
  if (!root) return root.error();
  const auto& table = root.value();
  if (auto known = check_keys(
          file, table, "", {"kernels", "scenarios", "repeat", "perf_repeat", "seed", "power_cuts", "perf_runtime_s"});
      !known) {
    return known.error();
  }
  NightlyMatrix matrix;
  matrix.file = file;
  auto kernels = read_kernels(file, table);
  if (!kernels) return kernels.error();
  matrix.kernels = kernels.value();
  auto scenarios = read_scenarios(file, table);
  if (!scenarios) return scenarios.error();
  matrix.scenarios = scenarios.value();
  auto repeat = read_int(file, table, "repeat", 1, 1, 1000);
  auto perf_repeat = read_int(file, table, "perf_repeat", repeat ? repeat.value() : 1, 1, 1000);
  auto seed = read_int(file, table, "seed", 1, 0, 1'000'000'000);
  auto cuts = read_int(file, table, "power_cuts", 0, 0, 100);
  auto runtime = read_int(file, table, "perf_runtime_s", 0, 0, 86400);
  for (const auto* value : {&repeat, &perf_repeat, &seed, &cuts, &runtime}) {
    if (!*value) return value->error();
  }
  matrix.repeat = static_cast<int>(repeat.value());
  matrix.perf_repeat = static_cast<int>(perf_repeat.value());
  matrix.seed = static_cast<std::uint64_t>(seed.value());
  matrix.power_cuts = static_cast<unsigned>(cuts.value());
  matrix.perf_runtime_s = static_cast<unsigned>(runtime.value());
  return matrix;
}

Expected<std::vector<MatrixCell>> matrix_cells(const NightlyMatrix& matrix, const GroupExpander& expand_group) {
  std::vector<std::string> scenarios;
  for (const auto& name : matrix.scenarios) {
    std::vector<std::string> names{name};
    if (name.rfind('@', 0) == 0) {
      auto group = expand_group(std::string_view(name).substr(1));
      if (!group) return fail(matrix.file.string() + ": scenarios: " + group.error().message);
      names = group.value();
    }
    for (auto& one : names) {  // a scenario named twice (or also in a group) runs once
      if (std::find(scenarios.begin(), scenarios.end(), one) == scenarios.end()) scenarios.push_back(one);
    }
  }
  std::vector<MatrixCell> cells;
  for (const auto& kernel : matrix.kernels) {
    for (const auto& scenario : scenarios) cells.push_back({cells.size(), kernel, scenario});
  }
  return cells;
}

std::vector<MatrixCell> shard_cells(const std::vector<MatrixCell>& cells, Shard shard) {
  std::vector<MatrixCell> mine;
  for (const auto& cell : cells) {
    if (cell.index % shard.count == shard.index - 1) mine.push_back(cell);
  }
  return mine;
}

}  // namespace bh
