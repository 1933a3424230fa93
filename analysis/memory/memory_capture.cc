#include "analysis/memory/memory_capture.h"

#include <nlohmann/json.hpp>

#include "util/files.h"

namespace bh::analysis {
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

Json module_json(const MemoryCapture& capture) {
  Json sections = Json::array();
  for (const auto& section : capture.image.text_sections) sections.push_back({section.name, section.size});
  Json functions = Json::array();
  for (const auto& function : capture.image.functions)
    functions.push_back({function.name, function.section, function.offset, function.size});
  return {{"module", capture.module},
          {"section_addresses", capture.section_addresses},
          {"unprobed", capture.unprobed},
          {"text_sections", std::move(sections)},
          {"functions", std::move(functions)}};
}

}  // namespace

Expected<void> save_memory_capture(const MemoryCapture& capture, const fs::path& dir) {
  if (auto saved = save_trace_capture(capture.trace, dir); !saved) return saved.error();
  return write_file_atomically(dir / "module.json", module_json(capture).dump() + "\n");
}

Expected<MemoryCapture> load_memory_capture(const fs::path& dir) {
  auto trace = load_trace_capture(dir);
  if (!trace) return trace.error();
  const auto path = dir / "module.json";
  auto text = read_file(path);
  if (!text) return text.error();
  MemoryCapture capture;
  capture.trace = std::move(trace).value();
  try {
    const auto json = Json::parse(text.value());
    capture.module = json.at("module").get<std::string>();
    capture.section_addresses = json.at("section_addresses").get<std::map<std::string, std::uint64_t>>();
    capture.unprobed = json.at("unprobed").get<std::vector<std::string>>();
    for (const auto& section : json.at("text_sections"))
      capture.image.text_sections.push_back({section.at(0).get<std::string>(), section.at(1).get<std::uint64_t>()});
    for (const auto& function : json.at("functions")) {
      capture.image.functions.push_back({function.at(0).get<std::string>(), function.at(1).get<std::string>(),
                                         function.at(2).get<std::uint64_t>(), function.at(3).get<std::uint64_t>()});
    }
  } catch (const Json::exception& error) {
    return fail(path.string() + ": not a memory capture's module.json (" + error.what() + ")");
  }
  return capture;
}

}  // namespace bh::analysis
