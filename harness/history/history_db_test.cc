#include "harness/history/history_db.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <latch>
#include <random>
#include <thread>

#include "harness/history/test_support.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

using testing::raw_rows;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Mode = HistoryDb::Mode;

RunRecord sample_run(const std::string& kernel, const std::string& scenario, int index) {
  RunRecord run;
  run.night = "2026-12-04";
  run.kernel_name = kernel;
  run.kernel_spec = "module:/x/bcache.ko@debian:" + kernel;
  run.kernel_release = "6.1.0-57-amd64";
  run.scenario = scenario;
  run.kind = "race";
  run.run_index = index;
  run.seed = 0xFFFF'FFFF'FFFF'FF00ull + index;  // above INT64_MAX: the column keeps every bit
  run.status = index % 2 ? "FAIL" : "PASS";
  run.run = {{"seed", run.seed},
             {"status", run.status},
             {"stale_blocks", 212 + index},
             {"reason", "212 stale_blocks"},
             {"iops", {{"read", 3286.941202}, {"write", 0.1}}},
             {"stale_examples", nlohmann::json::array({{{"block", 7}, {"gen", -1}}})},
             {"allocinfo", nullptr},
             {"note", "quotes \" and unicode \u00e9"}};
  run.provenance = {{"harness", "0.9"}, {"accel", "tcg"}, {"command_line", {"run", "--seed", "1"}}};
  return run;
}

std::string file_bytes(const fs::path& path) { return read_file(path).value(); }

int count_runs(const fs::path& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY, 10'000);
  return db.execAndGet("SELECT count(*) FROM runs").getInt();
}

class HistoryDbTest : public ::testing::Test {
 protected:
  HistoryDb open_new() {
    auto db = HistoryDb::open(file_, Mode::kCreateIfMissing);
    EXPECT_TRUE(db) << db.error().message;
    return std::move(db).value();
  }

  TempDir dir_{"history-db"};
  fs::path file_ = dir_.path() / "history.sqlite";
};

TEST_F(HistoryDbTest, RunsComeBackAsRecordedInKeyOrder) {
  const auto a = sample_run("stock", "race-writearound", 2), b = sample_run("candidate", "race-seq-bypass", 1);
  auto c = sample_run("stock", "race-seq-bypass", 1);
  c.night = "2026-12-03";
  c.kernel_release = "";
  c.provenance = nlohmann::json::object();
  {
    auto db = open_new();
    ASSERT_TRUE(db.record(a));
    ASSERT_TRUE(db.record_all({b, c}));
  }
  auto db = HistoryDb::open(file_, Mode::kOpenExisting);
  ASSERT_TRUE(db) << db.error().message;
  const auto runs = db.value().runs();
  ASSERT_TRUE(runs) << runs.error().message;
  EXPECT_EQ(runs.value(), (std::vector<RunRecord>{c, b, a}));
  EXPECT_EQ(db.value().nights().value(), (std::vector<std::string>{"2026-12-03", "2026-12-04"}));
}

TEST_F(HistoryDbTest, TheExtractedColumnsHoldTheRunsFields) {
  auto run = sample_run("stock", "race-seq-bypass", 3);
  run.run["race_windows"] = 216;
  ASSERT_TRUE(open_new().record(run));
  SQLite::Database db(file_, SQLite::OPEN_READONLY);
  SQLite::Statement select(db, "SELECT stale_blocks, race_windows, reason, status, seed, recorded_at FROM runs");
  ASSERT_TRUE(select.executeStep());
  EXPECT_EQ(select.getColumn(0).getInt(), 215);
  EXPECT_EQ(select.getColumn(1).getInt(), 216);
  EXPECT_EQ(select.getColumn(2).getString(), "212 stale_blocks");
  EXPECT_EQ(select.getColumn(3).getString(), "FAIL");
  EXPECT_EQ(static_cast<std::uint64_t>(select.getColumn(4).getInt64()), run.seed);
  EXPECT_THAT(select.getColumn(5).getString(), ::testing::MatchesRegex(R"(20[0-9-]+T[0-9:.]+Z)"));
}

TEST_F(HistoryDbTest, StoringTheSameKeyReplacesTheRun) {
  auto db = open_new();
  auto run = sample_run("stock", "race-seq-bypass", 1);
  ASSERT_TRUE(db.record(run));
  run.status = "ERROR";
  run.run["status"] = "ERROR";
  ASSERT_TRUE(db.record(run));
  EXPECT_EQ(db.runs().value(), std::vector<RunRecord>{run});
}

