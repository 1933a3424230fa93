#include "harness/reports/kcidb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace bh {
namespace {

using Json = nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Json fixture(const std::string& name) {
  std::ifstream in(std::string(BH_SOURCE_DIR) + "/tests/fixtures/kcidb/" + name);
  if (!in) throw std::runtime_error("cannot read fixture " + name);
  return Json::parse(in);
}

/// KCIDB's own schema v5.3 (tests/fixtures/kcidb/README.md says where it comes from).
const valijson::Schema& kcidb_schema() {
  static const Json document = fixture("v05_03.schema.json");
  static valijson::Schema schema;
  static const bool parsed = [] {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), schema);
    return true;
  }();
  EXPECT_TRUE(parsed);
  return schema;
}

/// What the schema finds wrong with `document`, one "<root>.[tests].[0].[status]: why" per error.
std::vector<std::string> schema_errors(const Json& document) {
  valijson::Validator validator;
  valijson::ValidationResults results;
  const bool valid = validator.validate(kcidb_schema(), valijson::adapters::NlohmannJsonAdapter(document), &results);
  std::vector<std::string> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const auto& step : error.context) where += (where.empty() ? "" : ".") + step;
    errors.push_back(where + ": " + error.description);
  }
  if (!valid && errors.empty()) errors.push_back("invalid, without a reason");
  return errors;
}

Json document(const std::vector<KcidbSource>& sources, const KcidbOptions& options = {}) {
  auto result = kcidb_document(sources, options);
  if (!result) throw std::runtime_error(result.error().message);
  return result.value();
}

/// The real race FAIL and control PASS on 6.12, and the perf runs on 6.1.
std::vector<KcidbSource> real_sources() {
  return {{"stock-6.12", fixture("race-writearound-6.12.summary.json")},
          {"stock-6.12", fixture("control-no-cache-6.12.summary.json")},
          {"stock-6.1", fixture("perf-6.1.summary.json")}};
}

/// The test with `path`; fails the test (by throwing) when there is none.
const Json& test_at(const Json& document, const std::string& path) {
  for (const auto& test : document.at("tests")) {
    if (test.at("path") == path) return test;
  }
  throw std::runtime_error("no test with path " + path);
}

std::vector<std::string> paths(const Json& document) {
  std::vector<std::string> out;
  for (const auto& test : document.at("tests")) out.push_back(test.at("path").get<std::string>());
  return out;
}

/// A small hand-made summary: one scenario of `kind` with `runs`.
Json summary(const std::string& scenario, const std::string& kind, Json runs) {
  return {{"schema", 1},
          {"status", "PASS"},
          {"accel", "tcg"},
          {"kernel", {{"spec", "debian:6.12.107+deb12-amd64"}, {"release", "6.12.107+deb12-amd64"}}},
          {"scenarios", {{{"name", scenario}, {"kind", kind}, {"status", "PASS"}, {"runs", std::move(runs)}}}}};
}

TEST(KcidbDocument, RealSummariesValidateAgainstKcidbSchema) {
  const auto doc = document(real_sources(), {.id_suffix = "2026-12-04"});
  EXPECT_THAT(schema_errors(doc), IsEmpty());
  EXPECT_EQ(doc.at("version"), Json({{"major", 5}, {"minor", 3}}));
  EXPECT_EQ(doc.at("checkouts").size(), 2u);
  EXPECT_EQ(doc.at("builds").size(), 2u);
  // race 1 + control 1 + fix-eval 1:1t (run, write p99 and IOPS, memory) + perf-randrw (run, 4 metrics, memory)
  EXPECT_EQ(doc.at("tests").size(), 12u);
}

