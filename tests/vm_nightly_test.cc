// Two nights of `bcache-harness nightly` end to end (ctest label `vm`): a 2-kernel x
// 3-scenario matrix on debian:stock under TCG, the candidate kernel a module that drops
// read-miss inserts on night 1 (the race cannot leave stale data) and an unfixed module on
// night 2. Night 2 and `history` exit 1 naming the new FAIL; the database holds both nights;
// trend.html's plots render in headless Chromium; kcidb.json validates against KCIDB's v5.3
// schema. Then a night killed with SIGKILL mid-run leaves a database that opens and holds
// every run it finished.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "harness/history/history_db.h"
#include "tests/vm_test_support.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

void write_matrix(const fs::path& file, const std::string& candidate_spec) {
  std::ofstream(file) << "seed = 1\nperf_runtime_s = 3\n"
                         "scenarios = [\"race-seq-bypass\", \"control-disjoint\", \"perf-randread\"]\n"
                         "[[kernels]]\nname = \"stock\"\nspec = \"debian:stock\"\n"
                         "[[kernels]]\nname = \"candidate\"\nspec = \""
                      << candidate_spec << "\"\n";
}

std::vector<std::string> nightly_args(const fs::path& dir, const std::string& night) {
  return {"nightly",
          "--accel",
          "tcg",
          "--matrix",
          (dir / (night + ".toml")).string(),
          "--db",
          (dir / "history.db").string(),
          "--out",
          (dir / night).string(),
          "--night",
          night};
}

/// Validates `document` against KCIDB's v5.3 schema; the validator's errors, joined.
std::string kcidb_errors(const Json& document) {
  const auto schema_text = read_file(fs::path(BH_SOURCE_DIR) / "tests/fixtures/kcidb/v05_03.schema.json");
  if (!schema_text) return schema_text.error().message;
  const Json schema_json = Json::parse(schema_text.value());
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::string errors;
  if (!validator.validate(schema, target, &results)) {
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      std::string path;
      for (const auto& part : error.context) path += part;
      errors += path + ": " + error.description + "\n";
    }
  }
  return errors;
}

/// Opens trend.html in headless Chromium and counts, from inside the page, the plots whose
/// SVG is laid out (non-zero size) and draws something.
Json chromium_plot_check(const fs::path& html_file, const fs::path& work) {
  auto html = read_file(html_file);
  if (!html) return Json();
  std::string page = html.value();
  page.insert(page.rfind("</body>"), R"(<pre id="bh-check"></pre><script>
window.addEventListener('load', () => {
  const figures = [...document.querySelectorAll('figure.plot')];
  const drawn = figures.filter(f => { const s = f.querySelector('svg'); if (!s) return false;
    const r = s.getBoundingClientRect(); return r.width > 100 && r.height > 50 &&
    s.querySelectorAll('path, polyline, line').length > 0; });
  document.getElementById('bh-check').textContent = JSON.stringify({figures: figures.length, drawn: drawn.length,
    new_fail: !!document.querySelector('li.new-fail')});
});
</script>)");
  const auto checked = work / "trend-checked.html";
  (void)write_file_atomically(checked, page);
  SystemProcessRunner runner;
  auto result = runner.run(
      {.argv = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + (work / "profile").string(), "--dump-dom", "file://" + checked.string()},
       .stdout_file = work / "dom.html",
       .timeout = 120s});
  if (!result || result.value().exit_code != 0) return Json();
  const auto dom_text = read_file(work / "dom.html");
  const std::string dom = dom_text ? dom_text.value() : "";
  const auto start = dom.find("<pre id=\"bh-check\">");
  if (start == std::string::npos) return Json();
  const auto text_start = dom.find('>', start) + 1;
  return Json::parse(dom.substr(text_start, dom.find("</pre>", text_start) - text_start), nullptr, false);
}

