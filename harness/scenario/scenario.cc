#include "harness/scenario/scenario.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <set>
#include <sstream>

#include "util/files.h"

namespace bh {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kBlock = 4096;
constexpr std::int64_t kMaxTimeoutS = 24 * 3600;

/// The file being read, so every error can say "FILE:LINE: key 'x': ...".
struct Context {
  fs::path file;

  std::string at(const toml::source_region& source, std::string_view key, std::string_view message) const {
    const auto line = std::max<toml::source_index>(source.begin.line, 1);
    return file.string() + ":" + std::to_string(line) + ": key '" + std::string(key) + "': " + std::string(message);
  }
};

std::string join_key(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
}

std::string type_name(const toml::node& node) {
  std::ostringstream out;
  out << node.type();
  return out.str();
}

std::string comma_list(const std::vector<std::string>& items) {
  std::string list;
  for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
  return list.empty() ? "none" : list;
}

Expected<void> check_known_keys(const Context& ctx, const toml::table& table, std::string_view prefix,
                                std::initializer_list<std::string_view> known) {
  for (auto&& [key, node] : table) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    return fail(
        ctx.at(key.source(), join_key(prefix, key.str()),
               "unknown key (known: " + comma_list(std::vector<std::string>(known.begin(), known.end())) + ")"));
  }
  return outcome::success();
}

Expected<std::optional<std::string>> read_string(const Context& ctx, const toml::table& table, std::string_view prefix,
                                                 std::string_view key) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<std::string>();
  if (const auto* text = node->as_string()) return std::optional<std::string>(text->get());
  return fail(ctx.at(node->source(), join_key(prefix, key), "expected a string, got " + type_name(*node)));
}

Expected<std::string> require_string(const Context& ctx, const toml::table& table, std::string_view key) {
  auto text = read_string(ctx, table, "", key);
  if (!text) return text.error();
  if (!text.value()) return fail(ctx.at(table.source(), key, "missing (required)"));
  return *text.value();
}

/// A size: bytes as an integer, or text with a k/M/G suffix ("16M").
Expected<std::optional<std::uint64_t>> read_size(const Context& ctx, const toml::table& table, std::string_view prefix,
                                                 std::string_view key) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<std::uint64_t>();
  const auto name = join_key(prefix, key);
  if (const auto* number = node->as_integer()) {
    if (number->get() < 0) return fail(ctx.at(node->source(), name, "must not be negative"));
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(number->get()));
  }
  if (const auto* text = node->as_string()) {
    auto bytes = parse_size(text->get());
    if (!bytes) return fail(ctx.at(node->source(), name, bytes.error().message));
    return std::optional<std::uint64_t>(bytes.value());
  }
  return fail(ctx.at(node->source(), name, "expected a size (\"16M\" or bytes), got " + type_name(*node)));
}

/// The text apply_setting parses: strings as they are, integers in decimal.
Expected<std::string> setting_text(const Context& ctx, std::string_view name, const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* number = node.as_integer()) {
    if (number->get() < 0) return fail(ctx.at(node.source(), name, "must not be negative"));
    return std::to_string(number->get());
  }
  return fail(ctx.at(node.source(), name, "expected a string or an integer, got " + type_name(node)));
}

/// apply_setting's errors start with "KEY: "; the location prefix names the key already.
std::string without_key_prefix(std::string message, std::string_view key) {
  const auto prefix = std::string(key) + ": ";
  if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  return message;
}

/// Applies every key of a [bcache]-style table (except `skip`), recording key and value text.
Expected<void> apply_bcache_table(const Context& ctx, const toml::table& table, std::string_view prefix,
                                  std::initializer_list<std::string_view> skip, BcacheSettings& settings,
                                  std::vector<std::pair<std::string, std::string>>* record) {
  for (auto&& [key, node] : table) {
    if (std::find(skip.begin(), skip.end(), key.str()) != skip.end()) continue;
    const auto name = join_key(prefix, key.str());
    auto text = setting_text(ctx, name, node);
    if (!text) return text.error();
    auto applied = apply_setting(settings, key.str(), text.value());
    if (!applied) {
      return fail(ctx.at(key.source(), name, without_key_prefix(applied.error().message, key.str())));
    }
    if (record != nullptr) record->emplace_back(std::string(key.str()), text.value());
  }
  return outcome::success();
}