TEST(KcidbDocument, ValidatorRejectsBrokenDocuments) {
  const auto good = document(real_sources());
  ASSERT_THAT(schema_errors(good), IsEmpty());
  auto bad_status = good;
  bad_status["tests"][0]["status"] = "BROKEN";
  EXPECT_THAT(schema_errors(bad_status), Contains(HasSubstr("<root>.[tests].[0].[status]")));
  auto no_origin = good;
  no_origin["builds"][0].erase("origin");
  EXPECT_THAT(schema_errors(no_origin), Contains(HasSubstr("<root>.[builds].[0]")));
  auto bad_path = good;
  bad_path["tests"][0]["path"] = "bcache_harness.race:writearound";
  EXPECT_THAT(schema_errors(bad_path), Not(IsEmpty()));
  auto bad_time = good;
  bad_time["checkouts"][0]["start_time"] = "yesterday";
  EXPECT_THAT(schema_errors(bad_time), Not(IsEmpty()));
}

TEST(KcidbDocument, CheckoutAndBuildPerKernel) {
  const auto doc = document(real_sources(), {.id_suffix = "2026-12-04"});
  const auto& checkout = doc.at("checkouts").at(0);
  EXPECT_EQ(checkout.at("id"), "bcache_harness:checkout_stock_6_12_2026-12-04");
  EXPECT_EQ(checkout.at("misc").at("spec"), "debian:6.12.107+deb12-amd64");
  EXPECT_FALSE(checkout.contains("git_commit_hash"));
  EXPECT_FALSE(checkout.contains("start_time"));  // these summaries have no provenance
  const auto& build = doc.at("builds").at(1);
  EXPECT_EQ(build.at("id"), "bcache_harness:build_stock_6_1_2026-12-04");
  EXPECT_EQ(build.at("checkout_id"), "bcache_harness:checkout_stock_6_1_2026-12-04");
  EXPECT_EQ(build.at("config_name"), "debian:stock");
  EXPECT_EQ(build.at("architecture"), "x86_64");
  EXPECT_EQ(build.at("status"), "PASS");
  EXPECT_EQ(build.at("misc").at("release"), "6.1.0-57-amd64");
}

TEST(KcidbDocument, RaceRunThatFoundStaleDataFails) {
  const auto doc = document(real_sources());
  const auto& test = test_at(doc, "bcache_harness.race_writearound.run_1");
  EXPECT_EQ(test.at("id"), "bcache_harness:test_stock_6_12_race_writearound_run_1");
  EXPECT_EQ(test.at("build_id"), "bcache_harness:build_stock_6_12");
  EXPECT_EQ(test.at("status"), "FAIL");
  EXPECT_EQ(test.at("misc").at("stale_blocks"), 526);
  EXPECT_EQ(test.at("misc").at("reason"), "526 stale_blocks");
  EXPECT_EQ(test.at("misc").at("seed"), 15);
  EXPECT_FALSE(test.contains("number"));
  // Each phase once: "trace" and "memory_trace" are the sums of their trace_* and memory_trace_* parts.
  EXPECT_NEAR(test.at("duration").get<double>(), 26.006538573, 1e-9);
  EXPECT_EQ(test_at(doc, "bcache_harness.control_no_cache.run_1").at("status"), "PASS");
}

TEST(KcidbDocument, PerfRunIsDoneWithItsMetrics) {
  const auto doc = document(real_sources());
  const auto& randrw = test_at(doc, "bcache_harness.perf_randrw.run_1");
  EXPECT_EQ(randrw.at("status"), "DONE");
  EXPECT_EQ(randrw.at("number"), Json({{"value", 25821.184}, {"unit", "us"}}));
  EXPECT_EQ(test_at(doc, "bcache_harness.perf_randrw.run_1.iops_write").at("number"),
            Json({{"value", 1290.535473}, {"unit", "IOPS"}, {"prefix", "metric"}}));
  EXPECT_EQ(test_at(doc, "bcache_harness.perf_randrw.run_1.latency_us_write_p99").at("status"), "DONE");
  EXPECT_EQ(test_at(doc, "bcache_harness.perf_randrw.run_1.bcache_memory_peak_minus_baseline_bytes").at("number"),
            Json({{"value", 65536}, {"unit", "B"}, {"prefix", "binary"}}));
  // A write-only run's own number is its write p99.
  const auto& writes = test_at(doc, "bcache_harness.fix_eval_memory_size_1t.run_1");
  EXPECT_EQ(writes.at("number"), Json({{"value", 34814.02}, {"unit", "us"}}));
  EXPECT_THAT(paths(doc), Not(Contains("bcache_harness.fix_eval_memory_size_1t.run_1.iops_read")));
}

