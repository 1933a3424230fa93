#pragma once
/// Plain SHA-256 of a file's bytes, equal to what `sha256sum` prints.

#include <filesystem>
#include <string>

#include "harness/base/expected.h"

namespace bh {

/// The file's SHA-256 as 64 lowercase hex digits, or an error naming the file.
Expected<std::string> file_sha256_hex(const std::filesystem::path& path);

}  // namespace bh
