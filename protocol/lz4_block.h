#pragma once
/// LZ4 block compression (liblz4's block format, no frame) of one payload: how read_pipes
/// moves trace pages when asked to ("compression": "lz4"). Trace pages shrink about 3.5
/// times, and under TCG compressing them costs far less than encoding and sending them.
/// The block format does not store the original size: it travels beside the payload.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh::protocol {

/// The largest payload one block holds (LZ4_MAX_INPUT_SIZE, about 2 GiB).
std::size_t lz4_max_input();

/// `bytes` compressed as one LZ4 block. Error if `bytes` is larger than lz4_max_input().
Expected<std::string> lz4_compress(std::string_view bytes);

/// The `original_size` bytes `compressed` holds. An error when the block is malformed or
/// does not decompress to exactly that size.
Expected<std::string> lz4_decompress(std::string_view compressed, std::size_t original_size);

}  // namespace bh::protocol
