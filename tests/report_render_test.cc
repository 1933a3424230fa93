// report.html in a real browser (label `browser`): renders the report of a fixture summary
// (and the block map of its fixture run directory) with real gnuplot, opens it in headless
// Chromium and checks, from inside the page, that every plot and every block map is laid
// out, visible and drawn, and that the page reads verdict, block maps, plots, then the
// collapsed tables, top to bottom. Chromium comes from scripts/setup.
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

#include "harness/reports/plot.h"
#include "harness/reports/report_html.h"
#include "harness/reports/report_model.h"
#include "harness/reports/run_reports.h"
#include "util/files.h"
#include "util/process_runner.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using namespace std::chrono_literals;
using analysis::ReportInput;
using analysis::RunSeries;
using Json = nlohmann::json;
namespace fs = std::filesystem;

/// The plots the fixture must produce.
const std::vector<std::string> kExpectedPlots = {"latency-cdf-read",   "latency-cdf-write", "latency-time-read",
                                                 "latency-time-write", "memory-slab",       "memory-sunreclaim",
                                                 "stale-blocks"};

/// The block maps the fixture must produce: the first race run's, from
/// tests/fixtures/report/race-writearound-4k/run-1-seed-11/block-map.json.
const std::vector<std::string> kExpectedBlockMaps = {"scenario-race-writearound-4k-block-map-run-1"};

/// Finds every figure.plot and figure.block-map, measures its SVG, finds where the verdict,
/// the first block map, the first plot and the first <details> lie on the page, and writes
/// the findings, and any id used twice in the page (several inline SVGs must not clash),
/// into pre#bh-check.
constexpr const char* kCheckScript = R"(
<pre id="bh-check"></pre>
<script>
window.addEventListener('load', () => {
  const page = document.documentElement;
  const pageWidth = Math.max(page.scrollWidth, document.body.scrollWidth);
  const pageHeight = Math.max(page.scrollHeight, document.body.scrollHeight);
  const shownStyle = element => {
    const style = getComputedStyle(element);
    return style.display !== 'none' && style.visibility !== 'hidden' && style.opacity !== '0';
  };
  const measure = (figure, marks) => {
    const svg = figure.querySelector('svg');
    if (!svg) return {id: figure.id, has_svg: false};
    const box = svg.getBoundingClientRect();
    const left = box.left + window.scrollX, top = box.top + window.scrollY;
    return {
      id: figure.id,
      has_svg: true,
      width: box.width,
      height: box.height,
      inside: left >= 0 && top >= 0 && left + box.width <= pageWidth + 1 &&
              top + box.height <= pageHeight + 1,
      shown: shownStyle(svg),
      marks: marks(svg),
      caption: (figure.querySelector('figcaption') || {}).textContent || ''
    };
  };
  const figures = [...document.querySelectorAll('figure.plot')].map(
      figure => measure(figure, svg => svg.querySelectorAll('path, polyline').length));
  // A block map's marks: its rects of each class that the browser laid out with a size.
  const drawn = (svg, selector) => [...svg.querySelectorAll(selector)].filter(rect => {
    const box = rect.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  }).length;
  const block_maps = [...document.querySelectorAll('figure.block-map')].map(figure => {
    const found = measure(figure, svg => drawn(svg, 'rect'));
    const svg = figure.querySelector('svg');
    if (!svg) return found;
    found.current = drawn(svg, 'g.bm-current rect');
    found.stale = drawn(svg, 'g.bm-stale rect');
    found.lost = drawn(svg, 'g.bm-lost-write rect');
    found.writer = drawn(svg, 'path.bm-writer');
    found.legend = [...figure.querySelectorAll('ul.legend li')].map(li => li.textContent);
    return found;
  });
  // Where each section starts on the page (its top, in px), or null when it is missing.
  const top = selector => {
    const element = document.querySelector(selector);
    return element ? element.getBoundingClientRect().top + window.scrollY : null;
  };
  const order = {
    verdict: top('#verdict'),
    block_map: top('figure.block-map'),
    plot: top('figure.plot'),
    details: top('details')
  };
  const details = [...document.querySelectorAll('details')].map(d => ({
    open: d.open,
    summary_shown: d.querySelector('summary').getBoundingClientRect().height > 0,
    // A closed <details> keeps its content out of view (content-visibility: hidden), so
    // checkVisibility() is the test; a zero-height box is another way to be hidden.
    table_hidden: [...d.querySelectorAll('table')].every(
        t => !t.checkVisibility() || t.getBoundingClientRect().height === 0)
  }));
  const ids = [...document.querySelectorAll('[id]')].map(element => element.id);
  const duplicate_ids = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  document.getElementById('bh-check').textContent =
      JSON.stringify({figures, block_maps, order, details, duplicate_ids});
});
</script>
)";

