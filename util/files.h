#pragma once
/// Small file helpers that return Expected instead of throwing.

#include <filesystem>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh {

/// The whole file as bytes, or an error naming the file.
Expected<std::string> read_file(const std::filesystem::path& path);

/// Writes `bytes` to a temporary sibling and renames it over `path`, so readers never see
/// a half-written file.
Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// The harness's cache root: $XDG_CACHE_HOME/bcache-harness, else ~/.cache/bcache-harness.
std::filesystem::path cache_root();

}  // namespace bh
