#pragma once
/// The commands that drive one guest by hand: `image` (prepare the kernel and its guest
/// image), `fio JOBFILE` (boot, provision, run the job through /dev/bcache0, power off) and
/// `shell` (boot, provision, hand the console to the user). They boot through the same path
/// as every run (guest_boot.h: a hung boot is tried once more) and keep run.json as they go.

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/runs/guest_options.h"
#include "harness/runs/run_events.h"

namespace bh {

/// `image`: {"kernel", "kernel_s", "image"} of the prepared guest. Throws HarnessError.
nlohmann::json prepare_image(const GuestOptions& options);

/// What `fio` did: run.json's content (status "DONE") and where it lies.
struct FioJobOutcome {
  nlohmann::json record;
  std::filesystem::path out_dir;
};

/// `fio`: runs `job_file` in a fresh guest. Throws HarnessError (usage for bad input, error
/// when the harness fails, with run.json and the partial results kept).
FioJobOutcome run_fio_job(const GuestOptions& options, const std::filesystem::path& job_file,
                          std::chrono::seconds fio_timeout, const RunEvents& events);

/// `shell`: boots, provisions and waits until the user powers the guest off. Throws
/// HarnessError.
void run_shell(const GuestOptions& options, const RunEvents& events);

}  // namespace bh
