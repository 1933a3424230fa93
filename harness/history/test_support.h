#pragma once
/// Test-only: the history database's rows as raw text, for tests that compare what SQLite
/// holds byte for byte (recorded_at included).

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <string>
#include <vector>

namespace bh::testing {

/// Every row of the runs table as text, recorded_at included.
inline std::vector<std::string> raw_rows(const std::filesystem::path& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement select(db, "SELECT * FROM runs ORDER BY night, kernel_name, scenario, run_index");
  std::vector<std::string> rows;
  while (select.executeStep()) {
    std::string row;
    for (int i = 0; i < select.getColumnCount(); ++i) row += select.getColumn(i).getString() + "|";
    rows.push_back(row);
  }
  return rows;
}

}  // namespace bh::testing
