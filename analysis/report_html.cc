#include "analysis/report_html.h"

#include <array>
#include <regex>
#include <utility>

#include "analysis/report_plots.h"
#include "analysis/report_tables.h"

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
)";

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

std::string table_html(const Table& table) {
  std::string html = "<section id=\"table-" + html_escape(table.id) + "\">\n<h2>" +
                     html_escape(table.title) + "</h2>\n<table>\n<thead><tr>";
  for (const auto& column : table.columns) html += "<th>" + html_escape(column) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (const auto& cell : row) html += cell_html(cell, "td");
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  if (!table.note.empty()) html += "<p class=\"note\">" + html_escape(table.note) + "</p>\n";
  return html + "</section>\n";
}

std::string head_html(const nlohmann::json& summary) {
  const auto& status = json_at(summary, "status");
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>bcache-harness report: " +
         html_escape(status.is_string() ? status.get<std::string>() : kMissing) +
         "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n"
         "<h1>bcache-harness report</h1>\n";
}

std::string facts_html(const nlohmann::json& summary) {
  std::string html = "<dl class=\"facts\">\n";
  for (const auto& [name, cell] : report_facts(summary)) {
    html += "<dt>" + html_escape(name) + "</dt>" + cell_html(cell, "dd") + "\n";
  }
  return html + "</dl>\n";
}

std::string figure_html(const PlotSpec& spec, const std::string& svg) {
  const std::string id = "plot-" + spec.id;
  return "<figure class=\"plot\" id=\"" + html_escape(id) + "\">\n" + inline_svg(svg, id + "-") +
         "\n<figcaption>" + html_escape(spec.title) + "</figcaption>\n</figure>\n";
}

/// `tag` (one tag's text, "<...>") with ids and references to ids prefixed.
std::string prefixed_ids(std::string tag, std::string_view prefix) {
  static const std::array<std::string, 5> kMarks = {" id='", " id=\"", "href='#", "href=\"#",
                                                    "url(#"};
  for (const auto& mark : kMarks) {
    for (auto pos = tag.find(mark); pos != std::string::npos;
         pos = tag.find(mark, pos + mark.size() + prefix.size())) {
      tag.insert(pos + mark.size(), prefix);
    }
  }
  return tag;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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
  std::string html = head_html(input.summary) + facts_html(input.summary);
  for (const auto& table : report_tables(input)) html += table_html(table);
  const auto plots = report_plots(input);
  if (!plots.empty()) html += "<section id=\"plots\">\n<h2>Plots</h2>\n";
  for (const auto& spec : plots) {
    auto svg = renderer.svg(spec);
    if (!svg) return fail("report.html: " + svg.error().message);
    html += figure_html(spec, svg.value());
  }
  if (!plots.empty()) html += "</section>\n";
  return html + "</body>\n</html>\n";
}

}  // namespace bh::analysis
