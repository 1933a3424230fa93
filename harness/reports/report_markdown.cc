#include "harness/reports/report_markdown.h"

#include "harness/reports/report_tables.h"

namespace bh::analysis {
namespace {

std::string row_of(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& cell : cells) line += " " + markdown_cell(cell) + " |";
  return line + "\n";
}

std::string table_markdown(const Table& table) {
  std::string md = "## " + markdown_cell(table.title) + "\n\n" + row_of(table.columns) + "|";
  for (auto kind : table.column_kinds) md += kind == CellKind::kNumber ? " ---: |" : " --- |";
  md += "\n";
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(cell.text);
    md += row_of(cells);
  }
  if (!table.note.empty()) md += "\n" + markdown_cell(table.note) + "\n";
  return md;
}

}  // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_markdown(const ReportInput& input) {
  std::string md = "# bcache-harness report\n\n";
  for (const auto& [name, cell] : report_facts(input.summary)) {
    md += "- **" + name + ":** " + markdown_cell(cell.text) + "\n";
  }
  for (const auto& table : report_tables(input)) md += "\n" + table_markdown(table);
  return md;
}

}  // namespace bh::analysis
