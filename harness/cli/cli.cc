#include "harness/cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/exit/harness_error.h"
#include "harness/nightly/nightly_matrix.h"
#include "harness/results/harness_version.h"

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
  std::string cache_dev, backing_dev;
  std::vector<std::string> destroy_data;
  int boot_timeout_s = 120;
};

void add_guest_flags(CLI::App& command, GuestFlags& flags) {
  command
      .add_option("--kernel", flags.options.kernel_spec,
                  "debian:stock | debian:newest-X.Y | debian:RELEASE | deb:PATH | build:PATH | module:PATH@BASE "
                  "(BASE's kernel with bcache.ko replaced by PATH)")
      ->capture_default_str();
  command.add_option("--accel", flags.accel, "auto | kvm | tcg")->capture_default_str();
  command.add_option("--devices", flags.devices, "virtio | loop | host-loop | host (same as --set devices=...)");
  command.add_option("--set", flags.options.settings, settings_help());
  command.add_option("--out", flags.options.out_dir, "output directory (default runs/<command>-<time>)");
  command.add_option("--boot-timeout", flags.boot_timeout_s, "seconds from QEMU start to the guest agent")
      ->capture_default_str();
  command.add_option("--memory", flags.options.memory_mib, "guest memory in MiB")->capture_default_str();
  command.add_option("--cache-dev", flags.cache_dev,
                     "a host block device as bcache's cache (devices=host; wiped: see --destroy-data)");
  command.add_option("--backing-dev", flags.backing_dev,
                     "a host block device as bcache's backing device (devices=host)");
  command.add_option("--destroy-data", flags.destroy_data,
                     "DEV: allow overwriting the signatures (filesystem, partition table, RAID, bcache) found on "
                     "exactly this host device (repeat per device); never overrides mounted, swap, held or root-disk "
                     "refusals");
}