/// Log-spaced CDF of `points` latencies from 20 µs to about 20 ms.
std::vector<analysis::CdfPoint> cdf(int points) {
  std::vector<analysis::CdfPoint> out;
  for (int i = 1; i <= points; ++i) {
    out.push_back({static_cast<std::uint64_t>(20'000 * std::pow(1000.0, double(i) / points)), double(i) / points});
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

/// The fixture summary with series made up for its runs and the block maps of its fixture
/// run directories, read as `bcache-harness report` reads them.
ReportInput fixture_input() {
  const fs::path fixture = fs::path(BH_SOURCE_DIR) / "tests/fixtures/report";
  ReportInput input{Json::parse(read_file(fixture / "summary.json").value()), {}, {}};
  std::vector<std::string> warnings;
  input.block_maps = read_block_maps(fixture, input.summary, warnings);
  EXPECT_EQ(warnings, std::vector<std::string>{});
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
    for (auto [entity, c] : {std::pair{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}}) {
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
    std::vector<std::string> argv = {"chromium",       "--headless",
                                     "--no-sandbox",   "--disable-gpu",
                                     "--no-first-run", "--user-data-dir=" + (dir_.path() / "profile").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("file://" + page.string());
    const auto start = std::chrono::steady_clock::now();
    auto result = runner_.run({.argv = argv, .stdout_file = stdout_file, .timeout = 120s});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (!result) {
      return fail(result.error().message + "\nchromium is needed for this test: run scripts/setup to install it");
    }
    std::cout << "report_render_test: " << describe_command(argv) << ": " << took.count() << " s\n";
    if (result.value().timed_out || result.value().exit_code != 0) {
      return fail(describe_command(argv) + " failed (exit " + std::to_string(result.value().exit_code) +
                  (result.value().timed_out ? ", timed out" : "") + "):\n" + tail_lines(result.value().output, 30));
    }
    return result;
  }

  TempDir dir_{"bh-report-render"};
  SystemProcessRunner runner_;
};

/// Checks one figure.plot or figure.block-map as kCheckScript measured it.
void expect_laid_out_and_drawn(const Json& figure, double min_height) {
  ASSERT_TRUE(figure.at("has_svg").get<bool>());
  EXPECT_GT(figure.at("width").get<double>(), 100) << figure.dump();
  EXPECT_GT(figure.at("height").get<double>(), min_height) << figure.dump();
  EXPECT_TRUE(figure.at("inside").get<bool>()) << figure.dump();
  EXPECT_TRUE(figure.at("shown").get<bool>()) << figure.dump();
  EXPECT_GT(figure.at("marks").get<int>(), 0) << figure.dump();
  EXPECT_FALSE(figure.at("caption").get<std::string>().empty()) << figure.dump();
}

/// The figures of `found` (a kCheckScript array) by id.
std::map<std::string, Json> by_id(const Json& found) {
  std::map<std::string, Json> figures;
  for (const auto& figure : found) figures[figure.at("id")] = figure;
  return figures;
}

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
  const auto figures = by_id(check.at("figures"));
  EXPECT_EQ(figures.size(), kExpectedPlots.size()) << check.dump(2);
  for (const auto& id : kExpectedPlots) {
    SCOPED_TRACE(id);
    const auto it = figures.find("plot-" + id);
    ASSERT_NE(it, figures.end()) << check.dump(2);
    expect_laid_out_and_drawn(it->second, 50);
  }

  const auto maps = by_id(check.at("block_maps"));
  EXPECT_EQ(maps.size(), kExpectedBlockMaps.size()) << check.dump(2);
  for (const auto& id : kExpectedBlockMaps) {
    SCOPED_TRACE(id);
    const auto it = maps.find(id);
    ASSERT_NE(it, maps.end()) << check.dump(2);
    const auto& map = it->second;
    expect_laid_out_and_drawn(map, 20);
    // The fixture: 4096 blocks, 128 a row; stale blocks 1 and 1500, lost 1800-1802.
    EXPECT_EQ(map.at("stale").get<int>(), 2) << map.dump();
    EXPECT_EQ(map.at("lost").get<int>(), 1) << map.dump();
    EXPECT_GE(map.at("current").get<int>(), 1) << map.dump();
    EXPECT_EQ(map.at("writer").get<int>(), 1) << map.dump();
    EXPECT_EQ(map.at("legend"), (Json{"current: 4091", "stale: 2", "lost write: 3",
                                      "writer's range (outlined): 0x0, 8000 KiB, blocks 0–1999; "
                                      "the rest is read-only fill"}))
        << map.dump();
  }

  // Top to bottom: the verdict, the block maps, the plots, the collapsed tables.
  const auto& order = check.at("order");
  for (const char* part : {"verdict", "block_map", "plot", "details"}) {
    ASSERT_TRUE(order.at(part).is_number()) << part << " missing: " << order.dump();
  }
  EXPECT_LT(order.at("verdict").get<double>(), order.at("block_map").get<double>()) << order.dump();
  EXPECT_LT(order.at("block_map").get<double>(), order.at("plot").get<double>()) << order.dump();
  EXPECT_LT(order.at("plot").get<double>(), order.at("details").get<double>()) << order.dump();
  // runs, stale blocks explained, latency, memory, counters
  ASSERT_EQ(check.at("details").size(), 5u) << check.dump(2);
  for (const auto& details : check.at("details")) {
    EXPECT_FALSE(details.at("open").get<bool>()) << details.dump();
    EXPECT_TRUE(details.at("summary_shown").get<bool>()) << details.dump();
    EXPECT_TRUE(details.at("table_hidden").get<bool>()) << details.dump();
  }

  // For a person to look at (see BH_KEEP_REPORT_RENDER); not asserted.
  const fs::path screenshot = dir_.path() / "screenshot.png";
  const auto shot =
      chromium({"--screenshot=" + screenshot.string(), "--window-size=1200,3000", "--hide-scrollbars"}, report);
  if (!shot) std::cout << "report_render_test: no screenshot: " << shot.error().message << "\n";
}

}  // namespace
}  // namespace bh
