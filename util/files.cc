#include "util/files.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace bh {

Expected<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  const auto temp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return fail("cannot write " + temp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return fail("cannot write " + temp);
  }
  std::filesystem::rename(temp, path, error);
  if (error) return fail("cannot rename " + temp + " to " + path.string() + ": " + error.message());
  return outcome::success();
}

std::filesystem::path cache_root() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "bcache-harness";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "bcache-harness";
}

}  // namespace bh
