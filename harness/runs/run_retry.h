#pragma once
/// One more attempt for a run that the guest's own measuring failed, not the kernel under
/// test: a perf run whose memory trace lost events is an ERROR (its figure would
/// under-count), and the same seed run again need not lose any: the loss was the guest's
/// tracing. Without a second attempt one such loss in 16 runs (measured) would make most
/// 16-run `compare`s an ERROR.

#include <functional>
#include <string>

#include "harness/runs/run_once.h"

namespace bh {

/// `inner`, made once more with the same seed, scenario and run directory when its result is
/// an ERROR marked RunResult::lost_a_measurement. The first attempt's directory is kept as
/// RUN_DIR.attempt-1 and named, with the first attempt's reason, in the second attempt's
/// `retried`, which is the result whatever it is (at most one retry). `say` is told, with
/// the run's position, before the second attempt starts. When the first attempt's directory
/// cannot be moved aside, its ERROR stands.
RunOnce retrying_lost_measurements(RunOnce inner, std::function<void(const ProgressPosition&, const std::string&)> say);

}  // namespace bh
