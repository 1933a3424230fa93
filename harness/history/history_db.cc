#include "harness/history/history_db.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>
#include <cstdio>
#include <optional>
#include <system_error>

namespace bh {
namespace {
namespace fs = std::filesystem;

// Long enough for another importer's transaction (one night directory) to finish; a writer
// holding the file longer than this is stuck, and we say so rather than wait forever.
constexpr int kBusyTimeoutMs = 10'000;

// Schema 1. Every column a query is likely to filter on is a column; everything else stays in
// run_json, exactly as summary.json held it. recorded_at: when this content was first stored
// (UTC, milliseconds); re-storing identical content keeps it.
constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE runs (
  night           TEXT    NOT NULL,
  kernel_name     TEXT    NOT NULL,
  scenario        TEXT    NOT NULL,
  run_index       INTEGER NOT NULL CHECK (run_index >= 1),
  kernel_spec     TEXT    NOT NULL,
  kernel_release  TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  seed            INTEGER NOT NULL,  -- the uint64 seed's bit pattern as a signed 64-bit integer
  status          TEXT    NOT NULL,
  stale_blocks    INTEGER,           -- run_json's stale_blocks; NULL where the run has none
  race_windows    INTEGER,           -- run_json's race_windows; NULL where the run has none
  reason          TEXT,              -- run_json's reason; NULL where the run has none
  run_json        TEXT    NOT NULL,
  provenance_json TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  PRIMARY KEY (night, kernel_name, scenario, run_index)
);
CREATE INDEX runs_by_scenario ON runs (scenario, kernel_name, night);
)sql";

constexpr std::string_view kUpsert = R"sql(
INSERT INTO runs (night, kernel_name, scenario, run_index, kernel_spec, kernel_release, kind, seed, status,
                  stale_blocks, race_windows, reason, run_json, provenance_json, recorded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
ON CONFLICT (night, kernel_name, scenario, run_index) DO UPDATE SET
  kernel_spec = excluded.kernel_spec, kernel_release = excluded.kernel_release, kind = excluded.kind,
  seed = excluded.seed, status = excluded.status, stale_blocks = excluded.stale_blocks,
  race_windows = excluded.race_windows, reason = excluded.reason, run_json = excluded.run_json,
  provenance_json = excluded.provenance_json, recorded_at = excluded.recorded_at
WHERE (kernel_spec, kernel_release, kind, seed, status, run_json, provenance_json)
  IS NOT (excluded.kernel_spec, excluded.kernel_release, excluded.kind, excluded.seed, excluded.status,
          excluded.run_json, excluded.provenance_json)
)sql";

constexpr std::string_view kSelectRuns = R"sql(
SELECT night, kernel_name, kernel_spec, kernel_release, scenario, kind, run_index, seed, status, run_json,
       provenance_json
FROM runs ORDER BY night, kernel_name, scenario, run_index
)sql";

std::string where(const fs::path& file) { return "history database " + file.string() + ": "; }

std::string hex32(std::int32_t value) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "0x%08x", static_cast<unsigned>(value));
  return text.data();
}

int pragma_int(SQLite::Database& db, const char* name) { return db.execAndGet(std::string("PRAGMA ") + name).getInt(); }