/// A delay of 0 in both directions means no dm-delay layer at all (has_delay() is false).
void drop_zero_delays(BcacheSettings& settings) {
  if (settings.delay_read_ms.value_or(0) == 0 && settings.delay_write_ms.value_or(0) == 0) {
    settings.delay_read_ms.reset();
    settings.delay_write_ms.reset();
  }
}

const toml::table* sub_table(const toml::table& root, std::string_view key) {
  const toml::node* node = root.get(key);
  return node == nullptr ? nullptr : node->as_table();
}

Expected<void> check_is_table(const Context& ctx, const toml::table& root, std::string_view key) {
  const toml::node* node = root.get(key);
  if (node == nullptr || node->is_table()) return outcome::success();
  return fail(ctx.at(node->source(), key, "expected a table, got " + type_name(*node)));
}

Expected<void> read_kind(const Context& ctx, const toml::table& root, Scenario& scenario) {
  auto kind = require_string(ctx, root, "kind");
  if (!kind) return kind.error();
  if (kind.value() == "race")
    scenario.kind = ScenarioKind::kRace;
  else if (kind.value() == "control")
    scenario.kind = ScenarioKind::kControl;
  else if (kind.value() == "perf")
    scenario.kind = ScenarioKind::kPerf;
  else
    return fail(ctx.at(root.get("kind")->source(), "kind", "'" + kind.value() + "' is not one of race|control|perf"));
  scenario.expected_stale = scenario.kind == ScenarioKind::kRace ? ExpectedStale::kSome : ExpectedStale::kNone;
  // Perf numbers measure bcache, not the host's page cache over the image files.
  if (scenario.kind == ScenarioKind::kPerf) scenario.settings.image_cache = "none";
  auto expected = read_string(ctx, root, "", "expected_stale");
  if (!expected) return expected.error();
  if (!expected.value()) return outcome::success();
  if (*expected.value() == "some")
    scenario.expected_stale = ExpectedStale::kSome;
  else if (*expected.value() == "none")
    scenario.expected_stale = ExpectedStale::kNone;
  else
    return fail(ctx.at(root.get("expected_stale")->source(), "expected_stale",
                       "'" + *expected.value() + "' is not one of none|some"));
  return outcome::success();
}

bool is_knob_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Expected<void> read_requires(const Context& ctx, const toml::table& root, Scenario& scenario) {
  const toml::node* node = root.get("requires");
  if (node == nullptr) return outcome::success();
  const auto* array = node->as_array();
  if (array == nullptr)
    return fail(ctx.at(node->source(), "requires", "expected an array of sysfs knob names, got " + type_name(*node)));
  for (const auto& item : *array) {
    const auto* text = item.as_string();
    if (text == nullptr || !is_knob_name(text->get())) {
      return fail(ctx.at(item.source(), "requires",
                         "each entry must be a sysfs knob name like \"congested_read_threshold_us\""));
    }
    scenario.required_knobs.push_back(text->get());
  }
  return outcome::success();
}

