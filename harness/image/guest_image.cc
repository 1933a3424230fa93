#include "harness/image/guest_image.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "harness/image/image_manifest.h"
#include "harness/image/initramfs.h"
#include "util/files.h"
#include "util/temp_dir.h"

namespace bh::image {
namespace fs = std::filesystem;
using Json = nlohmann::json;
namespace {

std::vector<std::string> module_names(const GuestImagePlan& plan) {
  std::vector<std::string> names;
  for (const auto& module : plan.modules) names.push_back(module.name);
  return names;
}

Json describe(const GuestImage& image, const GuestImagePlan& plan) {
  Json tools = Json::array();
  for (const auto& tool : plan.tools) {
    tools.push_back(
        {{"name", tool.name}, {"host_path", tool.host_path.string()}, {"image_path", tool.image_path.string()}});
  }
  return {{"format", kGuestImageFormat},
          {"hash", image.hash},
          {"release", image.release},
          {"size_bytes", image.size_bytes},
          {"build_seconds", image.build_seconds},
          {"modules", image.modules},
          {"tools", tools}};
}

/// The cached image for `hash`, if its .cpio and a readable .json are both there and the
/// .cpio has the size the .json recorded (a truncated or damaged image is built again: a
/// broken initramfs would make the guest kernel panic, which is no finding about it).
std::optional<GuestImage> find_cached(const fs::path& images_dir, const std::string& hash) {
  const auto cpio = images_dir / (hash + ".cpio");
  auto text = read_file(images_dir / (hash + ".json"));
  std::error_code error;
  const auto size = fs::file_size(cpio, error);
  if (!text || error) return std::nullopt;
  const auto meta = Json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object() || meta.value("format", "") != kGuestImageFormat) return std::nullopt;
  const auto recorded = meta.find("size_bytes");
  if (recorded == meta.end() || !recorded->is_number_unsigned() || recorded->get<std::uint64_t>() != size)
    return std::nullopt;
  GuestImage image{cpio, hash, size, 0, true, {}, meta.value("release", "")};
  if (const auto modules = meta.find("modules"); modules != meta.end() && modules->is_array()) {
    for (const auto& name : *modules) {
      if (name.is_string()) image.modules.push_back(name.get<std::string>());
    }
  }
  return image;
}

Expected<GuestImage> build_image(ProcessRunner& runner, const GuestImagePlan& plan, const fs::path& images_dir,
                                 const std::string& hash) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code error;
  fs::create_directories(images_dir, error);
  if (error) return fail("cannot create " + images_dir.string() + ": " + error.message());
  TempDir scratch("bh-image");
  auto manifest = guest_image_manifest(runner, plan, scratch.path());
  if (!manifest) return manifest.error();
  GuestImage image{images_dir / (hash + ".cpio"), hash, 0, 0, false, module_names(plan), plan.release};
  if (auto built = build_initramfs(runner, manifest.value(), image.path); !built) {
    return built.error();
  }
  image.size_bytes = fs::file_size(image.path, error);
  image.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto meta = describe(image, plan).dump(2) + "\n";
  if (auto written = write_file_atomically(images_dir / (hash + ".json"), meta); !written) {
    return written.error();
  }
  return image;
}

/// Marks a cached image as just used, for prune_least_recently_used.
void mark_used(const fs::path& images_dir, const std::string& hash) {
  std::error_code ignored;
  fs::last_write_time(images_dir / (hash + ".json"), fs::file_time_type::clock::now(), ignored);
}

/// Keeps the kKeptImages most recently used images; each is ~90 MiB and every agent or
/// kernel change makes a new one.
void prune_least_recently_used(const fs::path& images_dir) {
  std::vector<std::pair<fs::file_time_type, fs::path>> metas;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(images_dir, error)) {
    if (entry.path().extension() == ".json") metas.emplace_back(entry.last_write_time(error), entry.path());
  }
  if (metas.size() <= kKeptImages) return;
  std::sort(metas.begin(), metas.end(), std::greater<>());
  for (std::size_t i = kKeptImages; i < metas.size(); ++i) {
    fs::remove(metas[i].second, error);
    fs::remove(fs::path(metas[i].second).replace_extension(".cpio"), error);
  }
}

}  // namespace

Expected<GuestImage> build_or_reuse_guest_image(ProcessRunner& runner, const GuestImageInputs& inputs,
                                                const fs::path& cache_dir) {
  auto plan = plan_guest_image(runner, inputs);
  if (!plan) return plan.error();
  auto hash = guest_image_key(plan.value());
  if (!hash) return hash.error();
  const auto images_dir = cache_dir / "images";
  if (auto cached = find_cached(images_dir, hash.value())) {
    mark_used(images_dir, hash.value());
    return *cached;
  }
  auto built = build_image(runner, plan.value(), images_dir, hash.value());
  if (built) prune_least_recently_used(images_dir);
  return built;
}

}  // namespace bh::image
