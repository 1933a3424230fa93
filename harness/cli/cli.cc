#include "harness/cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/exit/harness_error.h"

namespace bh::cli {
namespace {

std::string settings_help() {
  std::string help = "bcache/device setting KEY=VALUE (repeatable). Keys:";
  for (const auto& key : setting_keys()) {
    help += "\n  " + std::string(key.name) + " (" + std::string(key.type) + ", default " +
            std::string(key.default_text) + "): " + std::string(key.help);
  }
  return help;
}

struct GuestFlags {
  GuestOptions options;
  std::string accel = "auto";
  std::string devices;
  int boot_timeout_s = 120;
};

void add_guest_flags(CLI::App& command, GuestFlags& flags) {
  command
      .add_option("--kernel", flags.options.kernel_spec,
                  "debian:stock | debian:RELEASE | deb:PATH | build:PATH | module:PATH@BASE (BASE's kernel with "
                  "bcache.ko replaced by PATH)")
      ->capture_default_str();
  command.add_option("--accel", flags.accel, "auto | kvm | tcg")->capture_default_str();
  command.add_option("--devices", flags.devices, "virtio | loop (same as --set devices=...)");
  command.add_option("--set", flags.options.settings, settings_help());
  command.add_option("--out", flags.options.out_dir, "output directory (default runs/<command>-<time>)");
  command.add_option("--boot-timeout", flags.boot_timeout_s, "seconds from QEMU start to the guest agent")
      ->capture_default_str();
  command.add_option("--memory", flags.options.memory_mib, "guest memory in MiB")->capture_default_str();
}

GuestOptions finish(GuestFlags& flags) {
  auto accel = parse_accel_request(flags.accel);
  if (!accel) throw HarnessError(ExitCode::kUsage, accel.error().message);
  flags.options.accel = accel.value();
  if (!flags.devices.empty()) flags.options.settings.insert(flags.options.settings.begin(), "devices=" + flags.devices);
  flags.options.boot_timeout = std::chrono::seconds(flags.boot_timeout_s);
  return flags.options;
}

/// The flags of `run` (and `compare`): the guest's, then scenarios, repeats, seed, power
/// cuts and perf phases.
struct RunFlags {
  GuestFlags guest;
  RunOptions options;
  std::uint64_t seed = 0;
  std::string cut_method = "kill";
  std::uint32_t perf_warmup_s = 0;
  std::uint32_t perf_runtime_s = 0;
  CLI::Option* seed_option = nullptr;
  CLI::Option* warmup_option = nullptr;
  CLI::Option* runtime_option = nullptr;
};

void add_run_flags(CLI::App& command, RunFlags& flags, int default_repeat = 1) {
  add_guest_flags(command, flags.guest);
  flags.options.repeat = default_repeat;
  command.add_option("--scenario", flags.options.scenarios,
                     "scenario name (jobs/NAME.toml), NAME:VARIANT or a .toml path; repeatable (default: all shipped)");
  command.add_option("--repeat", flags.options.repeat, "runs per scenario (seeds S, S+1, ...)")->capture_default_str();
  flags.seed_option = command.add_option("--seed", flags.seed, "first seed (default: random, printed)");
  command
      .add_option("--power-cuts", flags.options.power_cuts.cuts,
                  "after each run's race, N more races each cut at a seeded point, then verified after a reboot "
                  "(race and control scenarios; perf scenarios make no cuts)")
      ->capture_default_str();
  command.add_flag("--power-cut-after-race", flags.options.power_cuts.after_race,
                   "one more cut right after the race's writes finished, before any shutdown");
  command
      .add_option("--power-cut-method", flags.cut_method,
                  "kill (QEMU is killed) or sysrq-b (the guest reboots unsynced)")
      ->check(CLI::IsMember({"kill", "sysrq-b"}))
      ->capture_default_str();
  flags.warmup_option = command
                            .add_option("--perf-warmup", flags.perf_warmup_s,
                                        "seconds every perf scenario warms up (overrides its [perf] warmup_s; 0: none)")
                            ->check(CLI::Range(0, 86400));
  flags.runtime_option = command
                             .add_option("--perf-runtime", flags.perf_runtime_s,
                                         "seconds every perf scenario is measured (overrides its [perf] runtime_s)")
                             ->check(CLI::Range(1, 86400));
}

RunOptions finish(RunFlags& flags) {
  RunOptions options = flags.options;
  options.guest = finish(flags.guest);
  if (*flags.seed_option) options.seed = flags.seed;
  if (*flags.warmup_option) options.perf_warmup_s = flags.perf_warmup_s;
  if (*flags.runtime_option) options.perf_runtime_s = flags.perf_runtime_s;
  options.power_cuts.method = value_or_throw(parse_cut_method(flags.cut_method), ExitCode::kUsage);
  return options;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"bcache-harness: prove and measure bcache's stale-data race in throwaway QEMU guests"};
  app.require_subcommand(1);
  app.add_subcommand("doctor", "show what a run needs, what is present, and how to fix what is missing");

