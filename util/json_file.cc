#include "util/json_file.h"

#include "util/files.h"

namespace bh {

Expected<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return fail(path.string() + ": " + text.error().message);
  try {
    return nlohmann::json::parse(text.value());
  } catch (const nlohmann::json::exception& error) {
    return fail(path.string() + ": not JSON: " + error.what());
  }
}

}  // namespace bh
