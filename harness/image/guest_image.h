#pragma once
/// The guest's initramfs, built once per distinct set of inputs and cached by content key.
///
/// Cache layout: <cache_dir>/images/<key>.cpio (the image) and <key>.json (what is in it).
/// The .json is written after the .cpio is in place, so its presence means "complete".
/// Builds go to temporary names and are renamed into place: concurrent builders of the same
/// key waste work but never corrupt the cache.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/image/image_plan.h"
#include "util/process_runner.h"

namespace bh::image {

/// How many images the cache keeps (least recently used ones go first).
inline constexpr std::size_t kKeptImages = 8;

/// A ready guest image.
struct GuestImage {
  std::filesystem::path path;  ///< the uncompressed newc cpio
  std::string hash;            ///< its content key
  std::uintmax_t size_bytes = 0;
  double build_seconds = 0;          ///< 0 when reused
  bool reused = false;               ///< found in the cache
  std::vector<std::string> modules;  ///< load order
  std::string release;
};

/// Returns the cached image for `inputs` if there is one (checked by stat and a small JSON
/// read, well under 0.5 s), otherwise builds it into `cache_dir`/images.
Expected<GuestImage> build_or_reuse_guest_image(ProcessRunner& runner, const GuestImageInputs& inputs,
                                                const std::filesystem::path& cache_dir);

}  // namespace bh::image