Expected<void> read_groups(const Context& ctx, const toml::table& root, Scenario& scenario) {
  if (const toml::node* run = root.get("run_by_default")) {
    const auto* flag = run->as_boolean();
    if (flag == nullptr)
      return fail(ctx.at(run->source(), "run_by_default", "expected true or false, got " + type_name(*run)));
    scenario.run_by_default = flag->get();
  }
  const toml::node* node = root.get("groups");
  if (node == nullptr) return outcome::success();
  const auto* array = node->as_array();
  if (array == nullptr)
    return fail(ctx.at(node->source(), "groups", "expected an array of group names, got " + type_name(*node)));
  for (const auto& item : *array) {
    const auto* text = item.as_string();
    const bool valid = text != nullptr && !text->get().empty() &&
                       text->get().find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
    if (!valid)
      return fail(ctx.at(item.source(), "groups", "each entry must be a group name of [a-z0-9-], like \"fix-eval\""));
    scenario.groups.push_back(text->get());
  }
  return outcome::success();
}

Expected<void> read_timeout(const Context& ctx, const toml::table& root, Scenario& scenario) {
  const toml::node* node = root.get("race_timeout_s");
  if (node == nullptr) return outcome::success();
  const auto* number = node->as_integer();
  if (number == nullptr)
    return fail(ctx.at(node->source(), "race_timeout_s", "expected an integer, got " + type_name(*node)));
  if (number->get() < 1 || number->get() > kMaxTimeoutS) {
    return fail(ctx.at(node->source(), "race_timeout_s", "must be between 1 and " + std::to_string(kMaxTimeoutS)));
  }
  scenario.race_timeout_s = static_cast<std::uint32_t>(number->get());
  return outcome::success();
}

Expected<void> read_min_race_windows(const Context& ctx, const toml::table& root, Scenario& scenario) {
  const toml::node* node = root.get("min_race_windows");
  if (node == nullptr) return outcome::success();
  const auto* number = node->as_integer();
  if (number == nullptr)
    return fail(ctx.at(node->source(), "min_race_windows", "expected an integer, got " + type_name(*node)));
  if (number->get() < 0) return fail(ctx.at(node->source(), "min_race_windows", "must not be negative"));
  if (scenario.kind != ScenarioKind::kRace)
    return fail(ctx.at(node->source(), "min_race_windows", "only race scenarios have race windows to count"));
  scenario.min_race_windows = static_cast<std::uint64_t>(number->get());
  return outcome::success();
}

Expected<void> read_writer_iodepth(const Context& ctx, const toml::table& root, Scenario& scenario) {
  const toml::node* node = root.get("writer_iodepth");
  if (node == nullptr) return outcome::success();
  if (scenario.kind == ScenarioKind::kPerf)
    return fail(ctx.at(node->source(), "writer_iodepth", "only race and control scenarios have a race writer"));
  const auto* number = node->as_integer();
  if (number == nullptr || number->get() < 1 || number->get() > 256)
    return fail(ctx.at(node->source(), "writer_iodepth", "expected an integer from 1 to 256"));
  scenario.writer_iodepth = static_cast<std::uint32_t>(number->get());
  return outcome::success();
}

Expected<void> read_not_exercised(const Context& ctx, const toml::table& root, Scenario& scenario) {
  auto text = read_string(ctx, root, "", "not_exercised");
  if (!text) return text.error();
  if (!text.value()) return outcome::success();
  const toml::node* node = root.get("not_exercised");
  if (scenario.kind != ScenarioKind::kRace)
    return fail(ctx.at(node->source(), "not_exercised", "only race scenarios have race windows to count"));
  if (*text.value() != "error" && *text.value() != "skip")
    return fail(ctx.at(node->source(), "not_exercised", "'" + *text.value() + "' is not one of error|skip"));
  scenario.skip_when_not_exercised = *text.value() == "skip";
  return outcome::success();
}

Expected<fs::path> read_job(const Context& ctx, const toml::table& root, std::string_view key) {
  auto text = require_string(ctx, root, key);
  if (!text) return text.error();
  const auto job = fs::absolute(ctx.file.parent_path() / text.value()).lexically_normal();
  if (!fs::is_regular_file(job)) {
    return fail(ctx.at(root.get(key)->source(), key, "job file " + job.string() + " does not exist"));
  }
  return job;
}

