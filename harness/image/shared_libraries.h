#pragma once
/// The shared libraries a host binary needs at run time, so the guest image can carry them.

#include <filesystem>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh::image {

/// Absolute paths of the libraries (and the ELF interpreter) that ldd printed for `binary`,
/// in ldd's order without duplicates; empty for a static binary. The kernel's vDSO is
/// skipped. A library ldd could not find is an error naming it and `binary`.
Expected<std::vector<std::filesystem::path>> parse_ldd_output(std::string_view output,
                                                              const std::filesystem::path& binary);

/// Runs `ldd binary` and parses what it prints (see parse_ldd_output).
Expected<std::vector<std::filesystem::path>> shared_libraries_of(ProcessRunner& runner,
                                                                 const std::filesystem::path& binary);

}  // namespace bh::image
