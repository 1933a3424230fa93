// The CI configurations cannot run here, so this checks what can be checked: every
// bcache-harness command .github/workflows/nightly.yml and .gitlab-ci.yml run is one that
// scripts/nightly runs too (and the other way round), each parses with the real command line
// (bh::cli::check_arguments) once its variables are filled in, the shard counts agree, and
// the systemd service runs scripts/nightly.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/strings.h"
#include "harness/cli/cli.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = BH_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The command part of a shell line that runs "$BH" (what precedes "||"), trimmed.
std::string harness_command(std::string_view line) {
  line = trim(line);
  if (line.size() >= 2 && line.front() == '\'' && line.back() == '\'') line = line.substr(1, line.size() - 2);
  if (const auto alternative = line.find(" || "); alternative != std::string_view::npos)
    line = line.substr(0, alternative);
  return std::string(trim(line));
}

void collect_lines(const std::string& script, std::set<std::string>& commands) {
  for (auto line : split_lines(script)) {
    if (trim(line).starts_with("\"$BH\" ") || trim(line).starts_with("'\"$BH\" ")) {
      commands.insert(harness_command(line));
    }
  }
}

/// Every string a YAML node holds, depth first (GitLab's script lists nest through anchors).
void collect_strings(const YAML::Node& node, std::set<std::string>& commands) {
  if (node.IsScalar()) return collect_lines(node.as<std::string>(), commands);
  if (node.IsSequence()) {
    for (const auto& item : node) collect_strings(item, commands);
  }
}

std::set<std::string> github_commands(const YAML::Node& workflow) {
  std::set<std::string> commands;
  for (const auto& job : workflow["jobs"]) {
    for (const auto& step : job.second["steps"]) {
      if (step["run"]) collect_lines(step["run"].as<std::string>(), commands);
    }
  }
  return commands;
}

std::set<std::string> gitlab_commands(const YAML::Node& pipeline) {
  std::set<std::string> commands;
  for (const auto& job : pipeline) {
    if (job.second.IsMap() && job.second["script"]) collect_strings(job.second["script"], commands);
  }
  return commands;
}

std::set<std::string> script_commands() {
  std::set<std::string> commands;
  collect_lines(read_text(kSource / "scripts" / "nightly"), commands);
  return commands;
}

/// The words a shell would pass, with $VARS filled in from `values` and a trailing glob
/// replaced by one match.
std::vector<std::string> words(const std::string& command, const std::map<std::string, std::string>& values) {
  std::string expanded;
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (command[i] != '$') {
      expanded += command[i];
      continue;
    }
    std::size_t end = i + 1;
    while (end < command.size() && (std::isalnum(static_cast<unsigned char>(command[end])) || command[end] == '_'))
      ++end;
    const auto name = command.substr(i + 1, end - i - 1);
    EXPECT_TRUE(values.count(name)) << "unknown variable $" << name << " in " << command;
    expanded += values.count(name) ? values.at(name) : "";
    i = end - 1;
  }
  std::vector<std::string> result;
  std::string word;
  bool quoted = false, any = false;
  for (char c : expanded) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) result.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) result.push_back(word);
  for (auto& each : result) {
    if (const auto star = each.find('*'); star != std::string::npos) each.replace(star, 1, "1");
  }
  return result;
}

const std::map<std::string, std::string> kValues = {{"BH", "bcache-harness"}, {"MATRIX", "jobs/matrices/nightly.toml"},
                                                    {"WORK", "nightly"},      {"NIGHT", "2026-12-04"},
                                                    {"SHARD", "1"},           {"SHARDS", "2"}};

TEST(CiConfig, GithubGitlabAndTheScriptRunTheSameHarnessCommands) {
  const auto script = script_commands();
  ASSERT_EQ(script.size(), 3u) << "nightly, history import, history";
  EXPECT_EQ(github_commands(YAML::LoadFile(kSource / ".github/workflows/nightly.yml")), script);
  EXPECT_EQ(gitlab_commands(YAML::LoadFile(kSource / ".gitlab-ci.yml")), script);
}

TEST(CiConfig, EveryCommandExistsAndParsesItsFlags) {
  std::set<std::string> chosen;
  for (const auto& command : script_commands()) {
    auto args = words(command, kValues);
    ASSERT_GE(args.size(), 2u) << command;
    EXPECT_EQ(args.front(), "bcache-harness");
    args.erase(args.begin());
    auto parsed = cli::check_arguments(args);
    ASSERT_TRUE(parsed) << command << ": " << parsed.error().message;
    chosen.insert(parsed.value());
  }
  EXPECT_EQ(chosen, (std::set<std::string>{"nightly", "history import", "history"}));
}

TEST(CiConfig, TheCheckRejectsWhatTheHarnessWouldReject) {
  EXPECT_FALSE(cli::check_arguments({"nightly", "--matrix", "m.toml", "--db", "d.db"})) << "--out is required";
  EXPECT_FALSE(cli::check_arguments({"history", "import", "--db", "d.db"})) << "directories are required";
  EXPECT_FALSE(cli::check_arguments({"nightly", "--matrx", "m.toml"}));
  EXPECT_FALSE(cli::check_arguments({"nitely"}));
  EXPECT_EQ(cli::check_arguments({"report", "--kcidb", "k.json", "dir"}).value(), "report");
  EXPECT_EQ(cli::check_arguments({"compare", "a", "b"}).value(), "compare");
}

TEST(CiConfig, ShardCountsAgreeAndTheMatrixExists) {
  const auto workflow = YAML::LoadFile(kSource / ".github/workflows/nightly.yml");
  const auto shards = std::stoi(workflow["env"]["SHARDS"].as<std::string>());
  EXPECT_EQ(workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"].size(), static_cast<std::size_t>(shards));
  const auto pipeline = YAML::LoadFile(kSource / ".gitlab-ci.yml");
  EXPECT_EQ(pipeline["shard"]["parallel"].as<int>(), shards);
  EXPECT_EQ(std::stoi(pipeline["variables"]["SHARDS"].as<std::string>()), shards);
  for (const auto& matrix :
       {workflow["env"]["MATRIX"].as<std::string>(), pipeline["variables"]["MATRIX"].as<std::string>()}) {
    EXPECT_TRUE(fs::exists(kSource / matrix)) << matrix;
    EXPECT_EQ(matrix, kValues.at("MATRIX"));
  }
  EXPECT_EQ(workflow["env"]["BH"].as<std::string>(), "build/harness/cli/bcache-harness");
  EXPECT_EQ(pipeline["variables"]["BH"].as<std::string>(), "build/harness/cli/bcache-harness");
  EXPECT_NE(read_text(kSource / "scripts" / "nightly").find("BH=build/harness/cli/bcache-harness"), std::string::npos);
}

TEST(CiConfig, TheSystemdServiceRunsTheScriptOnATimer) {
  const auto service = read_text(kSource / "scripts/systemd/bcache-harness-nightly.service");
  EXPECT_NE(service.find("ExecStart=/opt/bcache-harness/scripts/nightly"), std::string::npos);
  const auto timer = read_text(kSource / "scripts/systemd/bcache-harness-nightly.timer");
  EXPECT_NE(timer.find("OnCalendar="), std::string::npos);
  EXPECT_NE(timer.find("WantedBy=timers.target"), std::string::npos);
  EXPECT_TRUE(fs::exists(kSource / "scripts" / "nightly"));
}

}  // namespace
}  // namespace bh