/// A key the scenario's kind does not use is refused, so a typo in `kind` cannot silently
/// run a different workload than the file describes.
Expected<void> refuse_key(const Context& ctx, const toml::table& root, std::string_view key, std::string_view why) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return outcome::success();
  return fail(ctx.at(node->source(), key, why));
}

Expected<void> read_race_job(const Context& ctx, const toml::table& root, Scenario& scenario) {
  for (auto key : {"perf_job", "perf"}) {
    if (auto refused = refuse_key(ctx, root, key, "only perf scenarios (kind = \"perf\") have it"); !refused)
      return refused;
  }
  auto job = read_job(ctx, root, "race_job");
  if (!job) return job.error();
  scenario.race_job = job.value();
  return outcome::success();
}

Expected<std::uint32_t> read_seconds(const Context& ctx, const toml::table& table, std::string_view prefix,
                                     std::string_view key, std::uint32_t fallback, std::int64_t min) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  const auto name = join_key(prefix, key);
  const auto* number = node->as_integer();
  if (number == nullptr)
    return fail(ctx.at(node->source(), name, "expected an integer (seconds), got " + type_name(*node)));
  if (number->get() < min || number->get() > kMaxTimeoutS) {
    return fail(ctx.at(node->source(), name,
                       "must be between " + std::to_string(min) + " and " + std::to_string(kMaxTimeoutS)));
  }
  return static_cast<std::uint32_t>(number->get());
}

/// The keys of a [perf] table (at `prefix`) over `perf`.
Expected<void> read_perf_table(const Context& ctx, const toml::table& table, std::string_view prefix,
                               PerfPhases& perf) {
  if (auto known = check_known_keys(ctx, table, prefix, {"warmup_s", "runtime_s", "writers"}); !known) return known;
  auto warmup = read_seconds(ctx, table, prefix, "warmup_s", perf.warmup_s, 0);
  if (!warmup) return warmup.error();
  auto runtime = read_seconds(ctx, table, prefix, "runtime_s", perf.runtime_s, 1);
  if (!runtime) return runtime.error();
  perf.warmup_s = warmup.value();
  perf.runtime_s = runtime.value();
  if (const toml::node* node = table.get("writers")) {
    const auto* number = node->as_integer();
    if (number == nullptr || number->get() < 1 || number->get() > 256)
      return fail(ctx.at(node->source(), join_key(prefix, "writers"), "expected an integer from 1 to 256"));
    perf.writers = static_cast<std::uint32_t>(number->get());
  }
  return outcome::success();
}

Expected<void> read_perf_jobs(const Context& ctx, const toml::table& root, Scenario& scenario) {
  auto refused = refuse_key(ctx, root, "race_job", "perf scenarios run perf_job, not a race");
  if (!refused) return refused;
  auto job = read_job(ctx, root, "perf_job");
  if (!job) return job.error();
  scenario.perf_job = job.value();
  scenario.expected_stale = ExpectedStale::kNone;
  const toml::table* table = sub_table(root, "perf");
  if (table == nullptr) return outcome::success();
  return read_perf_table(ctx, *table, "perf", scenario.perf);
}

Expected<void> read_region(const Context& ctx, const toml::table& root, Region& region) {
  const toml::table* table = sub_table(root, "region");
  if (table == nullptr) return outcome::success();
  auto known = check_known_keys(ctx, *table, "region", {"write_offset", "write_size", "read_offset", "read_size"});
  if (!known) return known;
  for (auto [key, field] :
       {std::pair{"write_offset", &region.write_offset}, std::pair{"write_size", &region.write_size},
        std::pair{"read_offset", &region.read_offset}, std::pair{"read_size", &region.read_size}}) {
    auto bytes = read_size(ctx, *table, "region", key);
    if (!bytes) return bytes.error();
    if (!bytes.value()) continue;
    const bool is_size = std::string_view(key).ends_with("size");
    if (*bytes.value() % kBlock != 0 || (is_size && *bytes.value() == 0)) {
      return fail(ctx.at(table->get(key)->source(), join_key("region", key),
                         is_size ? "must be a non-zero multiple of 4 KiB" : "must be a multiple of 4 KiB"));
    }
    *field = *bytes.value();
  }
  return outcome::success();
}

