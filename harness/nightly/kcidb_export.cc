#include "harness/nightly/kcidb_export.h"

#include "harness/reports/run_reports.h"
#include "util/files.h"
#include "util/json_file.h"

namespace bh {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

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

/// What makes this directory's ids unique among all it might be exported with: a night's
/// name; for a run directory, its start time (digits only) or else its directory name.
std::string id_suffix_of(const fs::path& dir, const std::vector<KcidbSource>& sources) {
  if (fs::exists(dir / "nightly.json")) {
    auto manifest = read_json_file(dir / "nightly.json");
    return manifest ? manifest.value().value("night", "") : "";
  }
  std::string started;
  if (!sources.empty()) started = sources.front().summary.value(Json::json_pointer("/provenance/started_at"), "");
  std::string suffix;
  for (char c : started.empty() ? fs::absolute(dir).lexically_normal().filename().string() : started) {
    if (std::isalnum(static_cast<unsigned char>(c))) suffix += c;
  }
  return suffix;
}

}  // namespace

Expected<std::vector<KcidbSource>> kcidb_sources(const fs::path& dir) {
  if (fs::exists(dir / "nightly.json")) {
    auto manifest = read_json_file(dir / "nightly.json");
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
  if (options.id_suffix.empty()) options.id_suffix = id_suffix_of(dir, sources.value());
  auto document = kcidb_document(sources.value(), options);
  if (!document) return document.error();
  if (auto written = write_file_atomically(file, document.value().dump(2) + "\n"); !written) {
    return fail(file.string() + ": " + written.error().message);
  }
  return document.value().value("tests", Json::array()).size();
}

}  // namespace bh
