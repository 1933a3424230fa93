#include "harness/base/content_hash.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace bh {

struct ContentHasher::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

ContentHasher::ContentHasher() : state_(std::make_unique<State>()) {
  EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
}

ContentHasher::~ContentHasher() = default;

void ContentHasher::add(std::string_view bytes) {
  const std::string length = std::to_string(bytes.size()) + ":";
  EVP_DigestUpdate(state_->ctx, length.data(), length.size());
  EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
}

Expected<void> ContentHasher::add_file_content(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  add(path.string());
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    EVP_DigestUpdate(state_->ctx, buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return outcome::success();
}

Expected<void> ContentHasher::add_file_identity(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return fail("cannot stat " + path.string() + ": " + error.message());
  const auto mtime = std::filesystem::last_write_time(path, error);
  if (error) return fail("cannot stat " + path.string() + ": " + error.message());
  add(path.string());
  add(std::to_string(size));
  add(std::to_string(mtime.time_since_epoch().count()));
  return outcome::success();
}

std::string ContentHasher::hex() const {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, state_->ctx);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(copy, digest.data(), &length);
  EVP_MD_CTX_free(copy);
  std::string text;
  char pair[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    text += pair;
  }
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  ContentHasher hasher;
  hasher.add(bytes);
  return hasher.hex();
}

}  // namespace bh
