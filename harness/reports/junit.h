#pragma once
/// junit.xml: the runs of summary.json as JUnit test results, for CI systems.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "harness/reports/markup_escape.h"

namespace bh::analysis {

/// A <testsuites> document with one <testsuite name="SCENARIO"> per scenario and in it one
/// <testcase classname="bcache-harness.SCENARIO" name="run-N-seed-S" time="SECONDS"> per run
/// (N 1-based; SECONDS the sum of the run's and its power cuts' "timing_s" values). FAIL
/// gives a <failure>, ERROR an <error>, SKIP a <skipped>, each with the reason as message;
/// a status other than PASS is reported as an <error> saying so. Suites count their tests,
/// failures, errors and skipped.
std::string render_junit(const nlohmann::json& summary);

}  // namespace bh::analysis
