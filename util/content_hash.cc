#include "util/content_hash.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace bh {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext new_sha256() {
  DigestContext ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  return ctx;
}

/// Feeds the whole file at `in` to `ctx`; false when reading failed part-way.
bool add_stream(EVP_MD_CTX* ctx, std::ifstream& in) {
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    EVP_DigestUpdate(ctx, buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return !in.bad();
}

/// The digest of what `ctx` holds so far (ctx itself is left as it is), as lowercase hex.
std::string hex_digest(const EVP_MD_CTX* ctx) {
  const DigestContext copy(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_MD_CTX_copy_ex(copy.get(), ctx);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(copy.get(), digest.data(), &length);
  std::string text;
  char pair[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    text += pair;
  }
  return text;
}

}  // namespace

struct ContentHasher::State {
  DigestContext ctx = new_sha256();
};

ContentHasher::ContentHasher() : state_(std::make_unique<State>()) {}

ContentHasher::~ContentHasher() = default;

void ContentHasher::add(std::string_view bytes) {
  const std::string length = std::to_string(bytes.size()) + ":";
  EVP_DigestUpdate(state_->ctx.get(), length.data(), length.size());
  EVP_DigestUpdate(state_->ctx.get(), bytes.data(), bytes.size());
}

Expected<void> ContentHasher::add_file_content(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  add(path.string());
  if (!add_stream(state_->ctx.get(), in)) return fail("cannot read " + path.string());
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

std::string ContentHasher::hex() const { return hex_digest(state_->ctx.get()); }

std::string sha256_hex(std::string_view bytes) {
  ContentHasher hasher;
  hasher.add(bytes);
  return hasher.hex();
}

Expected<std::string> file_sha256_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path.string());
  const auto ctx = new_sha256();
  if (!add_stream(ctx.get(), in)) return fail("cannot read " + path.string());
  return hex_digest(ctx.get());
}

}  // namespace bh
