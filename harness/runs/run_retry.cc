#include "harness/runs/run_retry.h"

#include <filesystem>
#include <system_error>

namespace bh {
namespace fs = std::filesystem;

RunOnce retrying_lost_measurements(RunOnce inner,
                                   std::function<void(const ProgressPosition&, const std::string&)> say) {
  return [inner = std::move(inner), say = std::move(say)](const Scenario& scenario, const PreparedGuest& guest,
                                                          std::uint64_t seed, const fs::path& run_dir,
                                                          ProgressPosition position, std::string& used_accel) {
    auto first = inner(scenario, guest, seed, run_dir, position, used_accel);
    if (first.status != Status::kError || !first.lost_a_measurement) return first;
    const fs::path kept = run_dir.string() + ".attempt-1";
    std::error_code error;
    fs::rename(run_dir, kept, error);
    if (error) return first;
    say(position, "seed " + std::to_string(seed) + ": ERROR (" + first.reason +
                      "); running it once more, the first attempt kept in " + kept.string());
    auto second = inner(scenario, guest, seed, run_dir, position, used_accel);
    second.retried = RetriedAttempt{kept.string(), first.reason};
    return second;
  };
}

}  // namespace bh