TEST(Nightly, TwoNightsFlagTheCandidatesNewFailAndPublishTrendAndKcidb) {
  auto fixed = build_patched_module("jobs/patches/bcache-drop-read-miss-inserts.patch");
  ASSERT_TRUE(fixed) << fixed.error().message;
  auto unfixed = build_patched_module("jobs/patches/bcache-noop-param.patch");
  ASSERT_TRUE(unfixed) << unfixed.error().message;
  TempDir dir("bh-nightly");
  write_matrix(dir.path() / "2026-12-04.toml", fixed.value().spec);
  write_matrix(dir.path() / "2026-12-05.toml", unfixed.value().spec);

  const auto night1 = run_cli(nightly_args(dir.path(), "2026-12-04"), 1800s);
  EXPECT_EQ(night1.exit_code, 0) << night1.output;
  const auto night2 = run_cli(nightly_args(dir.path(), "2026-12-05"), 1800s);
  EXPECT_EQ(night2.exit_code, 1) << night2.output;
  EXPECT_THAT(night2.output, HasSubstr("NEW FAIL  candidate race-seq-bypass (passed on 2026-12-04)"));

  auto db = HistoryDb::open(dir.path() / "history.db", HistoryDb::Mode::kOpenExisting);
  ASSERT_TRUE(db) << db.error().message;
  const auto runs = db.value().runs().value();
  EXPECT_EQ(runs.size(), 12u) << "2 nights x 2 kernels x 3 scenarios";
  EXPECT_EQ(db.value().nights().value(), (std::vector<std::string>{"2026-12-04", "2026-12-05"}));
  for (const auto& run : runs) EXPECT_FALSE(run.provenance.value("harness_version", "").empty());

  const auto history =
      run_cli({"history", "--db", (dir.path() / "history.db").string(), "--out", (dir.path() / "trend").string()});
  EXPECT_EQ(history.exit_code, 1) << history.output;
  EXPECT_THAT(history.output, HasSubstr("NEW FAIL  candidate race-seq-bypass"));
  const auto check = chromium_plot_check(dir.path() / "trend" / "trend.html", dir.path());
  ASSERT_TRUE(check.is_object()) << "Chromium could not check trend.html";
  EXPECT_GE(check["figures"].get<int>(), 4) << check.dump();
  EXPECT_EQ(check["drawn"], check["figures"]) << check.dump();
  EXPECT_EQ(check["new_fail"], true);

  const auto kcidb_text = read_file(dir.path() / "2026-12-05" / "kcidb.json");
  ASSERT_TRUE(kcidb_text) << kcidb_text.error().message;
  const auto kcidb = Json::parse(kcidb_text.value());
  ASSERT_TRUE(kcidb.is_object());
  EXPECT_GE(kcidb["tests"].size(), 6u);
  EXPECT_EQ(kcidb_errors(kcidb), "");
}

TEST(Nightly, AKilledNightLeavesADatabaseHoldingEveryFinishedRun) {
  TempDir dir("bh-nightly-kill");
  std::ofstream(dir.path() / "kill.toml") << "seed = 1\nrepeat = 3\nscenarios = [\"control-disjoint\"]\n"
                                             "[[kernels]]\nname = \"stock\"\nspec = \"debian:stock\"\n";
  BackgroundCli night(nightly_args(dir.path(), "kill"));
  ASSERT_TRUE(night.started());
  const auto db_file = dir.path() / "history.db";
  std::size_t finished = 0;
  for (auto deadline = std::chrono::steady_clock::now() + 600s; std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(1s);
    if (!fs::exists(db_file)) continue;
    auto db = HistoryDb::open(db_file, HistoryDb::Mode::kOpenExisting);
    auto runs = db ? db.value().runs() : Expected<std::vector<RunRecord>>(fail("not open"));
    if (runs && !runs.value().empty()) {
      finished = runs.value().size();
      break;
    }
  }
  EXPECT_TRUE(WIFSIGNALED(night.stop(SIGKILL)));
  ASSERT_GE(finished, 1u) << "no run finished within 10 minutes";
  std::this_thread::sleep_for(2s);  // QEMU gets SIGKILL when the harness dies (PR_SET_PDEATHSIG)
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "kill")) {
    if (entry.path().filename() != "qemu.pid") continue;
    EXPECT_FALSE(process_alive(recorded_qemu_pid(entry.path().parent_path()))) << entry.path();
  }
  auto db = HistoryDb::open(db_file, HistoryDb::Mode::kOpenExisting);
  ASSERT_TRUE(db) << db.error().message;
  const auto runs = db.value().runs().value();
  ASSERT_GE(runs.size(), finished);
  for (const auto& run : runs) {
    EXPECT_EQ(run.night, "kill");
    EXPECT_EQ(run.status, run.run.value("status", "")) << "a complete row";
    EXPECT_TRUE(run.status == "PASS" || run.status == "ERROR") << run.status;
  }
}

}  // namespace
}  // namespace bh::testing