TEST_F(HistoryDbTest, StoringAnIdenticalRunLeavesItsRowUntouched) {
  auto db = open_new();
  const auto run = sample_run("stock", "race-seq-bypass", 1);
  ASSERT_TRUE(db.record(run));
  const auto before = raw_rows(file_);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // recorded_at has milliseconds
  ASSERT_TRUE(db.record(run));
  EXPECT_EQ(raw_rows(file_), before);
}

TEST_F(HistoryDbTest, AnInvalidRunStoresNothingOfItsBatch) {
  auto db = open_new();
  auto bad = sample_run("stock", "race-seq-bypass", 2);
  bad.status = "BROKEN";
  const auto stored = db.record_all({sample_run("stock", "race-seq-bypass", 1), bad});
  ASSERT_FALSE(stored);
  EXPECT_THAT(stored.error().message, HasSubstr("race-seq-bypass run 2: status \"BROKEN\""));
  EXPECT_TRUE(db.runs().value().empty());
}

TEST_F(HistoryDbTest, OpeningAMissingFileNeedsCreate) {
  const auto missing = HistoryDb::open(file_, Mode::kOpenExisting);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr(file_.string()));
  EXPECT_FALSE(fs::exists(file_));

  const auto created = HistoryDb::open(file_, Mode::kCreateIfMissing);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(fs::exists(file_));
  EXPECT_EQ(created.value().schema_version(), static_cast<int>(history_schema_steps().size()));
  SQLite::Database db(file_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA application_id").getInt(), kHistoryApplicationId);
  EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), 1);
}

TEST_F(HistoryDbTest, AnEmptyFileGetsTheSchema) {
  std::ofstream{file_};
  const auto db = HistoryDb::open(file_, Mode::kOpenExisting);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db.value().schema_version(), 1);
  EXPECT_TRUE(db.value().runs().value().empty());
}

/// Opening `file` in either mode fails with `why` and the file's name, and leaves its bytes as they were.
void expect_refused_untouched(const fs::path& file, const std::string& why) {
  const auto before = file_bytes(file);
  for (const auto mode : {Mode::kOpenExisting, Mode::kCreateIfMissing}) {
    const auto db = HistoryDb::open(file, mode);
    ASSERT_FALSE(db);
    EXPECT_THAT(db.error().message, HasSubstr(file.string()));
    EXPECT_THAT(db.error().message, HasSubstr(why));
  }
  EXPECT_EQ(file_bytes(file), before);
  EXPECT_FALSE(fs::exists(file.string() + "-journal"));
}

TEST_F(HistoryDbTest, RefusesAnotherApplicationsDatabase) {
  {
    SQLite::Database db(file_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE foo (x INTEGER); INSERT INTO foo VALUES (1)");
  }
  expect_refused_untouched(file_, "not a bcache-harness history database");
}

TEST_F(HistoryDbTest, RefusesADatabaseWithAnotherApplicationId) {
  {
    SQLite::Database db(file_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA application_id = 305419896");
  }
  expect_refused_untouched(file_, "application_id 0x12345678");
}

TEST_F(HistoryDbTest, RefusesAFileThatIsNoDatabase) {
  std::mt19937 random(42);
  std::string garbage(8192, '\0');
  for (auto& byte : garbage) byte = static_cast<char>(random());
  ASSERT_TRUE(write_file_atomically(file_, garbage));
  expect_refused_untouched(file_, "file is not a database");
}

TEST_F(HistoryDbTest, RefusesANewerSchema) {
  {
    SQLite::Database db(file_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA application_id = " + std::to_string(kHistoryApplicationId));
    db.exec("PRAGMA user_version = 99; CREATE TABLE runs_v99 (x)");
  }
  expect_refused_untouched(file_, "schema version 99 is newer than this build knows (1)");
}

TEST_F(HistoryDbTest, RefusesACorruptHistory) {
  {
    auto db = open_new();
    for (int i = 1; i <= 50; ++i) ASSERT_TRUE(db.record(sample_run("stock", "race-seq-bypass", i)));
  }
  auto bytes = file_bytes(file_);
  ASSERT_GT(bytes.size(), 3 * 4096u);
  std::fill_n(bytes.begin() + 2 * 4096, 64, '\xff');  // page 3: the header of one of the runs b-trees
  ASSERT_TRUE(write_file_atomically(file_, bytes));
  const auto db = HistoryDb::open(file_, Mode::kOpenExisting);
  ASSERT_FALSE(db);
  EXPECT_THAT(db.error().message, HasSubstr(file_.string()));
}

const std::string_view kTestSchema2 = "ALTER TABLE runs ADD COLUMN note TEXT";

TEST_F(HistoryDbTest, AnOlderSchemaIsMigratedKeepingItsRuns) {
  const auto run = sample_run("stock", "race-seq-bypass", 1);
  ASSERT_TRUE(open_new().record(run));
  std::vector<std::string_view> steps = history_schema_steps();
  steps.push_back(kTestSchema2);

  auto db = HistoryDb::open_with_schema(file_, Mode::kOpenExisting, steps);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db.value().schema_version(), 2);
  EXPECT_EQ(db.value().runs().value(), std::vector<RunRecord>{run});
  SQLite::Database raw(file_, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 2);
  EXPECT_TRUE(raw.execAndGet("SELECT note FROM runs").isNull());
}

TEST_F(HistoryDbTest, AMigratedFileIsNewerThanTheOlderBuild) {
  open_new();
  std::vector<std::string_view> steps = history_schema_steps();
  steps.push_back(kTestSchema2);
  ASSERT_TRUE(HistoryDb::open_with_schema(file_, Mode::kOpenExisting, steps));
  expect_refused_untouched(file_, "schema version 2 is newer than this build knows (1)");
}

TEST_F(HistoryDbTest, AFailedMigrationStepLeavesThePreviousVersion) {
  const auto run = sample_run("stock", "race-seq-bypass", 1);
  ASSERT_TRUE(open_new().record(run));
  std::vector<std::string_view> steps = history_schema_steps();
  steps.push_back("CREATE TABLE half_done (x); THIS IS NOT SQL");

  const auto failed = HistoryDb::open_with_schema(file_, Mode::kOpenExisting, steps);
  ASSERT_FALSE(failed);
  EXPECT_THAT(failed.error().message, HasSubstr(file_.string()));
  SQLite::Database raw(file_, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), 1);
  EXPECT_FALSE(raw.tableExists("half_done"));
  auto db = HistoryDb::open(file_, Mode::kOpenExisting);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db.value().runs().value(), std::vector<RunRecord>{run});
}

