#pragma once
/// A module's vermagic (the kernel release and build options it was compiled for), read with
/// `modinfo -F`, and the check that a replacement bcache.ko was built for the base kernel.

#include <filesystem>
#include <string>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh {

/// One .modinfo field of a module file (`modinfo -F field PATH`), trimmed; empty when the
/// module lacks it. Errors: the file does not exist; modinfo cannot read it as a module.
Expected<std::string> read_module_field(ProcessRunner& runner, const std::filesystem::path& module,
                                        const std::string& field);

/// The module's vermagic, e.g. "6.1.0-56-amd64 SMP preempt mod_unload modversions". A file
/// that is not a module, or carries no vermagic, is an error naming it.
Expected<std::string> read_vermagic(ProcessRunner& runner, const std::filesystem::path& module);

/// Succeeds when `replacement` is a module named like `original` (e.g. "bcache") with the
/// same vermagic, so the base kernel (of release `base_release`) will load it. Errors name
/// both files and both values.
Expected<void> check_replacement_module(ProcessRunner& runner, const std::filesystem::path& replacement,
                                        const std::filesystem::path& original, const std::string& base_release);

}  // namespace bh
