#pragma once
/// Reading a JSON file, with errors that name it.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/expected.h"

namespace bh {

/// The parsed contents of `path`; fails with "PATH: why" when it cannot be read and
/// "PATH: not JSON: why" when it does not parse.
Expected<nlohmann::json> read_json_file(const std::filesystem::path& path);

}  // namespace bh
