#include "harness/base/temp_dir.h"

#include <cstdlib>
#include <vector>

#include "harness/base/error.h"

namespace bh {

TempDir::TempDir(const std::string& prefix, const std::filesystem::path& parent) {
  std::filesystem::create_directories(parent);
  std::string pattern = (parent / (prefix + "-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw HarnessError("cannot create a temporary directory under " + parent.string());
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace bh
