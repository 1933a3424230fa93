#pragma once
/// Small file helpers that return Expected instead of throwing.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh {

/// The whole file as bytes, or an error naming the file.
Expected<std::string> read_file(const std::filesystem::path& path);

/// Writes `bytes` to a temporary sibling, fsyncs it and renames it over `path`, so readers
/// (and a crash) never see a half-written file. Every step is checked: on failure the error
/// names the file and the system's reason ("No space left on device"), the temporary file
/// is removed and `path` keeps its old content.
Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// Bytes an unprivileged writer can still write on the filesystem holding `path`.
Expected<std::uint64_t> free_bytes(const std::filesystem::path& path);

/// The harness's cache root: $XDG_CACHE_HOME/bcache-harness, else ~/.cache/bcache-harness.
std::filesystem::path cache_root();

}  // namespace bh