GuestOptions finish(GuestFlags& flags) {
  auto accel = parse_accel_request(flags.accel);
  if (!accel) throw HarnessError(ExitCode::kUsage, accel.error().message);
  flags.options.accel = accel.value();
  auto& settings = flags.options.settings;
  if (!flags.devices.empty()) settings.insert(settings.begin(), "devices=" + flags.devices);
  if (!flags.cache_dev.empty() || !flags.backing_dev.empty()) {
    if (flags.devices.empty()) settings.insert(settings.begin(), "devices=host");
    if (!flags.cache_dev.empty()) settings.push_back("cache_dev=" + flags.cache_dev);
    if (!flags.backing_dev.empty()) settings.push_back("backing_dev=" + flags.backing_dev);
  }
  for (const auto& device : flags.destroy_data) settings.push_back("destroy_data=" + device);
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

/// Every subcommand's flags, bound to one CLI::App.
struct Flags {
  bool doctor_cleanup = false;
  GuestFlags image, fio, shell;
  std::string job_file;
  int fio_timeout_s = 900;
  RunFlags run, compare;
  CompareOptions compare_options;
  std::vector<std::string> compare_dirs;
  std::string report_dir;
  std::string report_kcidb;
  std::string report_origin = "bcache_harness";
  GuestFlags nightly_guest;
  NightlyOptions nightly;
  std::string nightly_shard = "1/1";
  std::string history_db, history_out, import_db;
  std::vector<std::string> import_dirs;
};

void add_compare(CLI::App& app, Flags& flags) {
  auto* compare = app.add_subcommand(
      "compare",
      "the same scenarios and seeds on a baseline and a candidate kernel, interleaved; statistics and a verdict. "
      "With two run directories instead, compares them offline");
  add_run_flags(*compare, flags.compare, 3);
  compare->remove_option(compare->get_option("--kernel"));
  compare
      ->add_option("dirs", flags.compare_dirs,
                   "BASELINE_DIR CANDIDATE_DIR: two existing run directories to compare offline "
                   "(instead of --baseline/--candidate)")
      ->expected(0, 2);
  compare->add_option("--baseline", flags.compare_options.baseline_spec,
                      "kernel spec of the baseline (e.g. debian:stock)");
  compare->add_option("--candidate", flags.compare_options.candidate_spec,
                      "kernel spec of the candidate (e.g. module:PATH/bcache.ko@debian:stock)");
  compare
      ->add_option("--threshold", flags.compare_options.threshold_percent,
                   "percent a metric must change by, beyond its 95% interval, to count")
      ->capture_default_str();
  compare->add_option("--metric-threshold", flags.compare_options.thresholds,
                      "METRIC=PERCENT for one metric, e.g. latency_us.read.p99=10 (repeatable)");
}

void add_report(CLI::App& app, Flags& flags) {
  auto* report = app.add_subcommand(
      "report",
      "re-render summary.json, report.html, report.md and junit.xml of a run directory (or, with --kcidb, "
      "export it or a nightly directory as KCIDB)");
  report->add_option("dir", flags.report_dir, "a run directory (the --out of `run`) or a nightly directory")
      ->required();
  report->add_option("--kcidb", flags.report_kcidb,
                     "write only a KCIDB v5.3 file (of a run or a nightly directory) to this path");
  report->add_option("--origin", flags.report_origin, "KCIDB origin ([a-z0-9_]+)")->capture_default_str();
}

void add_nightly(CLI::App& app, Flags& flags) {
  auto* nightly = app.add_subcommand(
      "nightly",
      "run a matrix of kernels and scenarios (or one shard of it) as one night, record every run in the "
      "history database, write KCIDB and say what is new");
  add_guest_flags(*nightly, flags.nightly_guest);
  nightly->remove_option(nightly->get_option("--kernel"));
  nightly->remove_option(nightly->get_option("--out"));
  nightly->add_option("--matrix", flags.nightly.matrix_file, "the matrix, e.g. jobs/matrices/nightly.toml")->required();
  nightly->add_option("--db", flags.nightly.db_file, "the history database (SQLite; created if missing)")->required();
  nightly->add_option("--out", flags.nightly.out_dir, "the night's directory (must not exist or be empty)")->required();
  nightly->add_option("--shard", flags.nightly_shard, "I/N: run the cells whose index % N is I-1")
      ->capture_default_str();
  nightly->add_option("--night", flags.nightly.night, "the night's name (default: today, UTC, YYYY-MM-DD)");
  nightly->add_option("--kcidb", flags.nightly.kcidb_file,
                      "where the night's KCIDB file goes (default OUT/kcidb.json)");
  nightly->add_option("--origin", flags.nightly.origin, "KCIDB origin ([a-z0-9_]+)")->capture_default_str();
}

void add_history(CLI::App& app, Flags& flags) {
  auto* history = app.add_subcommand(
      "history",
      "the trend report of a history database (trend.html, trend.json) and what is new in its latest "
      "night; exit 0 nothing new, 1 a new FAIL or regression, 3 an error");
  history->require_subcommand(0, 1);
  history->add_option("--db", flags.history_db, "the history database");
  history->add_option("--out", flags.history_out, "where trend.html and trend.json go");
  auto* import = history->add_subcommand("import", "import nightly directories (shards run elsewhere); idempotent");
  import->add_option("--db", flags.import_db, "the history database (created if missing)")->required();
  import->add_option("dirs", flags.import_dirs, "nightly directories (the --out of `nightly`)")->required();
}

/// Builds the whole command line on `app`, its values bound to `flags`.
void build_app(CLI::App& app, Flags& flags) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("bcache-harness ") + kHarnessVersion);
  app.add_subcommand("doctor", "show what a run needs, what is present, and how to fix what is missing")
      ->add_flag("--cleanup", flags.doctor_cleanup,
                 "detach host loop devices the harness left attached (only its own)");
  add_guest_flags(*app.add_subcommand("image", "resolve a kernel and build (or reuse) its guest image"), flags.image);
  auto* fio = app.add_subcommand("fio", "boot a guest, provision bcache, run a fio job file through /dev/bcache0");
  add_guest_flags(*fio, flags.fio);
  fio->add_option("job", flags.job_file, "fio job file; ${BH_DEV} in it is the bcache device")->required();
  fio->add_option("--fio-timeout", flags.fio_timeout_s, "seconds fio may run")->capture_default_str();
  add_run_flags(
      *app.add_subcommand("run", "run race, control and perf scenarios; verdict PASS/FAIL/ERROR/SKIP per scenario"),
      flags.run);
  add_compare(app, flags);
  add_report(app, flags);
  add_nightly(app, flags);
  add_history(app, flags);
  add_guest_flags(*app.add_subcommand("shell", "boot a guest with bcache provisioned and attach to its console"),
                  flags.shell);
}