Expected<ScenarioVariant> read_variant(const Context& ctx, const toml::key& name, const toml::node& node,
                                       const Scenario& scenario) {
  const auto prefix = join_key("variants", name.str());
  const auto* table = node.as_table();
  if (table == nullptr)
    return fail(ctx.at(node.source(), prefix, "expected a table of [bcache] overrides, got " + type_name(node)));
  if (name.str().empty() || name.str().find_first_of(":/ ") != std::string_view::npos) {
    return fail(ctx.at(name.source(), prefix, "a variant name must not be empty or contain ':', '/' or spaces"));
  }
  ScenarioVariant variant{std::string(name.str()), "", {}};
  auto description = read_string(ctx, *table, prefix, "description");
  if (!description) return description.error();
  variant.description = description.value().value_or("");
  BcacheSettings scratch = scenario.settings;  // checks every variant's keys, selected or not
  auto applied = apply_bcache_table(ctx, *table, prefix, {"description", "perf"}, scratch, &variant.settings);
  if (!applied) return applied.error();
  if (const toml::node* perf = table->get("perf")) {
    if (scenario.kind != ScenarioKind::kPerf)
      return fail(ctx.at(perf->source(), join_key(prefix, "perf"), "only perf scenarios (kind = \"perf\") have it"));
    if (perf->as_table() == nullptr)
      return fail(ctx.at(perf->source(), join_key(prefix, "perf"), "expected a table, got " + type_name(*perf)));
    variant.perf = scenario.perf;
    if (auto read = read_perf_table(ctx, *perf->as_table(), join_key(prefix, "perf"), *variant.perf); !read)
      return read.error();
  }
  return variant;
}

Expected<void> read_variants(const Context& ctx, const toml::table& root, Scenario& scenario) {
  const toml::table* table = sub_table(root, "variants");
  if (table == nullptr) return outcome::success();
  std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order;  // toml++ sorts keys by name
  for (auto&& [name, node] : *table) in_file_order.emplace_back(&name, &node);
  std::stable_sort(in_file_order.begin(), in_file_order.end(), [](const auto& a, const auto& b) {
    return a.first->source().begin.line < b.first->source().begin.line;
  });
  for (const auto& [name_ptr, node_ptr] : in_file_order) {
    const auto& name = *name_ptr;
    const auto& node = *node_ptr;
    auto variant = read_variant(ctx, name, node, scenario);
    if (!variant) return variant.error();
    scenario.variants.push_back(std::move(variant).value());
  }
  return outcome::success();
}

Expected<void> select_variant(const Context& ctx, const toml::table& root, std::string_view wanted,
                              Scenario& scenario) {
  if (wanted.empty()) return outcome::success();
  std::vector<std::string> known;
  for (const auto& variant : scenario.variants) {
    if (variant.name != wanted) {
      known.push_back(variant.name);
      continue;
    }
    for (const auto& [key, value] : variant.settings) {
      if (!apply_setting(scenario.settings, key, value)) return fail("unreachable: variant key checked at load");
    }
    if (variant.perf) scenario.perf = *variant.perf;
    scenario.variant = variant.name;
    return outcome::success();
  }
  const toml::node* variants = root.get("variants");
  return fail(ctx.at(variants != nullptr ? variants->source() : root.source(), "variants",
                     "unknown variant '" + std::string(wanted) + "' (known: " + comma_list(known) + ")"));
}

