#pragma once
/// SHA-256 through OpenSSL EVP: content keys for caches (an image is rebuilt only when a
/// hash of its inputs changes) and plain file digests (what `sha256sum` prints).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh {

/// Accumulates bytes and files into one SHA-256 digest.
class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;

  /// Adds `bytes`, length-prefixed so that ("ab","c") and ("a","bc") differ.
  void add(std::string_view bytes);
  /// Adds a file's whole content; fails if it cannot be read.
  Expected<void> add_file_content(const std::filesystem::path& path);
  /// Adds a file's identity (path, size, modification time): cheap, for large inputs that
  /// only change when replaced (packaged binaries, kernel modules).
  Expected<void> add_file_identity(const std::filesystem::path& path);
  /// The digest so far as 64 lowercase hex digits.
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The content key of `bytes` alone (ContentHasher with one add(): length-prefixed, so
/// not sha256sum's digest of them) as hex.
std::string sha256_hex(std::string_view bytes);

/// The file's plain SHA-256 (equal to what `sha256sum` prints) as 64 lowercase hex digits,
/// or an error naming the file.
Expected<std::string> file_sha256_hex(const std::filesystem::path& path);

}  // namespace bh