TEST(KcidbDocument, PerfRunThatErroredHasNoMetrics) {
  auto perf = fixture("perf-6.1.summary.json");
  perf["scenarios"][1]["runs"][0]["status"] = "ERROR";
  const auto doc = document({{"stock", perf}});
  EXPECT_EQ(test_at(doc, "bcache_harness.perf_randrw.run_1").at("status"), "ERROR");
  EXPECT_FALSE(test_at(doc, "bcache_harness.perf_randrw.run_1").contains("number"));
  EXPECT_THAT(paths(doc), Not(Contains("bcache_harness.perf_randrw.run_1.iops_read")));
}

TEST(KcidbDocument, ScenarioVariantRunPathAndId) {
  const auto doc = document({{"stock", summary("fix-eval-memory-size:1t", "perf",
                                               Json::array({{{"status", "PASS"}}, {{"status", "PASS"}}}))}});
  EXPECT_THAT(schema_errors(doc), IsEmpty());
  const auto& run_2 = test_at(doc, "bcache_harness.fix_eval_memory_size_1t.run_2");
  EXPECT_EQ(run_2.at("id"), "bcache_harness:test_stock_fix_eval_memory_size_1t_run_2");
  EXPECT_FALSE(run_2.contains("number"));  // DONE, but it measured nothing
}

TEST(KcidbDocument, IdsUniqueAcrossTwoKernels) {
  const auto race = fixture("race-writearound-6.12.summary.json");
  auto patched = race;
  patched["kernel"]["spec"] = "module:/cache/bcache.ko@debian:6.12.107+deb12-amd64";
  const auto doc = document({{"stock", race}, {"patched", patched}});
  EXPECT_THAT(schema_errors(doc), IsEmpty());
  std::set<std::string> ids;
  std::size_t objects = 0;
  for (const char* kind : {"checkouts", "builds", "tests"}) {
    for (const auto& object : doc.at(kind)) {
      ids.insert(object.at("id").get<std::string>());
      ++objects;
    }
  }
  EXPECT_EQ(objects, 6u);
  EXPECT_EQ(ids.size(), objects);
  EXPECT_EQ(doc.at("tests").at(1).at("build_id"), "bcache_harness:build_patched");
}

TEST(KcidbDocument, SameRunTwiceIsAnErrorNamingTheId) {
  const auto race = fixture("race-writearound-6.12.summary.json");
  const auto result = kcidb_document({{"stock", race}, {"stock", race}}, {});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("bcache_harness:test_stock_race_writearound_run_1"));
}

TEST(KcidbDocument, OneNameForTwoKernelsIsAnError) {
  auto other = fixture("race-writearound-6.12.summary.json");
  other["kernel"]["spec"] = "debian:stock";
  const auto result = kcidb_document({{"stock", fixture("control-no-cache-6.12.summary.json")}, {"stock", other}}, {});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("debian:stock"));
}

TEST(KcidbDocument, BadOriginIsAnErrorNamingIt) {
  const auto result = kcidb_document(real_sources(), {.origin = "Bad-Origin"});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("Bad-Origin"));
}

TEST(KcidbDocument, BadTestRootIsAnErrorNamingIt) {
  const auto result = kcidb_document(real_sources(), {.test_root = "bcache harness"});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("bcache harness"));
}

TEST(KcidbDocument, SummaryWithoutScenariosIsAnErrorNamingTheKernel) {
  const auto result = kcidb_document({{"stock", Json{{"schema", 1}, {"status", "PASS"}}}}, {});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("'stock'"));
  EXPECT_THAT(result.error().message, HasSubstr("scenarios"));
}

