#pragma once
/// A kernel module's file as the guest loads it: found through the kernel's module index
/// and decompressed (xz, zstd, gzip) when the kernel ships it compressed.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh::image {

/// The command that decompresses a module file to stdout, by its suffix ("xz -dc" for
/// .ko.xz, zstd and gzip likewise); empty for a plain .ko.
std::vector<std::string> decompressor_for(const std::filesystem::path& path);

/// The bytes of module `name` ("bcache") of the kernel whose modules live in `modules_dir`
/// (its modules.dep says where), decompressed. Errors name the module or the file.
Expected<std::string> read_module_file(ProcessRunner& runner, const std::filesystem::path& modules_dir,
                                       std::string_view name);

}  // namespace bh::image