  GuestFlags image_flags;
  auto* image = app.add_subcommand("image", "resolve a kernel and build (or reuse) its guest image");
  add_guest_flags(*image, image_flags);

  GuestFlags fio_flags;
  std::string job_file;
  int fio_timeout_s = 900;
  auto* fio = app.add_subcommand("fio", "boot a guest, provision bcache, run a fio job file through /dev/bcache0");
  add_guest_flags(*fio, fio_flags);
  fio->add_option("job", job_file, "fio job file; ${BH_DEV} in it is the bcache device")->required();
  fio->add_option("--fio-timeout", fio_timeout_s, "seconds fio may run")->capture_default_str();

  RunFlags run_flags;
  auto* run =
      app.add_subcommand("run", "run race, control and perf scenarios; verdict PASS/FAIL/ERROR/SKIP per scenario");
  add_run_flags(*run, run_flags);

  RunFlags compare_flags;
  CompareOptions compare_options;
  auto* compare = app.add_subcommand(
      "compare",
      "the same scenarios and seeds on a baseline and a candidate kernel, interleaved; statistics and a verdict");
  add_run_flags(*compare, compare_flags, 3);
  compare->remove_option(compare->get_option("--kernel"));
  compare->add_option("--baseline", compare_options.baseline_spec, "kernel spec of the baseline (e.g. debian:stock)")
      ->required();
  compare
      ->add_option("--candidate", compare_options.candidate_spec,
                   "kernel spec of the candidate (e.g. module:PATH/bcache.ko@debian:stock)")
      ->required();
  compare
      ->add_option("--threshold", compare_options.threshold_percent,
                   "percent a metric must change by, beyond its 95% interval, to count")
      ->capture_default_str();
  compare->add_option("--metric-threshold", compare_options.thresholds,
                      "METRIC=PERCENT for one metric, e.g. latency_us.read.p99=10 (repeatable)");

  std::string report_dir;
  auto* report =
      app.add_subcommand("report", "re-render summary.json, report.html, report.md and junit.xml of a run directory");
  report->add_option("dir", report_dir, "a run directory (the --out of `run`)")->required();

  GuestFlags shell_flags;
  auto* shell = app.add_subcommand("shell", "boot a guest with bcache provisioned and attach to its console");
  add_guest_flags(*shell, shell_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }
  if (app.got_subcommand("doctor")) return doctor_command();
  if (app.got_subcommand("image")) return image_command(finish(image_flags));
  if (app.got_subcommand("report")) return report_command(report_dir);
  if (app.got_subcommand("run")) return run_command(finish(run_flags));
  if (app.got_subcommand("compare")) {
    compare_options.run = finish(compare_flags);
    return compare_command(compare_options);
  }
  if (app.got_subcommand("fio")) return fio_command(finish(fio_flags), job_file, std::chrono::seconds(fio_timeout_s));
  return shell_command(finish(shell_flags));
}

}  // namespace bh::cli
