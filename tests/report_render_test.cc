// report.html in a real browser (label `browser`): renders the report of a fixture summary
// with real gnuplot, opens it in headless Chromium and checks, from inside the page, that
// every plot is laid out, visible and drawn. Chromium comes from scripts/setup.
//
// The test directory is kept (and its path printed) when a test fails or when
// BH_KEEP_REPORT_RENDER=1, for a look at report.html and its screenshot.png.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "analysis/plot.h"
#include "analysis/report_html.h"
#include "analysis/report_model.h"
#include "harness/base/files.h"
#include "harness/base/process_runner.h"
#include "harness/base/temp_dir.h"

namespace bh {
namespace {

using namespace std::chrono_literals;
using analysis::ReportInput;
using analysis::RunSeries;
using Json = nlohmann::json;
namespace fs = std::filesystem;

/// The plots the fixture must produce.
const std::vector<std::string> kExpectedPlots = {
    "latency-cdf-read", "latency-cdf-write", "latency-time-read", "latency-time-write",
    "memory-slab",      "memory-sunreclaim", "stale-blocks"};

/// Finds every figure.plot, measures its SVG and writes the findings, and any id used twice
/// in the page (several inline SVGs must not clash), into pre#bh-check.
constexpr const char* kCheckScript = R"(
<pre id="bh-check"></pre>
<script>
window.addEventListener('load', () => {
  const page = document.documentElement;
  const pageWidth = Math.max(page.scrollWidth, document.body.scrollWidth);
  const pageHeight = Math.max(page.scrollHeight, document.body.scrollHeight);
  const figures = [...document.querySelectorAll('figure.plot')].map(figure => {
    const svg = figure.querySelector('svg');
    if (!svg) return {id: figure.id, has_svg: false};
    const box = svg.getBoundingClientRect();
    const left = box.left + window.scrollX, top = box.top + window.scrollY;
    const style = getComputedStyle(svg);
    return {
      id: figure.id,
      has_svg: true,
      width: box.width,
      height: box.height,
      inside: left >= 0 && top >= 0 && left + box.width <= pageWidth + 1 &&
              top + box.height <= pageHeight + 1,
      shown: style.display !== 'none' && style.visibility !== 'hidden' && style.opacity !== '0',
      marks: svg.querySelectorAll('path, polyline').length,
      caption: (figure.querySelector('figcaption') || {}).textContent || ''
    };
  });
  const ids = [...document.querySelectorAll('[id]')].map(element => element.id);
  const duplicate_ids = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  document.getElementById('bh-check').textContent = JSON.stringify({figures, duplicate_ids});
});
</script>
)";

/// Log-spaced CDF of `points` latencies from 20 µs to about 20 ms.
std::vector<analysis::CdfPoint> cdf(int points) {
  std::vector<analysis::CdfPoint> out;
  for (int i = 1; i <= points; ++i) {
    out.push_back({static_cast<std::uint64_t>(20'000 * std::pow(1000.0, double(i) / points)),
                   double(i) / points});
  }
  return out;
}

std::vector<analysis::XY> wave(double base, double amplitude, int points, double step_s) {
  std::vector<analysis::XY> out;
  for (int i = 0; i < points; ++i) {
    out.push_back({i * step_s, base + amplitude * std::sin(i / 5.0)});
  }
  return out;
}

ReportInput fixture_input() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/summary.json";
  ReportInput input{Json::parse(read_file(path).value()), {}, {}};
  RunSeries race{"race-writearound-4k", 0, 11};
  race.latency_cdf["write"] = cdf(40);
  race.latency_over_time_us["write"] = wave(400, 150, 60, 0.5);
  race.memory_over_time_kib["Slab"] = wave(41000, 800, 60, 0.5);
  RunSeries perf{"perf-randread", 0, 21};
  perf.latency_cdf["read"] = cdf(100);
  perf.latency_over_time_us["read"] = wave(85, 20, 80, 0.25);
  perf.latency_over_time_us["write"] = wave(300, 50, 80, 0.25);
  perf.memory_over_time_kib["Slab"] = wave(43000, 3000, 80, 0.25);
  perf.memory_over_time_kib["SUnreclaim"] = wave(21500, 1500, 80, 0.25);
  input.runs = {race, perf};
  return input;
}

/// The text of <pre id="bh-check"> in a dumped DOM, its entities decoded; "" when absent.
std::string check_text(const std::string& dom) {
  const std::string open = "<pre id=\"bh-check\">";
  const auto start = dom.find(open);
  if (start == std::string::npos) return "";
  const auto end = dom.find("</pre>", start);
  std::string text = dom.substr(start + open.size(), end - start - open.size());
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    for (auto [entity, c] : {std::pair{"&amp;", '&'},
                             {"&lt;", '<'},
                             {"&gt;", '>'},
                             {"&quot;", '"'},
                             {"&#39;", '\''}}) {
      if (text.compare(i, std::string(entity).size(), entity) == 0) {
        decoded += c;
        i += std::string(entity).size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) decoded += text[i];
  }
  return decoded;
}

class ReportRender : public ::testing::Test {
 protected:
  void TearDown() override {
    const char* keep = std::getenv("BH_KEEP_REPORT_RENDER");
    if (HasFailure() || (keep && std::string(keep) == "1")) {
      dir_.keep();
      std::cout << "report_render_test: kept " << dir_.path() << "\n";
    }
  }

