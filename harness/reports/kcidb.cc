#include "harness/reports/kcidb.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string_view>
#include <utility>

namespace bh {
namespace {

using Json = nlohmann::json;

/// The value under `key`, or null when `object` is no object or lacks it.
const Json& at(const Json& object, const std::string& key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

/// The array under `key`, or an empty one.
const Json& array_at(const Json& object, const std::string& key) {
  static const Json kEmpty = Json::array();
  const auto& value = at(object, key);
  return value.is_array() ? value : kEmpty;
}

std::string text_at(const Json& object, const std::string& key) {
  const auto& value = at(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

/// Copies what `from` holds under `keys` into `to`, leaving nulls out (KCIDB allows none).
void copy_present(const Json& from, std::initializer_list<const char*> keys, Json& to) {
  for (const char* key : keys) {
    const auto& value = at(from, key);
    if (!value.is_null()) to[key] = value;
  }
}

bool is_ascii_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// KCIDB's origin: [a-z0-9_]+.
bool is_origin(std::string_view text) {
  const auto lower_word = [](char c) { return is_ascii_word(c) && !(c >= 'A' && c <= 'Z'); };
  return !text.empty() && std::all_of(text.begin(), text.end(), lower_word);
}

/// A non-empty KCIDB test path: dot-separated components of [a-zA-Z0-9_-]+.
bool is_test_path(const std::string& text) {
  static const std::regex kPath("[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*");
  return std::regex_match(text, kPath);
}

/// `text` fit for a test path component and readable in an id: every character but an
/// ASCII letter, digit or '_' made '_' ("fix-eval-memory-size:1t" -> "fix_eval_memory_size_1t").
std::string slug(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return !is_ascii_word(c); }, '_');
  return out;
}

/// Whether `key` is a part of a sum `timing` also holds ("trace_arm" beside "trace").
bool is_part_of_sum(const Json& timing, const std::string& key) {
  for (auto pos = key.find('_'); pos != std::string::npos; pos = key.find('_', pos + 1)) {
    if (timing.contains(key.substr(0, pos))) return true;
  }
  return false;
}

/// The seconds a "timing_s" object adds up to, each phase once: the sums it holds ("trace",
/// "memory_trace") stand for their parts ("trace_arm", "memory_trace_start"). None without one.
std::optional<double> timing_seconds(const Json& timing) {
  if (!timing.is_object()) return std::nullopt;
  double sum = 0;
  for (const auto& [key, value] : timing.items()) {
    if (value.is_number() && !is_part_of_sum(timing, key)) sum += value.get<double>();
  }
  return sum;
}

/// A run's seconds: its own phases and its power cuts'.
std::optional<double> run_seconds(const Json& run) {
  auto total = timing_seconds(at(run, "timing_s"));
  for (const auto& cut : array_at(run, "power_cuts")) {
    if (const auto cut_s = timing_seconds(at(cut, "timing_s"))) total = total.value_or(0) + *cut_s;
  }
  return total;
}

/// provenance.started_at when it is an RFC 3339 time (KCIDB's "date-time").
std::optional<std::string> started_at(const Json& summary) {
  static const std::regex kRfc3339("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");
  auto text = text_at(at(summary, "provenance"), "started_at");
  if (!std::regex_match(text, kRfc3339)) return std::nullopt;
  return text;
}

/// Where a run's tests ran: the accelerator and the host's tools, when the summary says.
Json environment(const Json& summary, const Json& run) {
  Json misc = Json::object();
  copy_present(at(summary, "provenance"), {"harness_version", "qemu_version", "fio_version", "host_cpu"}, misc);
  copy_present(summary, {"accel"}, misc);
  copy_present(run, {"accel"}, misc);
  return misc.empty() ? Json() : Json{{"misc", std::move(misc)}};
}

/// A measurement of a perf run, reported as a DONE test below the run's.
struct Metric {
  const char* component;  ///< last component of its test's path
  const char* where;      ///< its keys in the run, '/'-separated
  const char* unit;
  const char* prefix;  ///< KCIDB's display scaling: "metric", "binary", or "" for none
};

/// The metrics; the first of the first kMainMetrics a run has is also the run test's number.
constexpr Metric kMetrics[] = {
    {"latency_us_read_p99", "latency_us/read/p99", "us", ""},
    {"iops_read", "iops/read", "IOPS", "metric"},
    {"latency_us_write_p99", "latency_us/write/p99", "us", ""},
    {"iops_write", "iops/write", "IOPS", "metric"},
    {"bcache_memory_peak_minus_baseline_bytes", "bcache_memory/peak_minus_baseline_bytes", "B", "binary"},
};
constexpr std::size_t kMainMetrics = 4;

/// The metric's value in `run`: a number there, or the "mean" of an object there.
std::optional<double> metric_value(const Json& run, const Metric& metric) {
  const Json* value = &run;
  std::string_view where = metric.where;
  for (auto slash = where.find('/'); !where.empty(); slash = where.find('/')) {
    value = &at(*value, std::string(where.substr(0, slash)));
    where = slash == std::string_view::npos ? std::string_view() : where.substr(slash + 1);
  }
  if (value->is_object()) value = &at(*value, "mean");
  if (!value->is_number()) return std::nullopt;
  return value->get<double>();
}

Json kcidb_number(double value, const Metric& metric) {
  Json number = {{"value", value}, {"unit", metric.unit}};
  if (*metric.prefix != '\0') number["prefix"] = metric.prefix;
  return number;
}

/// A perf run's own number: the first of the first kMainMetrics it has.
std::optional<Json> main_number(const Json& run) {
  for (std::size_t i = 0; i < kMainMetrics; ++i) {
    if (const auto value = metric_value(run, kMetrics[i])) return kcidb_number(*value, kMetrics[i]);
  }
  return std::nullopt;
}

/// A kernel's name and the ids of its checkout and build.
struct Kernel {
  std::string name;
  std::string slug;
  std::string checkout_id;
  std::string build_id;
};

/// The kernel's source: no git (a packaged kernel has none), its release as the comment.
Json checkout_object(const Kernel& kernel, const Json& summary, const std::string& origin) {
  const auto& info = at(summary, "kernel");
  Json checkout = {{"id", kernel.checkout_id}, {"origin", origin}, {"valid", true}};
  checkout["misc"] = {{"kernel_name", kernel.name}};
  copy_present(info, {"spec", "release"}, checkout["misc"]);
  if (const auto release = text_at(info, "release"); !release.empty()) checkout["comment"] = release;
  if (const auto start = started_at(summary)) checkout["start_time"] = *start;
  return checkout;
}

/// The kernel as the harness resolved it from its spec: a build that PASSed (it was there to test).
Json build_object(const Kernel& kernel, const Json& summary, const std::string& origin) {
  const auto& info = at(summary, "kernel");
  Json build = {{"id", kernel.build_id},
                {"checkout_id", kernel.checkout_id},
                {"origin", origin},
                {"architecture", "x86_64"},
                {"status", "PASS"},
                {"comment", "the kernel bcache-harness resolved from the spec in config_name"},
                {"misc", {{"kernel_name", kernel.name}}}};
  if (const auto spec = text_at(info, "spec"); !spec.empty()) build["config_name"] = spec;
  copy_present(info, {"release"}, build["misc"]);
  return build;
}

/// One run and what all its tests share.
struct RunRef {
  const Kernel& kernel;
  const Json& run;
  std::string scenario;
  std::string kind;
  std::string id_stem;  ///< "test_KERNEL_SCENARIO_run_N"
  std::string path;     ///< "ROOT.SCENARIO.run_N"
  Json common;          ///< build_id, origin, start_time, environment
};

/// Collects the objects of a document, source by source.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(const KcidbOptions& options) : options_(options) {}

  Expected<void> add(const KcidbSource& source);
  Expected<Json> finish();

 private:
  std::string id(const std::string& name) const;
  Kernel kernel(const std::string& name) const;
  Expected<void> add_kernel(const Kernel& kernel, const Json& summary);
  Expected<void> add_scenario(const Kernel& kernel, const Json& summary, const Json& scenario);
  void add_run(const RunRef& ref);
  void add_metric_tests(const RunRef& ref);
  void add_power_cut_tests(const RunRef& ref);
  Json test(const RunRef& ref, const std::string& component, const std::string& status) const;

  const KcidbOptions& options_;
  std::map<std::string, std::string> kernel_specs_;  ///< kernel name -> spec
  Json checkouts_ = Json::array();
  Json builds_ = Json::array();
  Json tests_ = Json::array();
};

std::string DocumentBuilder::id(const std::string& name) const {
  return options_.origin + ":" + name + (options_.id_suffix.empty() ? "" : "_" + options_.id_suffix);
}

Kernel DocumentBuilder::kernel(const std::string& name) const {
  const auto kernel_slug = slug(name);
  return {name, kernel_slug, id("checkout_" + kernel_slug), id("build_" + kernel_slug)};
}

Expected<void> DocumentBuilder::add(const KcidbSource& source) {
  if (source.kernel_name.empty()) return fail("KCIDB export: a summary without a kernel name");
  if (!at(source.summary, "scenarios").is_array()) {
    return fail("KCIDB export: the summary of kernel '" + source.kernel_name + "' has no \"scenarios\"");
  }
  const auto named = kernel(source.kernel_name);
  if (auto added = add_kernel(named, source.summary); !added) return added;
  for (const auto& scenario : array_at(source.summary, "scenarios")) {
    if (auto added = add_scenario(named, source.summary, scenario); !added) return added;
  }
  return outcome::success();
}

/// The kernel's checkout and build, once per kernel name.
Expected<void> DocumentBuilder::add_kernel(const Kernel& kernel, const Json& summary) {
  const auto spec = text_at(at(summary, "kernel"), "spec");
  const auto [known, inserted] = kernel_specs_.emplace(kernel.name, spec);
  if (!inserted && known->second != spec) {
    return fail("KCIDB export: kernel name '" + kernel.name + "' given to two kernels: '" + known->second + "' and '" +
                spec + "'");
  }
  if (!inserted) return outcome::success();
  checkouts_.push_back(checkout_object(kernel, summary, options_.origin));
  builds_.push_back(build_object(kernel, summary, options_.origin));
  return outcome::success();
}

Expected<void> DocumentBuilder::add_scenario(const Kernel& kernel, const Json& summary, const Json& scenario) {
  const auto name = text_at(scenario, "name");
  if (name.empty())
    return fail("KCIDB export: a scenario without a name in the summary of kernel '" + kernel.name + "'");
  const auto& runs = array_at(scenario, "runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto run_n = "run_" + std::to_string(i + 1);
    RunRef ref{kernel,
               runs[i],
               name,
               text_at(scenario, "kind"),
               "test_" + kernel.slug + "_" + slug(name) + "_" + run_n,
               options_.test_root + "." + slug(name) + "." + run_n,
               {{"build_id", kernel.build_id}, {"origin", options_.origin}}};
    if (const auto start = started_at(summary)) ref.common["start_time"] = *start;
    if (auto where = environment(summary, runs[i]); !where.is_null()) ref.common["environment"] = std::move(where);
    add_run(ref);
  }
  return outcome::success();
}

/// A test of `ref`'s run: the run's own (`component` empty) or one below it.
Json DocumentBuilder::test(const RunRef& ref, const std::string& component, const std::string& status) const {
  Json test = ref.common;
  test["id"] = id(component.empty() ? ref.id_stem : ref.id_stem + "_" + component);
  test["path"] = component.empty() ? ref.path : ref.path + "." + component;
  test["status"] = status;
  return test;
}

void DocumentBuilder::add_run(const RunRef& ref) {
  const auto status = kcidb_status(text_at(ref.run, "status"), ref.kind);
  Json run_test = test(ref, "", status);
  if (const auto seconds = run_seconds(ref.run)) run_test["duration"] = *seconds;
  run_test["misc"] = {{"kernel_name", ref.kernel.name}, {"scenario", ref.scenario}, {"kind", ref.kind}};
  copy_present(ref.run,
               {"seed", "reason", "stale_blocks", "blocks_checked", "race_windows", "stale_inserts", "run_dir"},
               run_test["misc"]);
  const bool measured = status == "DONE";
  if (auto number = main_number(ref.run); measured && number) run_test["number"] = std::move(*number);
  tests_.push_back(std::move(run_test));
  if (measured) add_metric_tests(ref);
  add_power_cut_tests(ref);
}

void DocumentBuilder::add_metric_tests(const RunRef& ref) {
  for (const auto& metric : kMetrics) {
    const auto value = metric_value(ref.run, metric);
    if (!value) continue;
    Json metric_test = test(ref, metric.component, "DONE");
    metric_test["number"] = kcidb_number(*value, metric);
    tests_.push_back(std::move(metric_test));
  }
}

void DocumentBuilder::add_power_cut_tests(const RunRef& ref) {
  const auto& cuts = array_at(ref.run, "power_cuts");
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const auto& index = at(cuts[i], "index");
    const auto number = index.is_number_unsigned() ? index.dump() : std::to_string(i + 1);
    Json cut_test = test(ref, "power_cut_" + number, kcidb_status(text_at(cuts[i], "status"), "power_cut"));
    if (const auto seconds = timing_seconds(at(cuts[i], "timing_s"))) cut_test["duration"] = *seconds;
    cut_test["misc"] = {{"kernel_name", ref.kernel.name}, {"scenario", ref.scenario}};
    copy_present(cuts[i],
                 {"index", "at_s", "method", "after_race", "acknowledged_writes", "in_flight_writes",
                  "stale_blocks_after_power_cut", "torn_blocks", "lost_writes", "registered", "reason"},
                 cut_test["misc"]);
    tests_.push_back(std::move(cut_test));
  }
}

/// The first id two objects of one kind share, if any (KCIDB would merge them into one).
std::optional<std::string> duplicate_id(const Json& objects) {
  std::set<std::string> seen;
  for (const auto& object : objects) {
    if (!seen.insert(object.at("id").get<std::string>()).second) return object.at("id").get<std::string>();
  }
  return std::nullopt;
}

Expected<Json> DocumentBuilder::finish() {
  for (const auto* objects : {&checkouts_, &builds_, &tests_}) {
    if (const auto duplicate = duplicate_id(*objects)) {
      return fail("KCIDB export: two objects would have the id '" + *duplicate +
                  "' (the same kernel name, scenario and run twice? give each an id suffix)");
    }
  }
  return Json{{"version", {{"major", 5}, {"minor", 3}}},
              {"checkouts", std::move(checkouts_)},
              {"builds", std::move(builds_)},
              {"tests", std::move(tests_)}};
}

}  // namespace

Expected<nlohmann::json> kcidb_document(const std::vector<KcidbSource>& sources, const KcidbOptions& options) {
  if (!is_origin(options.origin)) {
    return fail("KCIDB export: origin '" + options.origin + "' is not [a-z0-9_]+");
  }
  if (!is_test_path(options.test_root)) {
    return fail("KCIDB export: test root '" + options.test_root +
                "' is not a KCIDB path ([a-zA-Z0-9_-]+, dot-separated)");
  }
  DocumentBuilder builder(options);
  for (const auto& source : sources) {
    if (auto added = builder.add(source); !added) return fail(added.error().message);
  }
  return builder.finish();
}

std::string kcidb_status(const std::string& harness_status, const std::string& kind) {
  if (harness_status == "PASS") return kind == "perf" ? "DONE" : "PASS";
  if (harness_status == "FAIL" || harness_status == "ERROR" || harness_status == "SKIP") return harness_status;
  return "ERROR";
}

}  // namespace bh
