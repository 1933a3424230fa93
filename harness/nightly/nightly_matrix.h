#pragma once
/// The nightly matrix: which kernels run which scenarios, how often and with which seeds,
/// read from a TOML file (jobs/matrices/nightly.toml), expanded into cells (one kernel, one
/// scenario) and split deterministically into shards so N machines share one night.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace bh {

/// A kernel of the matrix: the name history keys it by (stable across nights, while its
/// spec may change, e.g. a candidate module rebuilt each night) and its spec.
struct MatrixKernel {
  std::string name;  ///< [a-z0-9._-]+, unique in the matrix
  std::string spec;  ///< any --kernel spec
};

/// A whole matrix file.
struct NightlyMatrix {
  std::filesystem::path file;
  std::vector<MatrixKernel> kernels;
  std::vector<std::string> scenarios;  ///< names, NAME:VARIANT, paths or @GROUP, as written
  int repeat = 1;                      ///< runs per scenario (race and control)
  int perf_repeat = 1;                 ///< runs per perf scenario (regressions need >= 6)
  std::uint64_t seed = 1;              ///< first seed: fixed, so nights are comparable
  unsigned power_cuts = 0;             ///< cuts per race or control run
  unsigned perf_runtime_s = 0;         ///< 0: each perf scenario's own runtime
};

/// One cell: a kernel and one scenario (groups already expanded).
struct MatrixCell {
  std::size_t index = 0;  ///< 0-based position in the whole matrix, kernel-major
  MatrixKernel kernel;
  std::string scenario;
};

/// "I/N": this machine runs the cells whose index % N == I - 1.
struct Shard {
  unsigned index = 1;  ///< 1-based
  unsigned count = 1;

  /// "1/1" style.
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

/// Parses "I/N" (1 <= I <= N <= 1000); the error quotes the text.
Expected<Shard> parse_shard(std::string_view text);

/// Reads a matrix file; errors name FILE:LINE and the key (unknown keys, wrong types, an
/// empty kernel or scenario list, duplicate or malformed kernel names).
Expected<NightlyMatrix> load_nightly_matrix(const std::filesystem::path& file);

/// Every cell, kernel-major, with each "@GROUP" replaced by `expand_group(GROUP)`; a
/// scenario named twice (or also through a group) is one cell per kernel.
using GroupExpander = std::function<Expected<std::vector<std::string>>(std::string_view group)>;
Expected<std::vector<MatrixCell>> matrix_cells(const NightlyMatrix& matrix, const GroupExpander& expand_group);

/// The cells `shard` runs, in matrix order. Every cell lands in exactly one of the N shards.
std::vector<MatrixCell> shard_cells(const std::vector<MatrixCell>& cells, Shard shard);

}  // namespace bh
