#include "harness/reports/junit.h"

#include <charconv>

#include "harness/reports/report_model.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;

/// What a suite counts.
struct Counts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  double time_s = 0;

  std::string attributes() const;
};

std::string seconds(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 3);
  return std::string(buffer, end);
}

std::string Counts::attributes() const {
  return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds(time_s) + "\"";
}

/// The sum of the numbers in a "timing_s" object.
double timing_sum(const Json& timing) {
  double sum = 0;
  if (!timing.is_object()) return sum;
  for (const auto& [phase, value] : timing.items()) {
    if (value.is_number()) sum += value.get<double>();
  }
  return sum;
}

double run_seconds(const Json& run) {
  double sum = timing_sum(json_at(run, "timing_s"));
  const auto& cuts = json_at(run, "power_cuts");
  if (!cuts.is_array()) return sum;
  for (const auto& cut : cuts) sum += timing_sum(json_at(cut, "timing_s"));
  return sum;
}

std::string text_at(const Json& object, const std::string& key, const std::string& otherwise) {
  const auto& value = json_at(object, key);
  return value.is_string() ? value.get<std::string>() : otherwise;
}

/// The run's harness errors as lines after its reason, so a FAIL never hides them ("" when
/// there are none beyond the reason itself).
std::string errors_text(const Json& run) {
  const auto& errors = json_at(run, "errors");
  if (!errors.is_array()) return "";
  const std::string reason = text_at(run, "reason", "");
  std::string text;
  for (const auto& error : errors) {
    if (error.is_string() && error.get<std::string>() != reason)
      text += "\nharness error: " + xml_escape(error.get<std::string>());
  }
  return text;
}

/// The outcome element of a run that did not pass ("" for PASS), counting it in `counts`.
std::string outcome_xml(const Json& run, Counts& counts) {
  const std::string status = text_at(run, "status", "(none)");
  const std::string reason = xml_escape(text_at(run, "reason", status));
  if (status == "PASS") return "";
  if (status == "SKIP") {
    ++counts.skipped;
    return "      <skipped message=\"" + reason + "\"/>\n";
  }
  const bool failed = status == "FAIL";
  ++(failed ? counts.failures : counts.errors);
  const std::string tag = failed ? "failure" : "error";
  const std::string message = failed || status == "ERROR" ? reason : xml_escape("unknown status " + status);
  return "      <" + tag + " message=\"" + message + "\" type=\"" + xml_escape(status) + "\">" + reason +
         errors_text(run) + "</" + tag + ">\n";
}

std::string testcase_xml(const SummaryRun& ref, Counts& counts) {
  const auto& seed = json_at(ref.run, "seed");
  const std::string name =
      "run-" + std::to_string(ref.index + 1) + "-seed-" + (seed.is_number_integer() ? seed.dump() : "unknown");
  const double time_s = run_seconds(ref.run);
  ++counts.tests;
  counts.time_s += time_s;
  std::string body = outcome_xml(ref.run, counts);
  if (const auto& dir = json_at(ref.run, "run_dir"); dir.is_string()) {
    body += "      <system-out>run directory: " + xml_escape(dir.get<std::string>()) + "</system-out>\n";
  }
  return "    <testcase classname=\"" + xml_escape("bcache-harness." + ref.scenario) + "\" name=\"" + xml_escape(name) +
         "\" time=\"" + seconds(time_s) + "\"" + (body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n");
}

}  // namespace

std::string render_junit(const Json& summary) {
  Counts total;
  std::string suites;
  for_each_scenario(summary, [&](const std::string& scenario, const Json& object) {
    Counts counts;
    std::string cases;
    const auto& runs = json_at(object, "runs");
    for (std::size_t i = 0; runs.is_array() && i < runs.size(); ++i) {
      cases += testcase_xml({scenario, i, runs[i]}, counts);
    }
    suites += "  <testsuite name=\"" + xml_escape(scenario) + "\"" + counts.attributes() +
              (cases.empty() ? "/>\n" : ">\n" + cases + "  </testsuite>\n");
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
    total.time_s += counts.time_s;
  });
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bcache-harness\"" + total.attributes() +
         ">\n" + suites + "</testsuites>\n";
}

}  // namespace bh::analysis
