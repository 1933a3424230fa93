#pragma once
/// `report --kcidb FILE DIR` and the night's kcidb.json: the KCIDB document (v5.3,
/// harness/reports/kcidb.h) of a run directory (its summary.json, the kernel named by its
/// spec) or of a nightly directory (nightly.json, each kernel by its matrix name).

#include <filesystem>
#include <string>
#include <vector>

#include "base/expected.h"
#include "harness/reports/kcidb.h"

namespace bh {

/// The summaries DIR holds: a nightly directory's kernels that have a summary.json, else
/// DIR/summary.json. Fails naming DIR when it holds neither, or a file that does not parse.
Expected<std::vector<KcidbSource>> kcidb_sources(const std::filesystem::path& dir);

/// Writes the KCIDB document of `dir` to `file` (atomically); returns how many tests it
/// holds. `options.id_suffix` defaults to the night's name for a nightly directory and to
/// the run's start time (digits only; else the directory's name) for a run directory, so ids
/// of different nights and runs never collide in KCIDB.
Expected<std::size_t> write_kcidb_file(const std::filesystem::path& dir, const std::filesystem::path& file,
                                       KcidbOptions options);

}  // namespace bh
