#pragma once
/// report.md: the report's facts and tables as GitHub-flavoured Markdown (no plots).

#include <string>
#include <string_view>

#include "harness/reports/report_model.h"

namespace bh::analysis {

/// The report as Markdown: a header with the overall status, kernel, accel and seed, then
/// the tables of report_tables.h. Missing values show as "–", never 0.
std::string render_markdown(const ReportInput& input);

/// `text` safe inside a Markdown table cell: "|" escaped, line breaks turned into spaces.
std::string markdown_cell(std::string_view text);

}  // namespace bh::analysis
