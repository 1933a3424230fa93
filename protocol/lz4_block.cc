#include "protocol/lz4_block.h"

#include <lz4.h>

namespace bh::protocol {

std::size_t lz4_max_input() { return LZ4_MAX_INPUT_SIZE; }

Expected<std::string> lz4_compress(std::string_view bytes) {
  if (bytes.size() > lz4_max_input())
    return fail("lz4: " + std::to_string(bytes.size()) + " bytes are more than one block holds");
  std::string compressed(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(bytes.size()))), '\0');
  const int size = LZ4_compress_default(bytes.data(), compressed.data(), static_cast<int>(bytes.size()),
                                        static_cast<int>(compressed.size()));
  if (size <= 0 && !bytes.empty()) return fail("lz4: compressing " + std::to_string(bytes.size()) + " bytes failed");
  compressed.resize(static_cast<std::size_t>(size));
  return compressed;
}

Expected<std::string> lz4_decompress(std::string_view compressed, std::size_t original_size) {
  if (original_size > lz4_max_input())
    return fail("lz4: an original size of " + std::to_string(original_size) + " bytes is more than one block holds");
  // A block grows at most 255 times (one more byte of match length per 255 bytes), so a
  // larger size is a lie: refuse it before allocating what the sender asked for.
  if (original_size / 255 > compressed.size() + 16) {
    return fail("lz4: a block of " + std::to_string(compressed.size()) + " bytes cannot decompress to " +
                std::to_string(original_size) + " bytes");
  }
  std::string bytes(original_size, '\0');
  const int size = LZ4_decompress_safe(compressed.data(), bytes.data(), static_cast<int>(compressed.size()),
                                       static_cast<int>(original_size));
  if (size < 0 || static_cast<std::size_t>(size) != original_size) {
    return fail("lz4: a block of " + std::to_string(compressed.size()) + " bytes does not decompress to " +
                std::to_string(original_size) + " bytes");
  }
  return bytes;
}

}  // namespace bh::protocol