Expected<void> read_settings(const Context& ctx, const toml::table& root, std::string_view variant,
                             Scenario& scenario) {
  const toml::table* bcache = sub_table(root, "bcache");
  if (bcache != nullptr) {
    auto applied = apply_bcache_table(ctx, *bcache, "bcache", {}, scenario.settings, nullptr);
    if (!applied) return applied;
  }
  auto variants = read_variants(ctx, root, scenario);
  if (!variants) return variants;
  auto selected = select_variant(ctx, root, variant, scenario);
  if (!selected) return selected;
  drop_zero_delays(scenario.settings);
  const auto& where = bcache != nullptr ? bcache->source() : root.source();
  if (auto valid = validate(scenario.settings); !valid) return fail(ctx.at(where, "bcache", valid.error().message));
  return outcome::success();
}

Expected<void> check_region_fits(const Context& ctx, const toml::table& root, const Scenario& scenario) {
  const auto end = scenario.region.fill_offset() + scenario.region.fill_size();
  if (end <= scenario.settings.backing_bytes) return outcome::success();
  const toml::node* region = root.get("region");
  return fail(ctx.at(region != nullptr ? region->source() : root.source(), "region",
                     "the ranges end at byte " + std::to_string(end) + ", beyond backing_size " +
                         std::to_string(scenario.settings.backing_bytes)));
}

Expected<void> read_top_level(const Context& ctx, const toml::table& root, Scenario& scenario) {
  auto known = check_known_keys(ctx, root, "",
                                {"description", "kind", "expected_stale", "requires", "race_timeout_s",
                                 "min_race_windows", "not_exercised", "writer_iodepth", "groups", "run_by_default",
                                 "fill_job", "race_job", "perf_job", "perf", "region", "bcache", "variants"});
  if (!known) return known;
  for (auto key : {"region", "bcache", "variants", "perf"}) {
    if (auto table = check_is_table(ctx, root, key); !table) return table;
  }
  auto description = require_string(ctx, root, "description");
  if (!description) return description.error();
  scenario.description = description.value();
  for (auto step : {read_kind, read_requires, read_groups, read_timeout, read_min_race_windows, read_not_exercised,
                    read_writer_iodepth}) {
    if (auto read = step(ctx, root, scenario); !read) return read;
  }
  if (scenario.kind != ScenarioKind::kPerf || root.get("fill_job") != nullptr) {  // a perf scenario may skip the fill
    auto fill = read_job(ctx, root, "fill_job");
    if (!fill) return fill.error();
    scenario.fill_job = fill.value();
  }
  auto jobs =
      scenario.kind == ScenarioKind::kPerf ? read_perf_jobs(ctx, root, scenario) : read_race_job(ctx, root, scenario);
  if (!jobs) return jobs;
  return read_region(ctx, root, scenario.region);
}

Expected<toml::table> parse_toml(std::string_view text, const fs::path& path) {
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& error) {
    return fail(path.string() + ":" + std::to_string(error.source().begin.line) + ": " +
                std::string(error.description()));
  }
}

std::pair<std::string_view, std::string_view> split_variant(std::string_view spec) {
  const auto colon = spec.rfind(':');
  if (colon == std::string_view::npos || spec.substr(colon).find('/') != std::string_view::npos) return {spec, ""};
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

bool looks_like_path(std::string_view name) {
  return name.find('/') != std::string_view::npos || name.ends_with(".toml");
}

}  // namespace

std::string scenario_kind_name(ScenarioKind kind) {
  switch (kind) {
    case ScenarioKind::kRace: return "race";
    case ScenarioKind::kControl: return "control";
    case ScenarioKind::kPerf: return "perf";
  }
  return "race";
}

std::string expected_stale_name(ExpectedStale expected) { return expected == ExpectedStale::kSome ? "some" : "none"; }

std::uint64_t Region::fill_offset() const { return std::min(write_offset, read_offset); }

std::uint64_t Region::fill_size() const {
  return std::max(write_offset + write_size, read_offset + read_size) - fill_offset();
}

std::string Scenario::full_name() const { return variant.empty() ? name : name + ":" + variant; }

