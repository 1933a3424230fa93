// The architecture, checked from the sources: every folder includes only the folders its
// layer may use (see the top CMakeLists.txt and harness/CMakeLists.txt), no two modules
// include each other through any chain, and every quoted include names a file that exists.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {
namespace fs = std::filesystem;

const fs::path kSource = BH_SOURCE_DIR;

/// Each room and the rooms its files may include (besides its own).
const std::map<std::string, std::set<std::string>>& allowed_includes() {
  static const std::map<std::string, std::set<std::string>> allowed = [] {
    std::map<std::string, std::set<std::string>> rooms;
    rooms["base"] = {};
    rooms["protocol"] = {"base"};
    rooms["guest/agent"] = {"base", "protocol"};
    rooms["util"] = {"base"};
    rooms["analysis"] = {"base", "util"};
    rooms["harness/exit"] = {"base"};
    rooms["harness/kernel"] = {"base", "util", "harness/exit"};
    rooms["harness/image"] = {"base", "util", "harness/exit"};
    rooms["harness/hostdev"] = {"base", "util", "harness/exit"};
    rooms["harness/vm"] = {"base", "util", "protocol", "harness/exit", "harness/kernel", "harness/image"};
    rooms["harness/bcache"] = rooms["harness/vm"];
    rooms["harness/bcache"].insert("harness/vm");
    rooms["harness/bcache"].insert("harness/hostdev");
    rooms["harness/scenario"] = rooms["harness/bcache"];
    rooms["harness/scenario"].insert("harness/bcache");
    rooms["harness/results"] = {"base", "util", "analysis", "harness/exit"};
    rooms["harness/history"] = {"base", "util", "analysis", "harness/exit", "harness/results"};
    rooms["harness/reports"] = {"base", "util", "analysis", "harness/exit", "harness/results", "harness/history"};
    rooms["harness/runs"] = rooms["harness/scenario"];
    for (const char* room : {"analysis", "harness/scenario", "harness/results", "harness/history", "harness/reports"}) {
      rooms["harness/runs"].insert(room);
    }
    rooms["harness/nightly"] = rooms["harness/runs"];
    rooms["harness/nightly"].insert("harness/runs");
    rooms["harness/cli"] = rooms["harness/nightly"];
    rooms["harness/cli"].insert("harness/nightly");
    rooms["tests"] = rooms["harness/cli"];
    rooms["tests"].insert("harness/cli");
    // The fuzz targets feed arbitrary bytes to parsers of every layer.
    rooms["fuzz"] = {"base", "protocol", "util", "analysis", "harness/scenario"};
    return rooms;
  }();
  return allowed;
}

/// The room a source path (relative to the source tree) lies in; "" outside every room.
std::string room_of(const std::string& path) {
  std::string best;
  for (const auto& [room, _] : allowed_includes()) {
    if (path.rfind(room + "/", 0) == 0 && room.size() > best.size()) best = room;
  }
  return best;
}

/// "harness/runs/race_run" for harness/runs/race_run.h, .cc and _test.cc.
std::string module_of(std::string path) {
  path = path.substr(0, path.rfind('.'));
  if (path.size() > 5 && path.substr(path.size() - 5) == "_test") path.resize(path.size() - 5);
  return path;
}

struct Include {
  std::string from;  ///< the including file, relative
  std::string to;    ///< as written between the quotes
  int line = 0;
};

std::vector<Include> project_includes() {
  static const std::regex kInclude(R"re(^\s*#\s*include\s+"([^"]+)")re");
  std::vector<Include> includes;
  for (const char* top : {"base", "protocol", "guest", "util", "analysis", "harness", "tests", "fuzz"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kSource / top)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc" && ext != ".in")) continue;
      std::ifstream in(entry.path());
      int number = 0;
      for (std::string line; std::getline(in, line);) {
        ++number;
        std::smatch match;
        if (std::regex_search(line, match, kInclude)) {
          includes.push_back({fs::relative(entry.path(), kSource).string(), match[1], number});
        }
      }
    }
  }
  return includes;
}

/// Generated at build time from a source file beside it (configure_file).
bool is_generated(const std::string& include) { return fs::exists(kSource / (include + ".in")); }

TEST(Architecture, EveryIncludeNamesAProjectFileOfAnAllowedRoom) {
  const auto includes = project_includes();
  ASSERT_GT(includes.size(), 300u) << "the source tree was not found at " << kSource;
  for (const auto& include : includes) {
    const std::string where = include.from + ":" + std::to_string(include.line) + ": \"" + include.to + "\"";
    if (!fs::exists(kSource / include.to) && !is_generated(include.to)) {
      ADD_FAILURE() << where << " names no file of the project";
      continue;
    }
    const auto from = room_of(include.from), to = room_of(include.to);
    ASSERT_FALSE(from.empty()) << include.from << " lies in no room";
    if (from == to) continue;
    EXPECT_TRUE(allowed_includes().at(from).count(to)) << where << ": room " << from << " may not include room " << to;
  }
}

TEST(Architecture, NoModuleIncludesItselfThroughAChain) {
  std::map<std::string, std::set<std::string>> edges;
  for (const auto& include : project_includes()) {
    // A test may use anything above its module (a fake, a fixture helper); only the
    // modules' own files make the graph.
    if (include.from.find("_test.cc") != std::string::npos) continue;
    const auto from = module_of(include.from), to = module_of(include.to);
    if (from != to) edges[from].insert(to);
  }
  std::map<std::string, int> state;  // 1: on the current path, 2: done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& module) {
    state[module] = 1;
    path.push_back(module);
    for (const auto& next : edges[module]) {
      if (state[next] == 1) {
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it) cycle += *it + " -> ";
        ADD_FAILURE() << "include cycle: " << cycle << next;
      } else if (state[next] == 0) {
        visit(next);
      }
    }
    path.pop_back();
    state[module] = 2;
  };
  for (const auto& [module, _] : edges) {
    if (state[module] == 0) visit(module);
  }
}

TEST(Architecture, TheOldGrabBagIsGone) {
  EXPECT_FALSE(fs::exists(kSource / "harness/core"));
  EXPECT_FALSE(fs::exists(kSource / "harness/base"));
  for (const auto& include : project_includes()) {
    EXPECT_NE(include.to.rfind("harness/core/", 0), 0u) << include.from;
  }
}

}  // namespace
