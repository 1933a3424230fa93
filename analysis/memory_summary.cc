#include "analysis/memory_summary.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace bh::analysis {
namespace {

using Json = nlohmann::json;
using Kib = std::optional<std::uint64_t>;

enum class Section { kMeminfo, kSlab };

/// One sample, its shape checked: a label for messages, its time and its sections.
struct SampleView {
  std::string label;  ///< "baseline" or "sample 3"
  double t_s = 0;
  const Json* meminfo = nullptr;
  const Json* slab_kb = nullptr;  ///< null when the sample has none
};

std::string section_name(Section section) { return section == Section::kMeminfo ? "meminfo" : "slab_kb"; }

Expected<SampleView> view_of(const Json& sample, std::string label, bool needs_time) {
  const auto where = "memory " + label + ": ";
  if (!sample.is_object()) return fail(where + "not a JSON object");
  const auto meminfo = sample.find("meminfo");
  if (meminfo == sample.end() || !meminfo->is_object()) return fail(where + "no \"meminfo\" object");
  SampleView view{std::move(label), 0, &*meminfo, nullptr};
  if (const auto slab = sample.find("slab_kb"); slab != sample.end()) {
    if (!slab->is_object()) return fail(where + "\"slab_kb\" is not an object");
    view.slab_kb = &*slab;
  }
  if (needs_time) {
    const auto t_s = sample.find("t_s");
    if (t_s == sample.end() || !t_s->is_number()) return fail(where + "no numeric \"t_s\"");
    view.t_s = t_s->get<double>();
  }
  return view;
}

Expected<std::vector<SampleView>> views_of(const Json& samples) {
  if (!samples.is_array()) return fail("memory samples: not a JSON array");
  std::vector<SampleView> views;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    auto view = view_of(samples[i], "sample " + std::to_string(i), true);
    if (!view) return view.error();
    views.push_back(std::move(view).value());
  }
  return views;
}

/// `key` of `section` in `view`, in kB; nullopt when the sample does not have it.
Expected<Kib> kib_at(const SampleView& view, Section section, const std::string& key) {
  const Json* object = section == Section::kMeminfo ? view.meminfo : view.slab_kb;
  if (!object) return Kib{};
  const auto value = object->find(key);
  if (value == object->end()) return Kib{};
  const bool natural = value->is_number_unsigned() || (value->is_number_integer() && value->get<std::int64_t>() >= 0);
  if (natural) return Kib{value->get<std::uint64_t>()};
  return fail("memory " + view.label + ": " + section_name(section) + "." + key +
              " is not a non-negative integer: " + value->dump());
}

/// Whether `kib` is more memory in use than `best`, for a source that moves by `growth`.
bool more_use(Growth growth, std::uint64_t kib, std::uint64_t best) {
  return growth == Growth::kUp ? kib > best : kib < best;
}

std::int64_t extra_use(Growth growth, std::uint64_t baseline, std::uint64_t extreme) {
  const auto diff = static_cast<std::int64_t>(extreme) - static_cast<std::int64_t>(baseline);
  return growth == Growth::kUp ? diff : -diff;
}

/// `key` of `section` over the phase; nullopt when the baseline or every sample lacks it.
Expected<std::optional<SourceSummary>> summarize_source(const SampleView& baseline,
                                                        const std::vector<SampleView>& samples, Section section,
                                                        const std::string& key) {
  const Growth growth = section == Section::kMeminfo ? growth_of_meminfo_key(key) : Growth::kUp;
  auto base = kib_at(baseline, section, key);
  if (!base) return base.error();
  std::optional<SourceSummary> summary;
  for (const SampleView& sample : samples) {
    auto kib = kib_at(sample, section, key);
    if (!kib) return kib.error();
    if (kib.value() && (!summary || more_use(growth, *kib.value(), summary->extreme_kib)))
      summary = SourceSummary{growth, 0, *kib.value(), sample.t_s, 0};
  }
  if (!base.value() || !summary) return std::optional<SourceSummary>{};
  summary->baseline_kib = *base.value();
  summary->extra_use_kib = extra_use(growth, summary->baseline_kib, summary->extreme_kib);
  return summary;
}

Expected<SourceMap> summarize_section(const SampleView& baseline, const std::vector<SampleView>& samples,
                                      Section section, const std::set<std::string>& keys) {
  SourceMap sources;
  for (const std::string& key : keys) {
    auto summary = summarize_source(baseline, samples, section, key);
    if (!summary) return summary.error();
    sources.emplace(key, summary.value());
  }
  return sources;
}

/// Every slab cache named in the baseline or in a sample.
std::set<std::string> cache_names(const SampleView& baseline, const std::vector<SampleView>& samples) {
  std::set<std::string> names;
  const auto add = [&](const SampleView& view) {
    if (!view.slab_kb) return;
    for (const auto& [name, kib] : view.slab_kb->items()) names.insert(name);
  };
  add(baseline);
  std::for_each(samples.begin(), samples.end(), add);
  return names;
}

Json source_json(const std::optional<SourceSummary>& source) {
  if (!source) return Json(nullptr);
  const bool up = source->growth == Growth::kUp;
  return Json{{"baseline_kib", source->baseline_kib},
              {up ? "peak_kib" : "min_kib", source->extreme_kib},
              {up ? "peak_minus_baseline_kib" : "baseline_minus_min_kib", source->extra_use_kib},
              {up ? "peak_t_s" : "min_t_s", source->extreme_t_s}};
}

Json section_json(const SourceMap& sources) {
  Json object = Json::object();
  for (const auto& [name, source] : sources) object[name] = source_json(source);
  return object;
}

}  // namespace

Growth growth_of_meminfo_key(std::string_view key) { return key == "MemAvailable" ? Growth::kDown : Growth::kUp; }

Expected<MemorySummary> summarize_memory(const nlohmann::json& baseline, const nlohmann::json& samples) {
  auto base = view_of(baseline, "baseline", false);
  if (!base) return base.error();
  auto views = views_of(samples);
  if (!views) return views.error();
  const std::set<std::string> meminfo_keys(kMeminfoKeys.begin(), kMeminfoKeys.end());
  auto meminfo = summarize_section(base.value(), views.value(), Section::kMeminfo, meminfo_keys);
  if (!meminfo) return meminfo.error();
  const auto caches = cache_names(base.value(), views.value());
  auto slab = summarize_section(base.value(), views.value(), Section::kSlab, caches);
  if (!slab) return slab.error();
  return MemorySummary{std::move(meminfo).value(), std::move(slab).value()};
}

bool is_bcache_cache(std::string_view cache) {
  return cache.starts_with("bcache") || cache.starts_with("bch_") || cache == "search";
}

SourceMap top_slab_caches(const SourceMap& slab, std::size_t n) {
  std::vector<std::pair<std::int64_t, std::string>> ranked;  // (-extra_use_kib, name)
  SourceMap top;
  for (const auto& [name, source] : slab) {
    if (is_bcache_cache(name))
      top.emplace(name, source);
    else if (source)
      ranked.emplace_back(-source->extra_use_kib, name);
  }
  std::sort(ranked.begin(), ranked.end());
  for (std::size_t i = 0; i < std::min(n, ranked.size()); ++i) top.emplace(ranked[i].second, slab.at(ranked[i].second));
  return top;
}

nlohmann::json to_json(const MemorySummary& summary) {
  return Json{{"meminfo", section_json(summary.meminfo)}, {"slab", section_json(summary.slab)}};
}

}  // namespace bh::analysis
