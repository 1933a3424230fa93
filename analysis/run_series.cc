#include "analysis/run_series.h"

namespace bh::analysis {

std::string RunSeries::label() const {
  return scenario + " run " + std::to_string(run_index + 1) + " (seed " + std::to_string(seed) + ")";
}

}  // namespace bh::analysis