/// The subcommand's path, e.g. "history import".
std::string chosen_command(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
  return path;
}

int compare_dispatch(Flags& flags) {
  auto& options = flags.compare_options;
  options.run = finish(flags.compare);
  const bool offline = !flags.compare_dirs.empty();
  if (offline && flags.compare_dirs.size() != 2) {
    throw HarnessError(ExitCode::kUsage, "compare: give two run directories (BASELINE_DIR CANDIDATE_DIR)");
  }
  if (offline && !(options.baseline_spec.empty() && options.candidate_spec.empty())) {
    throw HarnessError(ExitCode::kUsage, "compare: give either two run directories or --baseline and --candidate");
  }
  if (offline) return compare_dirs_command(options, flags.compare_dirs[0], flags.compare_dirs[1]);
  if (options.baseline_spec.empty() || options.candidate_spec.empty()) {
    throw HarnessError(ExitCode::kUsage, "compare: --baseline and --candidate are required (or two run directories)");
  }
  return compare_command(options);
}

int history_dispatch(const CLI::App& app, Flags& flags) {
  if (app.get_subcommand("history")->got_subcommand("import")) {
    return history_import_command(flags.import_db, {flags.import_dirs.begin(), flags.import_dirs.end()});
  }
  if (flags.history_db.empty() || flags.history_out.empty()) {
    throw HarnessError(ExitCode::kUsage, "history: --db and --out are required (or `history import`)");
  }
  return history_command(flags.history_db, flags.history_out);
}

int nightly_dispatch(Flags& flags, const std::vector<std::string>& command_line) {
  flags.nightly.guest = finish(flags.nightly_guest);
  flags.nightly.shard = value_or_throw(parse_shard(flags.nightly_shard), ExitCode::kUsage);
  if (flags.nightly.night.empty()) flags.nightly.night = default_night_name();
  flags.nightly.command_line = command_line;
  return nightly_command(flags.nightly);
}

int dispatch(const CLI::App& app, Flags& flags, const std::vector<std::string>& command_line) {
  const auto command = chosen_command(app);
  if (command == "doctor") return doctor_command(flags.doctor_cleanup);
  if (command == "image") return image_command(finish(flags.image));
  if (command == "report") {
    if (!flags.report_kcidb.empty()) return kcidb_command(flags.report_dir, flags.report_kcidb, flags.report_origin);
    return report_command(flags.report_dir);
  }
  if (command == "run") {
    auto options = finish(flags.run);
    options.command_line = command_line;
    return run_command(options);
  }
  if (command == "compare") {
    flags.compare.options.command_line = command_line;
    return compare_dispatch(flags);
  }
  if (command == "nightly") return nightly_dispatch(flags, command_line);
  if (command.starts_with("history")) return history_dispatch(app, flags);
  if (command == "fio") {
    return fio_command(finish(flags.fio), flags.job_file, std::chrono::seconds(flags.fio_timeout_s));
  }
  return shell_command(finish(flags.shell));
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"bcache-harness: prove and measure bcache's stale-data race in throwaway QEMU guests"};
  Flags flags;
  build_app(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }
  return dispatch(app, flags, std::vector<std::string>(argv, argv + argc));
}

Expected<std::string> check_arguments(const std::vector<std::string>& args) {
  CLI::App app{"bcache-harness"};
  Flags flags;
  build_app(app, flags);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a vector back to front
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    return fail(error.get_name() + ": " + error.what());
  }
  return chosen_command(app);
}

}  // namespace bh::cli
