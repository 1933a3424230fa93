#pragma once
/// KernelCI KCIDB I/O (schema v5.3) from harness results: one checkout and one build per
/// kernel, one test per run (and per power cut), and for a perf run that measured one DONE
/// test per metric, so that KCIDB's dashboards can show and compare them.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/expected.h"

namespace bh {

/// Where KCIDB objects come from and how their test paths are named.
struct KcidbOptions {
  std::string origin = "bcache_harness";     ///< KCIDB origin: [a-z0-9_]+ (checked)
  std::string test_root = "bcache_harness";  ///< first component of every test path
  std::string
      id_suffix;  ///< appended to every id to make it unique per night/run dir, e.g. "2026-12-04" (may be empty)
};

/// One summary.json (schema 1) with the name the user gave its kernel (e.g. "stock", or the spec).
struct KcidbSource {
  std::string kernel_name;
  nlohmann::json summary;
};

/// The KCIDB v5.3 document {"version": {"major": 5, "minor": 3}, "checkouts": [...], "builds": [...], "tests": [...]}
/// for the given summaries. Sources that share a kernel name share its checkout and build
/// (`ORIGIN:checkout_KERNEL`, `ORIGIN:build_KERNEL`). Each run is the test
/// `ORIGIN:test_KERNEL_SCENARIO_run_N` with the path `TEST_ROOT.SCENARIO.run_N` (N 1-based;
/// KERNEL and SCENARIO with every character but letters, digits and '_' made '_'; ids end in
/// `_ID_SUFFIX` when one is given); its power cuts and, for a perf run that measured, its
/// metrics are tests below it (`...run_N.power_cut_I`, `...run_N.latency_us_read_p99`). The
/// tests' start time is the summary's `provenance.started_at`: when that harness run began.
/// Fails (naming what) on an origin that is not [a-z0-9_]+, a test root that is not a KCIDB
/// path, an empty kernel name, a summary without "scenarios", a scenario without a name, one
/// kernel name given to two kernel specs, or two objects that would get the same id.
Expected<nlohmann::json> kcidb_document(const std::vector<KcidbSource>& sources, const KcidbOptions& options);

/// KCIDB's test status for a harness run status and scenario kind: PASS, FAIL, ERROR, SKIP as themselves; a perf run
/// that measured (PASS) is DONE; anything unknown is ERROR.
std::string kcidb_status(const std::string& harness_status, const std::string& kind);

}  // namespace bh