/// "" when PRAGMA quick_check finds nothing wrong, else its first few complaints.
std::string quick_check_problems(SQLite::Database& db) {
  SQLite::Statement check(db, "PRAGMA quick_check(5)");
  std::string problems;
  while (check.executeStep()) {
    const std::string line = check.getColumn(0).getString();
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  return problems;
}

/// Checks, reading only, that the file is empty (a new file, to get the whole schema) or a
/// sound history whose schema this build knows.
Expected<void> check_identity(SQLite::Database& db, const fs::path& file, std::size_t known_version) {
  SQLite::Transaction snapshot(db);  // one read transaction: another opener may be creating the schema
  const int application_id = pragma_int(db, "application_id");
  const int version = pragma_int(db, "user_version");
  const int objects = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
  snapshot.commit();
  if (application_id == 0 && version == 0 && objects == 0) return outcome::success();
  if (application_id != kHistoryApplicationId) {
    return fail(where(file) + "not a bcache-harness history database (application_id " + hex32(application_id) +
                ", expected " + hex32(kHistoryApplicationId) + ", with " + std::to_string(objects) +
                " schema objects); left untouched");
  }
  if (version > static_cast<int>(known_version)) {
    return fail(where(file) + "schema version " + std::to_string(version) + " is newer than this build knows (" +
                std::to_string(known_version) + "); left untouched, use a newer bcache-harness");
  }
  if (const auto problems = quick_check_problems(db); !problems.empty()) {
    return fail(where(file) + "integrity check failed: " + problems);
  }
  return outcome::success();
}

/// Applies the steps the file lacks, each in its own transaction; returns the version reached.
/// The version is read again under the write lock, so two processes opening at once apply each
/// step once.
int migrate(SQLite::Database& db, const std::vector<std::string_view>& steps) {
  for (;;) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    const int version = pragma_int(db, "user_version");
    if (version >= static_cast<int>(steps.size())) {
      transaction.commit();
      return version;
    }
    db.exec(std::string(steps[version]));
    db.exec("PRAGMA application_id = " + std::to_string(kHistoryApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(version + 1));
    transaction.commit();
  }
}

/// Write-ahead logging, so readers (a trend report) never wait for a nightly that records
/// run after run, nor it for them; synchronous FULL, so a committed run survives power loss,
/// not only a killed process. Set only once the file is known to be ours: it changes the header.
void use_write_ahead_log(SQLite::Database& db) {
  db.execAndGet("PRAGMA journal_mode = WAL");  // where WAL is impossible, the rollback journal stays: as safe, slower
  db.exec("PRAGMA synchronous = FULL");
}

bool file_exists(const fs::path& file) {
  std::error_code error;
  return fs::exists(file, error);
}

std::optional<std::int64_t> integer_field(const nlohmann::json& run, const char* key) {
  const auto it = run.find(key);
  if (it == run.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<std::string> string_field(const nlohmann::json& run, const char* key) {
  const auto it = run.find(key);
  if (it == run.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string key_of(const RunRecord& run) {
  return run.night + " " + run.kernel_name + " " + run.scenario + " run " + std::to_string(run.run_index);
}

/// Why `run` cannot be stored, or "" when it can.
std::string invalid_reason(const RunRecord& run) {
  if (run.night.empty()) return "no night";
  if (run.kernel_name.empty()) return "no kernel name";
  if (run.scenario.empty()) return "no scenario";
  if (run.run_index < 1) return "run index " + std::to_string(run.run_index) + " is not 1 or more";
  if (run.status != "PASS" && run.status != "FAIL" && run.status != "ERROR" && run.status != "SKIP") {
    return "status \"" + run.status + "\" is none of PASS FAIL ERROR SKIP";
  }
  if (!run.run.is_object()) return "the run is not a JSON object";
  if (!run.provenance.is_object()) return "the provenance is not a JSON object";
  return "";
}

template <class Value>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<Value>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

void bind_run(SQLite::Statement& upsert, const RunRecord& run) {
  upsert.bind(1, run.night);
  upsert.bind(2, run.kernel_name);
  upsert.bind(3, run.scenario);
  upsert.bind(4, run.run_index);
  upsert.bind(5, run.kernel_spec);
  upsert.bind(6, run.kernel_release);
  upsert.bind(7, run.kind);
  upsert.bind(8, static_cast<std::int64_t>(run.seed));
  upsert.bind(9, run.status);
  bind_optional(upsert, 10, integer_field(run.run, "stale_blocks"));
  bind_optional(upsert, 11, integer_field(run.run, "race_windows"));
  bind_optional(upsert, 12, string_field(run.run, "reason"));
  upsert.bind(13, run.run.dump());
  upsert.bind(14, run.provenance.dump());
}

Expected<nlohmann::json> parse_column(const SQLite::Column& column, const RunRecord& row, const fs::path& file) {
  auto value = nlohmann::json::parse(column.getString(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return fail(where(file) + key_of(row) + ": column " + column.getName() + " is not JSON");
  }
  return value;
}

Expected<RunRecord> row_to_record(const SQLite::Statement& row, const fs::path& file) {
  RunRecord record;
  record.night = row.getColumn(0).getString();
  record.kernel_name = row.getColumn(1).getString();
  record.kernel_spec = row.getColumn(2).getString();
  record.kernel_release = row.getColumn(3).getString();
  record.scenario = row.getColumn(4).getString();
  record.kind = row.getColumn(5).getString();
  record.run_index = row.getColumn(6).getInt();
  record.seed = static_cast<std::uint64_t>(row.getColumn(7).getInt64());
  record.status = row.getColumn(8).getString();
  auto run = parse_column(row.getColumn(9), record, file);
  if (!run) return run.error();
  auto provenance = parse_column(row.getColumn(10), record, file);
  if (!provenance) return provenance.error();
  record.run = std::move(run).value();
  record.provenance = std::move(provenance).value();
  return record;
}

}  // namespace

const std::vector<std::string_view>& history_schema_steps() {
  static const std::vector<std::string_view> steps = {kSchema1};
  return steps;
}

HistoryDb::HistoryDb(std::filesystem::path file, std::unique_ptr<SQLite::Database> db, int schema_version)
    : file_(std::move(file)), db_(std::move(db)), schema_version_(schema_version) {}
HistoryDb::HistoryDb(HistoryDb&&) noexcept = default;
HistoryDb& HistoryDb::operator=(HistoryDb&&) noexcept = default;
HistoryDb::~HistoryDb() = default;

Expected<HistoryDb> HistoryDb::open(const std::filesystem::path& file, Mode mode) {
  return open_with_schema(file, mode, history_schema_steps());
}

Expected<HistoryDb> HistoryDb::open_with_schema(const std::filesystem::path& file, Mode mode,
                                                const std::vector<std::string_view>& steps) {
  const bool exists = file_exists(file);
  if (!exists && mode == Mode::kOpenExisting) return fail(where(file) + "no such file");
  try {
    const int flags = SQLite::OPEN_READWRITE | (exists ? 0 : SQLite::OPEN_CREATE);
    auto db = std::make_unique<SQLite::Database>(file, flags, kBusyTimeoutMs);
    if (auto identity = check_identity(*db, file, steps.size()); !identity) return identity.error();
    const int version = migrate(*db, steps);
    use_write_ahead_log(*db);
    if (version > static_cast<int>(steps.size())) {
      return fail(where(file) + "schema version " + std::to_string(version) + " is newer than this build knows");
    }
    return HistoryDb(file, std::move(db), version);
  } catch (const SQLite::Exception& error) {
    return fail(where(file) + error.what());
  }
}

Expected<void> HistoryDb::record(const RunRecord& run) { return record_all({run}); }

Expected<void> HistoryDb::record_all(const std::vector<RunRecord>& runs) {
  for (const auto& run : runs) {
    if (const auto reason = invalid_reason(run); !reason.empty()) {
      return fail(where(file_) + key_of(run) + ": " + reason);
    }
  }
  return store_in_transaction(runs);
}

Expected<void> HistoryDb::store_in_transaction(const std::vector<RunRecord>& runs) {
  try {
    SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement upsert(*db_, std::string(kUpsert));
    for (const auto& run : runs) {
      bind_run(upsert, run);
      upsert.exec();
      upsert.reset();
    }
    transaction.commit();
    return outcome::success();
  } catch (const SQLite::Exception& error) {
    return fail(where(file_) + "storing " + std::to_string(runs.size()) + " runs: " + error.what());
  }
}

Expected<std::vector<RunRecord>> HistoryDb::runs() const {
  try {
    SQLite::Statement select(*db_, std::string(kSelectRuns));
    std::vector<RunRecord> records;
    while (select.executeStep()) {
      auto record = row_to_record(select, file_);
      if (!record) return record.error();
      records.push_back(std::move(record).value());
    }
    return records;
  } catch (const SQLite::Exception& error) {
    return fail(where(file_) + "reading runs: " + error.what());
  }
}

Expected<std::vector<std::string>> HistoryDb::nights() const {
  try {
    SQLite::Statement select(*db_, "SELECT DISTINCT night FROM runs ORDER BY night");
    std::vector<std::string> nights;
    while (select.executeStep()) nights.push_back(select.getColumn(0).getString());
    return nights;
  } catch (const SQLite::Exception& error) {
    return fail(where(file_) + "reading nights: " + error.what());
  }
}

}  // namespace bh
