#pragma once
/// The module index (modules.dep and friends) that modprobe needs, built with depmod.

#include <filesystem>
#include <string>

#include "base/expected.h"
#include "util/process_runner.h"

namespace bh {

/// Runs `depmod -b root release` so root/lib/modules/<release> gets a modules.dep; fails,
/// quoting depmod, if it exits non-zero or leaves no modules.dep behind.
Expected<void> build_module_index(ProcessRunner& runner, const std::filesystem::path& root, const std::string& release);

}  // namespace bh