  /// Runs headless chromium with `args` on `page`. Fails saying what to do when chromium
  /// is missing, and quoting it when it fails or times out.
  Expected<ProcessResult> chromium(std::vector<std::string> args, const fs::path& page,
                                   std::optional<fs::path> stdout_file = std::nullopt) {
    std::vector<std::string> argv = {
        "chromium",      "--headless",     "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--user-data-dir=" + (dir_.path() / "profile").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("file://" + page.string());
    const auto start = std::chrono::steady_clock::now();
    auto result = runner_.run({.argv = argv, .stdout_file = stdout_file, .timeout = 120s});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (!result) {
      return fail(result.error().message +
                  "\nchromium is needed for this test: run scripts/setup to install it");
    }
    std::cout << "report_render_test: " << describe_command(argv) << ": " << took.count() << " s\n";
    if (result.value().timed_out || result.value().exit_code != 0) {
      return fail(describe_command(argv) + " failed (exit " +
                  std::to_string(result.value().exit_code) +
                  (result.value().timed_out ? ", timed out" : "") + "):\n" +
                  tail_lines(result.value().output, 30));
    }
    return result;
  }

  TempDir dir_{"bh-report-render"};
  SystemProcessRunner runner_;
};

TEST_F(ReportRender, EveryPlotIsLaidOutVisibleAndDrawnInChromium) {
  analysis::GnuplotRenderer renderer(runner_);
  auto html = analysis::render_html(fixture_input(), renderer);
  ASSERT_TRUE(html) << html.error().message;
  EXPECT_EQ(html.value().find("http"), std::string::npos) << "report.html refers outside";
  const fs::path report = dir_.path() / "report.html";
  ASSERT_TRUE(write_file_atomically(report, html.value()));

  std::string checked = html.value();
  const auto body_end = checked.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  checked.insert(body_end, kCheckScript);
  const fs::path checked_page = dir_.path() / "report-checked.html";
  ASSERT_TRUE(write_file_atomically(checked_page, checked));

  const fs::path dom_file = dir_.path() / "dom.html";
  const auto dumped = chromium({"--dump-dom"}, checked_page, dom_file);
  ASSERT_TRUE(dumped) << dumped.error().message;
  const auto dom = read_file(dom_file);
  ASSERT_TRUE(dom) << dom.error().message;
  const auto text = check_text(dom.value());
  ASSERT_FALSE(text.empty()) << "no filled <pre id=\"bh-check\"> in the DOM Chromium dumped:\n"
                             << dom.value().substr(0, 2000);
  const auto check = Json::parse(text);

  EXPECT_EQ(check.at("duplicate_ids"), Json::array()) << check.dump(2);
  std::map<std::string, Json> figures;
  for (const auto& figure : check.at("figures")) figures[figure.at("id")] = figure;
  EXPECT_EQ(figures.size(), kExpectedPlots.size()) << check.dump(2);
  for (const auto& id : kExpectedPlots) {
    SCOPED_TRACE(id);
    const auto it = figures.find("plot-" + id);
    ASSERT_NE(it, figures.end()) << check.dump(2);
    const auto& figure = it->second;
    ASSERT_TRUE(figure.at("has_svg").get<bool>());
    EXPECT_GT(figure.at("width").get<double>(), 100) << figure.dump();
    EXPECT_GT(figure.at("height").get<double>(), 50) << figure.dump();
    EXPECT_TRUE(figure.at("inside").get<bool>()) << figure.dump();
    EXPECT_TRUE(figure.at("shown").get<bool>()) << figure.dump();
    EXPECT_GT(figure.at("marks").get<int>(), 0) << figure.dump();
    EXPECT_FALSE(figure.at("caption").get<std::string>().empty()) << figure.dump();
  }

  // For a person to look at (see BH_KEEP_REPORT_RENDER); not asserted.
  const fs::path screenshot = dir_.path() / "screenshot.png";
  const auto shot = chromium(
      {"--screenshot=" + screenshot.string(), "--window-size=1200,3000", "--hide-scrollbars"},
      report);
  if (!shot) std::cout << "report_render_test: no screenshot: " << shot.error().message << "\n";
}

}  // namespace
}  // namespace bh