TEST_F(HistoryDbTest, TwoWritersAtOnceBothStoreEveryRun) {
  std::latch start(2);
  auto write = [&](const std::string& kernel) {
    start.arrive_and_wait();
    auto db = HistoryDb::open(file_, Mode::kCreateIfMissing);  // both create the missing file at once
    ASSERT_TRUE(db) << db.error().message;
    for (int i = 1; i <= 30; ++i) ASSERT_TRUE(db.value().record(sample_run(kernel, "race-seq-bypass", i)));
  };
  std::thread stock(write, "stock"), candidate(write, "candidate");
  stock.join();
  candidate.join();
  EXPECT_EQ(count_runs(file_), 60);
}

/// What the writer child stores as run `index`: big enough that a torn write could not parse.
RunRecord durability_run(int index) {
  auto run = sample_run("stock", "race-seq-bypass", index);
  run.run["payload"] = std::string(3000, static_cast<char>('a' + index % 26));
  return run;
}

/// Opens the history and records runs 1, 2, 3, ... until killed (or a minute passes).
[[noreturn]] void write_runs_forever(const fs::path& file) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  auto db = HistoryDb::open(file, Mode::kOpenExisting);
  if (!db) ::_exit(2);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (int index = 1; std::chrono::steady_clock::now() < deadline; ++index) {
    if (!db.value().record(durability_run(index))) ::_exit(3);
  }
  ::_exit(0);
}

/// Kills and reaps the child on every path out of the test.
struct KilledOnExit {
  pid_t pid;
  ~KilledOnExit() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

TEST_F(HistoryDbTest, AWriterKilledMidStreamLeavesEveryCommittedRun) {
  open_new();  // closed again before the fork: no SQLite connection may cross it
  KilledOnExit child{::fork()};
  ASSERT_GE(child.pid, 0);
  if (child.pid == 0) write_runs_forever(file_);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_runs(file_) < 20) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the writer stored too few runs";
    ASSERT_EQ(::waitpid(child.pid, nullptr, WNOHANG), 0) << "the writer exited";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(::kill(child.pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child.pid, &status, 0), child.pid);
  child.pid = 0;
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_TRUE(fs::exists(file_.string() + "-wal"));  // the committed runs are in the log: reopening recovers them

  auto db = HistoryDb::open(file_, Mode::kOpenExisting);
  ASSERT_TRUE(db) << db.error().message;
  const auto runs = db.value().runs();
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_GE(runs.value().size(), 20u);
  for (const auto& run : runs.value()) EXPECT_EQ(run, durability_run(run.run_index));
  EXPECT_EQ(runs.value().back().run_index, static_cast<int>(runs.value().size()));  // 1..n, none lost
  SQLite::Database raw(file_, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA quick_check").getString(), "ok");
}

}  // namespace
}  // namespace bh