TEST(KcidbDocument, OriginAndTestRootFromOptions) {
  const auto doc = document(real_sources(), {.origin = "bh_lab2", .test_root = "bcache.stale_race"});
  EXPECT_THAT(schema_errors(doc), IsEmpty());
  const auto& test = test_at(doc, "bcache.stale_race.race_writearound.run_1");
  EXPECT_EQ(test.at("origin"), "bh_lab2");
  EXPECT_EQ(test.at("id"), "bh_lab2:test_stock_6_12_race_writearound_run_1");
}

TEST(KcidbDocument, OneTestPerPowerCut) {
  const Json cuts = {
      {{"index", 1}, {"status", "PASS"}, {"stale_blocks_after_power_cut", 0}, {"timing_s", {{"boot", 2.5}}}},
      {{"index", 2},
       {"status", "FAIL"},
       {"reason", "17 stale_blocks_after_power_cut"},
       {"stale_blocks_after_power_cut", 17}},
      {{"index", 3}}};
  const Json run = {{"seed", 3}, {"status", "FAIL"}, {"timing_s", {{"race", 10.0}}}, {"power_cuts", cuts}};
  const auto doc = document({{"stock", summary("race-seq-bypass", "race", Json::array({run}))}});
  EXPECT_THAT(schema_errors(doc), IsEmpty());
  EXPECT_EQ(test_at(doc, "bcache_harness.race_seq_bypass.run_1").at("duration"), 12.5);
  EXPECT_EQ(test_at(doc, "bcache_harness.race_seq_bypass.run_1.power_cut_1").at("status"), "PASS");
  const auto& failed = test_at(doc, "bcache_harness.race_seq_bypass.run_1.power_cut_2");
  EXPECT_EQ(failed.at("status"), "FAIL");
  EXPECT_EQ(failed.at("id"), "bcache_harness:test_stock_race_seq_bypass_run_1_power_cut_2");
  EXPECT_EQ(failed.at("misc").at("stale_blocks_after_power_cut"), 17);
  EXPECT_EQ(test_at(doc, "bcache_harness.race_seq_bypass.run_1.power_cut_3").at("status"), "ERROR");
}

TEST(KcidbDocument, ProvenanceGivesStartTimeAndEnvironment) {
  auto with_provenance = summary("race-seq-bypass", "race", Json::array({{{"status", "PASS"}}}));
  with_provenance["provenance"] = {
      {"started_at", "2026-12-04T13:53:00Z"}, {"qemu_version", "7.2.15"}, {"fio_version", "fio-3.33"}};
  const auto doc = document({{"stock", with_provenance}});
  EXPECT_THAT(schema_errors(doc), IsEmpty());
  EXPECT_EQ(doc.at("checkouts").at(0).at("start_time"), "2026-12-04T13:53:00Z");
  const auto& test = doc.at("tests").at(0);
  EXPECT_EQ(test.at("start_time"), "2026-12-04T13:53:00Z");
  EXPECT_EQ(test.at("environment").at("misc"),
            Json({{"accel", "tcg"}, {"qemu_version", "7.2.15"}, {"fio_version", "fio-3.33"}}));
  with_provenance["provenance"]["started_at"] = "Thu Dec  4 13:53:00 2026";
  const auto unreadable = document({{"stock", with_provenance}});
  EXPECT_FALSE(unreadable.at("tests").at(0).contains("start_time"));
}

TEST(KcidbStatus, MapsHarnessStatusAndKind) {
  EXPECT_EQ(kcidb_status("PASS", "race"), "PASS");
  EXPECT_EQ(kcidb_status("PASS", "control"), "PASS");
  EXPECT_EQ(kcidb_status("PASS", "perf"), "DONE");
  EXPECT_EQ(kcidb_status("FAIL", "race"), "FAIL");
  EXPECT_EQ(kcidb_status("FAIL", "perf"), "FAIL");
  EXPECT_EQ(kcidb_status("ERROR", "perf"), "ERROR");
  EXPECT_EQ(kcidb_status("SKIP", "race"), "SKIP");
  EXPECT_EQ(kcidb_status("BROKEN", "race"), "ERROR");
  EXPECT_EQ(kcidb_status("", "race"), "ERROR");
  EXPECT_EQ(kcidb_status("pass", "race"), "ERROR");
}

}  // namespace
}  // namespace bh
