#pragma once
/// Which modules a guest must load, and in what order, to get the ones it wants.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "harness/image/module_index.h"

namespace bh::image {

/// The loadable modules needed for `wanted` (names; '-' and '_' are equivalent), each after
/// all of its dependencies, skipping built-in ones. Deterministic: wanted modules are taken
/// in the given order and dependencies in modules.dep's order. A wanted module that is
/// neither loadable nor built in is an error naming the kernel `release` (and, where known,
/// the kernel config option that provides it).
Expected<std::vector<ModuleEntry>> module_closure(const ModuleIndex& index, const std::set<std::string>& builtin,
                                                  const std::vector<std::string>& wanted, std::string_view release);

}  // namespace bh::image