Expected<Scenario> load_scenario_file(const fs::path& path, std::string_view variant) {
  if (!fs::is_regular_file(path)) return fail(path.string() + ": no such scenario file");
  auto text = read_file(path);
  if (!text) return text.error();
  return load_scenario_text(text.value(), path, variant);
}

Expected<Scenario> load_scenario_text(std::string_view text, const fs::path& path, std::string_view variant) {
  const Context ctx{fs::absolute(path).lexically_normal()};
  auto root = parse_toml(text, ctx.file);
  if (!root) return root.error();
  Scenario scenario;
  scenario.name = ctx.file.stem().string();
  scenario.source = ctx.file;
  if (auto top = read_top_level(ctx, root.value(), scenario); !top) return top.error();
  if (auto settings = read_settings(ctx, root.value(), variant, scenario); !settings) return settings.error();
  if (auto fits = check_region_fits(ctx, root.value(), scenario); !fits) return fits.error();
  return scenario;
}

Expected<Scenario> resolve_scenario(std::string_view name_or_path, const fs::path& jobs_dir) {
  const auto [name, variant] = split_variant(name_or_path);
  if (name.empty()) return fail("scenario '" + std::string(name_or_path) + "': empty name");
  if (variant.empty() && name.size() != name_or_path.size()) {
    return fail("scenario '" + std::string(name_or_path) + "': empty variant after ':'");
  }
  if (looks_like_path(name)) return load_scenario_file(fs::path(name), variant);
  const auto file = jobs_dir / (std::string(name) + ".toml");
  if (!fs::is_regular_file(file)) {
    return fail("unknown scenario '" + std::string(name) + "' in " + jobs_dir.string() +
                " (known: " + comma_list(shipped_scenarios(jobs_dir)) + ")");
  }
  return load_scenario_file(file, variant);
}

namespace {

/// Every scenario file of jobs_dir, loaded (or why it did not load), by kind then name.
std::vector<std::pair<std::string, Expected<Scenario>>> scenario_files(const fs::path& jobs_dir) {
  std::vector<std::pair<std::string, Expected<Scenario>>> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(jobs_dir, error)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".toml") continue;
    files.emplace_back(entry.path().stem().string(), load_scenario_file(entry.path()));
  }
  const auto kind = [](const Expected<Scenario>& scenario) {
    return scenario ? scenario.value().kind : ScenarioKind::kRace;
  };
  std::sort(files.begin(), files.end(), [&](const auto& a, const auto& b) {
    return std::pair(kind(a.second), a.first) < std::pair(kind(b.second), b.first);
  });
  return files;
}

}  // namespace

std::vector<std::string> shipped_scenarios(const fs::path& jobs_dir) {
  std::vector<std::string> names;
  for (const auto& [name, scenario] : scenario_files(jobs_dir)) {
    if (!scenario || scenario.value().run_by_default) names.push_back(name);
  }
  return names;
}

Expected<std::vector<std::string>> scenario_group(std::string_view group, const fs::path& jobs_dir) {
  std::vector<std::string> names;
  std::set<std::string> known;
  for (const auto& [name, scenario] : scenario_files(jobs_dir)) {
    if (!scenario) return fail("group @" + std::string(group) + ": " + scenario.error().message);
    known.insert(scenario.value().groups.begin(), scenario.value().groups.end());
    const auto& groups = scenario.value().groups;
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) continue;
    names.push_back(name);
    for (const auto& variant : scenario.value().variants) names.push_back(name + ":" + variant.name);
  }
  if (names.empty()) {
    return fail("no scenario in " + jobs_dir.string() + " belongs to group @" + std::string(group) +
                " (known groups: " + comma_list(std::vector<std::string>(known.begin(), known.end())) + ")");
  }
  return names;
}

fs::path default_jobs_dir() {
  if (const char* dir = std::getenv("BH_JOBS_DIR"); dir != nullptr && *dir != '\0') return dir;
  return BH_SOURCE_JOBS_DIR;
}

}  // namespace bh
