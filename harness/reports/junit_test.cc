#include "harness/reports/junit.h"

#include <gtest/gtest.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <sstream>

#include "util/files.h"

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
using Tree = boost::property_tree::ptree;

Json fixture() {
  const auto path = std::string(BH_SOURCE_DIR) + "/tests/fixtures/report/summary.json";
  return Json::parse(read_file(path).value());
}

/// The document parsed back; fails the test (by throwing) when it is not well-formed XML.
Tree parsed(const std::string& xml) {
  std::istringstream in(xml);
  Tree tree;
  boost::property_tree::read_xml(in, tree);
  return tree;
}

std::string attr(const Tree& node, const std::string& name) { return node.get<std::string>("<xmlattr>." + name); }

std::vector<const Tree*> children(const Tree& node, const std::string& tag) {
  std::vector<const Tree*> out;
  for (const auto& [name, child] : node) {
    if (name == tag) out.push_back(&child);
  }
  return out;
}

TEST(XmlEscape, EscapesMarkupKeepsLineBreaksAndReplacesForbiddenCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c'\n\x01"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;\xEF\xBF\xBD");
}

TEST(RenderJunit, OneSuitePerScenarioWithCounts) {
  const auto tree = parsed(render_junit(fixture()));
  const auto& root = tree.get_child("testsuites");
  EXPECT_EQ(attr(root, "tests"), "4");
  EXPECT_EQ(attr(root, "failures"), "1");
  EXPECT_EQ(attr(root, "errors"), "1");
  EXPECT_EQ(attr(root, "skipped"), "1");
  const auto suites = children(root, "testsuite");
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(attr(*suites[0], "name"), "race-writearound-4k");
  EXPECT_EQ(attr(*suites[0], "tests"), "2");
  EXPECT_EQ(attr(*suites[0], "failures"), "1");
  EXPECT_EQ(attr(*suites[0], "errors"), "1");
  EXPECT_EQ(attr(*suites[0], "skipped"), "0");
  EXPECT_EQ(attr(*suites[1], "name"), "perf-randread");
  EXPECT_EQ(attr(*suites[1], "failures"), "0");
  EXPECT_EQ(attr(*suites[1], "skipped"), "1");
}

TEST(RenderJunit, TestcasesNameRunAndSeedAndCarryTheOutcome) {
  const auto tree = parsed(render_junit(fixture()));
  const auto suites = children(tree.get_child("testsuites"), "testsuite");
  const auto race = children(*suites[0], "testcase");
  ASSERT_EQ(race.size(), 2u);
  EXPECT_EQ(attr(*race[0], "classname"), "bcache-harness.race-writearound-4k");
  EXPECT_EQ(attr(*race[0], "name"), "run-1-seed-11");
  EXPECT_EQ(attr(race[0]->get_child("failure"), "message"), "2 stale blocks | first at 0x1000");
  EXPECT_EQ(attr(*race[1], "name"), "run-2-seed-12");
  EXPECT_EQ(attr(race[1]->get_child("error"), "message"), "guest did not answer <ping> & gave up");
  const auto perf = children(*suites[1], "testcase");
  ASSERT_EQ(perf.size(), 2u);
  EXPECT_TRUE(perf[0]->get_child_optional("failure") == boost::none);
  EXPECT_TRUE(perf[0]->get_child_optional("error") == boost::none);
  EXPECT_TRUE(perf[0]->get_child_optional("skipped") == boost::none);
  EXPECT_EQ(attr(perf[1]->get_child("skipped"), "message"), "kernel has no bcache module");
}

TEST(RenderJunit, AFailShowsTheHarnessErrorsOfItsRun) {
  Json summary = fixture();
  auto& run = summary["scenarios"][0]["runs"][0];
  run["errors"] = Json::array({"power-off: QEMU exited with status 1", run["reason"]});
  const auto tree = parsed(render_junit(summary));
  const auto suites = children(tree.get_child("testsuites"), "testsuite");
  const auto cases = children(*suites[0], "testcase");
  const auto text = cases[0]->get<std::string>("failure");
  EXPECT_EQ(text, "2 stale blocks | first at 0x1000\nharness error: power-off: QEMU exited with status 1");
  EXPECT_EQ(attr(tree.get_child("testsuites"), "failures"), "1") << "the run still counts as the kernel's FAIL";
}

TEST(RenderJunit, TimeSumsTheRunsAndItsPowerCutsPhases) {
  const auto tree = parsed(render_junit(fixture()));
  const auto suites = children(tree.get_child("testsuites"), "testsuite");
  const auto race = children(*suites[0], "testcase");
  EXPECT_EQ(attr(*race[0], "time"), "22.250");  // 3.5 + 10.25 + 1 + 2 + 4 + 1.5
  EXPECT_EQ(attr(*race[1], "time"), "30.000");
  EXPECT_EQ(attr(*suites[0], "time"), "52.250");
  const auto perf = children(*suites[1], "testcase");
  EXPECT_EQ(attr(*perf[1], "time"), "0.000");  // no timing_s
}

TEST(RenderJunit, UnknownStatusIsAnErrorAndNamesMayNeedEscaping) {
  const Json summary{
      {"scenarios", {{{"name", "a\"<&>'b"}, {"runs", {{{"seed", 1}, {"status", "WEIRD"}, {"reason", "r\n2"}}}}}}}};
  const auto tree = parsed(render_junit(summary));
  const auto& suite = tree.get_child("testsuites.testsuite");
  EXPECT_EQ(attr(suite, "name"), "a\"<&>'b");
  EXPECT_EQ(attr(suite, "errors"), "1");
  const auto& testcase = suite.get_child("testcase");
  EXPECT_EQ(attr(testcase, "classname"), "bcache-harness.a\"<&>'b");
  EXPECT_EQ(attr(testcase.get_child("error"), "message"), "unknown status WEIRD");
}

TEST(RenderJunit, EmptySummaryIsAnEmptyValidDocument) {
  const auto tree = parsed(render_junit(Json::object()));
  EXPECT_EQ(attr(tree.get_child("testsuites"), "tests"), "0");
  EXPECT_TRUE(children(tree.get_child("testsuites"), "testsuite").empty());
}

}  // namespace
}  // namespace bh::analysis
