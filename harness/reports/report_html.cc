#include "harness/reports/report_html.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <regex>
#include <utility>
#include <vector>

#include "harness/reports/report_plots.h"
#include "harness/reports/report_tables.h"

namespace bh::analysis {
namespace {

constexpr const char* kStyle = R"(
body { font: 14px/1.4 sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; justify-self: start; }
dl.facts dd.status { padding: 0 .4em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: bold; }
.status-pass { background: #d4f4d4; color: #11661d; }
.status-fail { background: #fbd5d5; color: #a01010; }
.status-error { background: #fde3c4; color: #9a4a00; }
.status-skip { background: #e6e6e6; color: #555; }
p.note { color: #555; font-size: .9em; }
figure.plot { margin: 1em 0; max-width: 900px; }
figure.plot svg { display: block; width: 100%; height: auto; }
figcaption { color: #444; font-size: .9em; text-align: center; }
header.verdict { border-bottom: 2px solid #ccc; padding-bottom: .6em; }
header.verdict h1 .status, section.scenario h3 .status { padding: .1em .5em; border-radius: .2em; }
p.runs { font-size: 1.05em; }
section.scenario { border-top: 1px solid #ddd; margin-top: 1.2em; }
section.scenario h3 { font-size: 1.1em; } span.kind { color: #666; font-weight: normal; }
figure.block-map { margin: .8em 0; max-width: 900px; }
figure.block-map svg { display: block; width: 100%; height: auto; outline: 1px solid #bbb; }
figure.block-map figcaption { text-align: left; }
ul.legend { list-style: none; padding: 0; margin: .3em 0; display: flex; flex-wrap: wrap;
            gap: .2em 1.2em; }
span.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3em;
              vertical-align: -.1em; border: 1px solid #888; }
span.swatch.writer { border: 2px solid; background: none; }
details { margin: .5em 0; } summary { cursor: pointer; font-weight: bold; font-size: 1.1em; }
)";

/// Block maps drawn per scenario: all of them up to this many, else the first runs with
/// non-current blocks (then the first others) and a note counting the rest, so that a
/// scenario of many runs still leads with the runs that found something.
constexpr std::size_t kMaxBlockMapsPerScenario = 4;

/// The CSS class of a status cell: "status status-pass" etc.; unknown statuses get none.
std::string status_class(const std::string& status) {
  for (const char* known : {"PASS", "FAIL", "ERROR", "SKIP"}) {
    if (status == known) {
      std::string lower = status;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return "status status-" + lower;
    }
  }
  return "status";
}

std::string cell_html(const Cell& cell, const char* tag) {
  std::string cls = cell.kind == CellKind::kNumber   ? "number"
                    : cell.kind == CellKind::kStatus ? status_class(cell.text)
                                                     : "";
  std::string html = std::string("<") + tag + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">";
  const auto text = html_escape(cell.text);
  html += cell.link.empty() ? text : "<a href=\"" + html_escape(cell.link) + "/\">" + text + "</a>";
  return html + "</" + tag + ">";
}

/// The <table> of `table` and its note.
std::string table_body_html(const Table& table) {
  std::string html = "<table>\n<thead><tr>";
  for (const auto& column : table.columns) html += "<th>" + html_escape(column) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (const auto& cell : row) html += cell_html(cell, "td");
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  if (!table.note.empty()) html += "<p class=\"note\">" + html_escape(table.note) + "</p>\n";
  return html;
}

/// A full table, collapsed: a <details> whose <summary> is the title.
std::string table_html(const Table& table) {
  return "<section id=\"table-" + html_escape(table.id) + "\">\n<details>\n<summary>" + html_escape(table.title) +
         " (" + std::to_string(table.rows.size()) + " rows)</summary>\n" + table_body_html(table) +
         "</details>\n</section>\n";
}

std::string head_html(const nlohmann::json& summary) {
  const auto& status = json_at(summary, "status");
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>bcache-harness report: " +
         html_escape(status.is_string() ? status.get<std::string>() : kMissing) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n";
}

/// "4 runs: 1 PASS, 1 FAIL, ..." in order of first appearance; "" without runs.
std::string run_statuses(const nlohmann::json& summary) {
  std::vector<std::pair<std::string, int>> counts;
  int runs = 0;
  for_each_run(summary, [&](const SummaryRun& ref) {
    ++runs;
    const auto& status = json_at(ref.run, "status");
    const std::string name = status.is_string() ? status.get<std::string>() : kMissing;
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == name; });
    if (it == counts.end()) it = counts.insert(counts.end(), {name, 0});
    ++it->second;
  });
  if (runs == 0) return "";
  std::string text = std::to_string(runs) + (runs == 1 ? " run:" : " runs:");
  for (const auto& [name, n] : counts) text += " " + std::to_string(n) + " " + name + ",";
  text.pop_back();
  return text;
}

/// The headline: the overall status, then kernel, accel and seed.
std::string verdict_html(const nlohmann::json& summary) {
  const auto facts = report_facts(summary);
  std::string html = "<header class=\"verdict\" id=\"verdict\">\n<h1>" + cell_html(facts.front().second, "span") +
                     " bcache-harness report</h1>\n"
                     "<dl class=\"facts\">\n";
  for (const auto& [name, cell] : facts) {
    html += "<dt>" + html_escape(name) + "</dt>" + cell_html(cell, "dd") + "\n";
  }
  html += "</dl>\n";
  if (const auto runs = run_statuses(summary); !runs.empty()) {
    html += "<p class=\"runs\">" + html_escape(runs) + "</p>\n";
  }
  return html + "</header>\n";
}

/// `bytes` in the largest binary unit that divides it ("16 MiB", "6000 bytes").
std::string byte_size(std::uint64_t bytes) {
  for (auto [unit, size] : {std::pair{"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}}) {
    if (bytes >= size && bytes % size == 0) return std::to_string(bytes / size) + " " + unit;
  }
  return std::to_string(bytes) + " bytes";
}

std::string hex(std::uint64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, 16);
  return "0x" + std::string(buffer, end);
}

std::string swatch(std::string_view style) {
  return "<span class=\"swatch\" style=\"" + std::string(style) + "\"></span>";
}

/// The legend of a block map: each class present with its count, and the writer's range.
std::string legend_html(const BlockMap& map) {
  std::string html = "<ul class=\"legend\">";
  for (const auto& [block_class, count] : block_class_counts(map)) {
    html += "<li>" + swatch("background:" + std::string(block_class_colour(block_class))) +
            html_escape(block_class_name(block_class)) + ": " + std::to_string(count) + "</li>";
  }
  if (const auto [first, end] = writer_blocks(map); first < end) {
    html += "<li><span class=\"swatch writer\" style=\"border-color:" + std::string(kWriterOutlineColour) +
            "\"></span>writer's range (outlined): " + hex(map.write_offset) + ", " + byte_size(map.write_size) +
            ", blocks " + std::to_string(first) + "–" + std::to_string(end - 1) + "; the rest is read-only fill</li>";
  }
  return html + "</ul>";
}

std::string block_map_html(const BlockMap& map, const nlohmann::json& run, const std::string& id) {
  const auto& seed = json_at(run, "seed");
  const std::size_t blocks = map.classes.size();
  return "<figure class=\"block-map\" id=\"" + html_escape(id) + "\">\n" + block_map_svg(map) +
         "\n<figcaption><b>Run " + std::to_string(map.run_index + 1) + "</b>" +
         (seed.is_number() ? " (seed " + seed.dump() + ")" : "") + ": " + std::to_string(blocks) + " blocks of " +
         byte_size(map.block_size) + " from offset " + hex(map.start_offset) + " (" +
         byte_size(blocks * map.block_size) + "), " + std::to_string(block_map_columns(blocks)) + " a row." +
         legend_html(map) + "</figcaption>\n</figure>\n";
}

/// The maps a scenario shows (see kMaxBlockMapsPerScenario), in run order.
std::vector<const BlockMap*> shown_maps(const std::vector<const BlockMap*>& maps) {
  if (maps.size() <= kMaxBlockMapsPerScenario) return maps;
  std::vector<const BlockMap*> shown;
  for (bool found : {true, false}) {
    for (const auto* map : maps) {
      if ((non_current_blocks(*map) > 0) == found && shown.size() < kMaxBlockMapsPerScenario) {
        shown.push_back(map);
      }
    }
  }
  std::sort(shown.begin(), shown.end(), [](auto* a, auto* b) { return a->run_index < b->run_index; });
  return shown;
}

std::string block_maps_html(const ReportInput& input, const std::string& name, const nlohmann::json& scenario,
                            const std::string& id) {
  std::vector<const BlockMap*> maps;
  for (const auto& map : input.block_maps) {
    if (map.scenario == name) maps.push_back(&map);
  }
  const auto shown = shown_maps(maps);
  const auto& runs = json_at(scenario, "runs");
  static const nlohmann::json kNoRun;
  std::string html;
  for (const auto* map : shown) {
    const auto& run = runs.is_array() && map->run_index < runs.size() ? runs[map->run_index] : kNoRun;
    html += block_map_html(*map, run, id + "-block-map-run-" + std::to_string(map->run_index + 1));
  }
  if (shown.size() < maps.size()) {
    html += "<p class=\"note\">" + std::to_string(maps.size() - shown.size()) +
            " more runs have a block map, not drawn here: see block-map.json in their run "
            "directories.</p>\n";
  }
  return html;
}

/// "<h3>STATUS NAME KIND</h3>" of a scenario.
std::string scenario_heading(const std::string& name, const nlohmann::json& scenario) {
  const auto& status = json_at(scenario, "status");
  const auto& kind = json_at(scenario, "kind");
  const Cell status_cell{status.is_string() ? status.get<std::string>() : kMissing, CellKind::kStatus, ""};
  std::string html = "<h3>" + cell_html(status_cell, "span") + " " + html_escape(name);
  if (kind.is_string()) html += " <span class=\"kind\">" + html_escape(kind.get<std::string>()) + "</span>";
  return html + "</h3>\n";
}

std::string scenario_html(const ReportInput& input, const std::string& name, const nlohmann::json& scenario) {
  const std::string id = "scenario-" + plot_id_part(name);
  std::string html = "<section class=\"scenario\" id=\"" + html_escape(id) + "\">\n" + scenario_heading(name, scenario);
  if (const auto numbers = scenario_numbers(input, name, scenario); !numbers.rows.empty()) {
    html += table_body_html(numbers);
  }
  return html + block_maps_html(input, name, scenario, id) + "</section>\n";
}

std::string scenarios_html(const ReportInput& input) {
  std::string html;
  for_each_scenario(input.summary, [&](const std::string& name, const nlohmann::json& scenario) {
    html += scenario_html(input, name, scenario);
  });
  return html.empty() ? "" : "<section id=\"scenarios\">\n<h2>Scenarios</h2>\n" + html + "</section>\n";
}

std::string figure_html(const PlotSpec& spec, const std::string& svg) {
  const std::string id = "plot-" + spec.id;
  return "<figure class=\"plot\" id=\"" + html_escape(id) + "\">\n" + inline_svg(svg, id + "-") + "\n<figcaption>" +
         html_escape(spec.title) + "</figcaption>\n</figure>\n";
}

Expected<std::string> plots_html(const ReportInput& input, PlotRenderer& renderer) {
  const auto plots = report_plots(input);
  if (plots.empty()) return std::string();
  std::string html = "<section id=\"plots\">\n<h2>Plots</h2>\n";
  for (const auto& spec : plots) {
    auto svg = renderer.svg(spec);
    if (!svg) return fail("report.html: " + svg.error().message);
    html += figure_html(spec, svg.value());
  }
  return html + "</section>\n";
}

std::string tables_html(const std::vector<Table>& tables) {
  std::string html = "<section id=\"tables\">\n<h2>Full tables</h2>\n";
  for (const auto& table : tables) html += table_html(table);
  return html + "</section>\n";
}

/// `tag` (one tag's text, "<...>") with ids and references to ids prefixed.
std::string prefixed_ids(std::string tag, std::string_view prefix) {
  static const std::array<std::string, 5> kMarks = {" id='", " id=\"", "href='#", "href=\"#", "url(#"};
  for (const auto& mark : kMarks) {
    for (auto pos = tag.find(mark); pos != std::string::npos; pos = tag.find(mark, pos + mark.size() + prefix.size())) {
      tag.insert(pos + mark.size(), prefix);
    }
  }
  return tag;
}

}  // namespace

std::string inline_svg(std::string_view svg, std::string_view id_prefix) {
  const auto start = svg.find("<svg");
  if (start == std::string_view::npos) return "";
  svg.remove_prefix(start);
  std::string out;
  out.reserve(svg.size() + svg.size() / 8);
  bool root = true;
  while (!svg.empty()) {
    const auto open = svg.find('<');
    out += svg.substr(0, open);  // text: gnuplot escapes '<' in it, so no tag starts here
    if (open == std::string_view::npos) break;
    const auto close = svg.find('>', open);
    std::string tag(svg.substr(open, close == std::string_view::npos ? close : close - open + 1));
    svg.remove_prefix(open + tag.size());
    if (root) {
      static const std::regex kNamespace(R"(\s+xmlns(:\w+)?\s*=\s*("[^"]*"|'[^']*'))");
      tag = std::regex_replace(tag, kNamespace, "");
      root = false;
    }
    out += prefixed_ids(std::move(tag), id_prefix);
  }
  return out;
}

Expected<std::string> render_html(const ReportInput& input, PlotRenderer& renderer) {
  auto plots = plots_html(input, renderer);
  if (!plots) return plots.error();
  return head_html(input.summary) + verdict_html(input.summary) + scenarios_html(input) + plots.value() +
         tables_html(report_tables(input)) + "</body>\n</html>\n";
}

}  // namespace bh::analysis
