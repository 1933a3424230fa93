#pragma once
/// The nightly history: every run of every night in one SQLite file, so trends across nights
/// are a query away. The file identifies itself (PRAGMA application_id) and carries its schema
/// version (PRAGMA user_version); files this build does not recognise are refused, never touched.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace SQLite {
class Database;
}

namespace bh {

/// One run as the history keeps it: what the night, kernel and scenario were, and the run object of summary.json.
struct RunRecord {
  std::string night;  ///< e.g. "2026-12-04" (the nightly's --night)
  /// The matrix's name for the kernel ("stock", "candidate"); for a plain run directory, its spec.
  std::string kernel_name;
  std::string kernel_spec;     ///< e.g. "module:/x/bcache.ko@debian:stock"
  std::string kernel_release;  ///< e.g. "6.1.0-57-amd64" (may be empty)
  std::string scenario;        ///< e.g. "race-seq-bypass" or "fix-eval-memory-size:1t"
  std::string kind;            ///< race, control, perf
  int run_index = 0;           ///< 1-based within the scenario on that kernel that night
  std::uint64_t seed = 0;
  std::string status;  ///< PASS FAIL ERROR SKIP
  nlohmann::json run;  ///< the run object exactly as summary.json holds it
  /// summary.json's "provenance" (harness/qemu/fio version, host cpu, accel, command line, start time).
  nlohmann::json provenance = nlohmann::json::object();

  friend bool operator==(const RunRecord&, const RunRecord&) = default;
};

/// PRAGMA application_id of a history file: 0x62684831, "bhH1" in ASCII (bcache-harness History).
inline constexpr std::int32_t kHistoryApplicationId = 0x62684831;

/// The SQL steps of the history schema: step N takes a file from version N to N+1, so the
/// schema version of this build is their count. A new schema is one more entry, never an edit.
const std::vector<std::string_view>& history_schema_steps();

/// The nightly history: a SQLite file with a versioned schema. Opening refuses, with an error naming the file and why,
/// a file that is not a SQLite database, a SQLite database of another application, or one whose schema is newer than
/// this build knows; such files are never modified. A missing file is created (with the schema) only when `create` is
/// true.
class HistoryDb {
 public:
  enum class Mode { kOpenExisting, kCreateIfMissing };

  /// Opens (or creates) `file`, bringing an older schema up to this build's. A 0-byte file gets the schema in
  /// either mode; a missing one only with kCreateIfMissing.
  static Expected<HistoryDb> open(const std::filesystem::path& file, Mode mode);
  /// As open, with the schema steps given: for tests of the migration mechanism.
  static Expected<HistoryDb> open_with_schema(const std::filesystem::path& file, Mode mode,
                                              const std::vector<std::string_view>& steps);

  HistoryDb(HistoryDb&&) noexcept;
  HistoryDb& operator=(HistoryDb&&) noexcept;
  ~HistoryDb();

  /// Stores one run in its own transaction; storing the same key (night, kernel_name, scenario, run_index) again
  /// replaces it (re-import is idempotent: an identical run leaves its row, recorded_at included, untouched).
  Expected<void> record(const RunRecord& run);
  /// Stores many runs in one transaction (for imports), same replace rule; on error none is stored.
  Expected<void> record_all(const std::vector<RunRecord>& runs);
  /// Every run, ordered by night, kernel_name, scenario, run_index.
  Expected<std::vector<RunRecord>> runs() const;
  /// The nights present, oldest first.
  Expected<std::vector<std::string>> nights() const;
  /// The schema version this file has (after migrations).
  int schema_version() const { return schema_version_; }
  /// The file this history lives in.
  const std::filesystem::path& file() const { return file_; }

 private:
  HistoryDb(std::filesystem::path file, std::unique_ptr<SQLite::Database> db, int schema_version);
  Expected<void> store_in_transaction(const std::vector<RunRecord>& runs);

  std::filesystem::path file_;
  std::unique_ptr<SQLite::Database> db_;
  int schema_version_ = 0;
};

}  // namespace bh
