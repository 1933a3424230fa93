#include "harness/nightly/kcidb_export.h"

#include "harness/reports/run_reports.h"
#include "util/files.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

Expected<Json> read_json(const fs::path& file) {
  auto text = read_file(file);
  if (!text) return fail(file.string() + ": " + text.error().message);
  try {
    return Json::parse(text.value());
  } catch (const Json::exception& error) {
    return fail(file.string() + ": not JSON: " + error.what());
  }
}

Expected<std::vector<KcidbSource>> nightly_sources(const fs::path& dir, const Json& manifest) {
  std::vector<KcidbSource> sources;
  for (const auto& kernel : manifest.value("kernels", Json::array())) {
    const auto file = dir / kernel.value("dir", "") / "summary.json";
    if (!fs::exists(file)) continue;  // a kernel that never got as far as a summary
    auto summary = read_summary(file);
    if (!summary) return summary.error();
    sources.push_back({kernel.value("name", ""), std::move(summary).value()});
  }
  return sources;
}

}  // namespace

Expected<std::vector<KcidbSource>> kcidb_sources(const fs::path& dir) {
  if (fs::exists(dir / "nightly.json")) {
    auto manifest = read_json(dir / "nightly.json");
    if (!manifest) return manifest.error();
    return nightly_sources(dir, manifest.value());
  }
  if (!fs::exists(dir / "summary.json")) {
    return fail(dir.string() + ": neither summary.json nor nightly.json here (not a run or nightly directory)");
  }
  auto summary = read_summary(dir / "summary.json");
  if (!summary) return summary.error();
  const std::string spec = summary.value().value(Json::json_pointer("/kernel/spec"), std::string("kernel"));
  return std::vector<KcidbSource>{{spec, std::move(summary).value()}};
}

Expected<std::size_t> write_kcidb_file(const fs::path& dir, const fs::path& file, KcidbOptions options) {
  auto sources = kcidb_sources(dir);
  if (!sources) return sources.error();
  if (options.id_suffix.empty() && fs::exists(dir / "nightly.json")) {
    auto manifest = read_json(dir / "nightly.json");
    if (manifest) options.id_suffix = manifest.value().value("night", "");
  }
  auto document = kcidb_document(sources.value(), options);
  if (!document) return document.error();
  if (auto written = write_file_atomically(file, document.value().dump(2) + "\n"); !written) {
    return fail(file.string() + ": " + written.error().message);
  }
  return document.value().value("tests", Json::array()).size();
}

}  // namespace bh
