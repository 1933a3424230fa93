#include "harness/vm/console_findings.h"

#include <gtest/gtest.h>

#include "util/files.h"

namespace bh {
namespace {

TEST(ScanConsole, CleanBootHasNoFindings) {
  const char* console =
      "[    0.000000] Linux version 6.1.0-56-amd64\n"
      "[    9.840937] bcache: run_cache_set() invalidating existing data\n"
      "bh-init: modules loaded\n";
  EXPECT_TRUE(scan_console(console).empty());
}

TEST(ScanConsole, FindsWarningsBugsAndOopsesInOrder) {
  const char* console =
      "[   12.1] ------------[ cut here ]------------\n"
      "[   12.1] WARNING: CPU: 1 PID: 77 at drivers/md/bcache/btree.c:1234 bch_btree_insert+0x1/0x2 [bcache]\n"
      "[   13.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
      "[   13.0] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
      "[   20.0] INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n";
  const auto findings = scan_console(console);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].kind, "WARNING");
  EXPECT_EQ(findings[1].kind, "BUG");
  EXPECT_EQ(findings[2].kind, "oops");
  EXPECT_EQ(findings[3].kind, "hung task");
  EXPECT_NE(findings[0].line.find("btree.c:1234"), std::string::npos);
}

TEST(ScanConsole, LastLineWithoutNewlineCounts) {
  EXPECT_EQ(scan_console("ok\nKernel panic - not syncing: Fatal exception").size(), 1u);
}

// Each excerpt below is printed in the format of the kernel source named beside it (6.1 and
// 6.12 print these lines the same way); Debian's kernels have no UBSAN, KASAN or lkdtm to
// make them on demand.
struct MarkerCase {
  const char* source;
  const char* line;
  const char* kind;
  bool stall;
};

class ConsoleMarker : public ::testing::TestWithParam<MarkerCase> {};

TEST_P(ConsoleMarker, IsAFindingOfItsKind) {
  const auto& c = GetParam();
  const std::string console =
      std::string("[    1.000000] Linux version 6.1.0-57-amd64\n") + c.line + "\n[   12.000001] bh-agent: ready\n";
  const auto findings = scan_console(console);
  ASSERT_EQ(findings.size(), 1u) << c.source;
  EXPECT_EQ(findings[0].kind, c.kind) << c.source;
  EXPECT_EQ(findings[0].stall, c.stall) << c.source;
  EXPECT_EQ(findings[0].line, c.line);
}

INSTANTIATE_TEST_SUITE_P(
    KernelSources, ConsoleMarker,
    ::testing::Values(
        MarkerCase{"lib/ubsan.c", "[   41.529301] UBSAN: array-index-out-of-bounds in drivers/md/bcache/bset.c:1005:13",
                   "UBSAN", false},
        MarkerCase{"mm/kasan/report.c",
                   "[   41.529301] BUG: KASAN: slab-use-after-free in bch_data_insert_keys+0x3c/0x310 [bcache]",
                   "KASAN", false},
        MarkerCase{"kernel/rcu/tree_stall.h", "[   62.117253] rcu: INFO: rcu_preempt self-detected stall on CPU",
                   "RCU stall", true},
        MarkerCase{"kernel/rcu/tree_stall.h",
                   "[   62.117253] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", "RCU stall", true},
        MarkerCase{"kernel/watchdog.c", "[   48.000112] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [fio:812]",
                   "soft lockup", true},
        MarkerCase{"kernel/watchdog_hld.c", "[   48.000112] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
                   "hard lockup", true},
        MarkerCase{"kernel/hung_task.c",
                   "[  245.871020] INFO: task bcache_writebac:377 blocked for more than 120 seconds.", "hung task",
                   true},
        MarkerCase{"drivers/md/bcache/super.c bch_cache_set_error",
                   "[    9.312201] bcache: bch_cache_set_error() error on 6f1c1e5c-3b0e-4c59-9a51-20a4b1d2e0f7: "
                   "journal entries 2-3 missing at start of journal, disabling caching",
                   "bcache error", false},
        MarkerCase{"drivers/md/bcache/io.c bch_count_io_errors",
                   "[   30.101010] bcache: bch_count_io_errors() vda: IO error on vda, recovering.", "bcache error",
                   false},
        MarkerCase{"drivers/md/bcache/super.c register_bcache",
                   "[    8.000001] bcache: register_bcache() error /dev/vdb: Not a bcache superblock (bad magic)",
                   "bcache error", false},
        MarkerCase{"kernel/panic.c", "[   50.2] Kernel panic - not syncing: sysrq triggered crash", "panic", false}));

TEST(ScanConsole, BcacheLinesWithoutAnErrorAndOtherErrorsAreNoFindings) {
  const char* console =
      "[    9.840937] bcache: bch_journal_replay() journal replay done, 12 keys in 3 entries, seq 41\n"
      "[    9.9] bcache: register_bdev() registered backing device vdb\n"
      "[    0.9] RAS: Correctable Errors collector initialized.\n"
      "[    1.2] platform regulatory.0: Direct firmware load for regulatory.db failed with error -2\n";
  EXPECT_TRUE(scan_console(console).empty());
}

// A real Debian 6.12 boot under multi-threaded TCG (2026-12-04): the kernel had put the
// two-byte nop back ("66 <90>") when the other CPU trapped on the int3 it had patched in.
TEST(EmulatorFault, AnInt3TrapWhereNoBreakpointIsLeftIsTheEmulators) {
  auto console = read_file(std::string(BH_SOURCE_DIR) + "/harness/vm/testdata/console-6.12-tcg-stale-int3.log");
  ASSERT_TRUE(console) << console.error().message;
  const auto fault = emulator_fault(console.value());
  ASSERT_TRUE(fault);
  EXPECT_NE(fault->find("Oops: int3: 0000 [#1] PREEMPT SMP NOPTI"), std::string::npos) << *fault;
  EXPECT_NE(fault->find("the byte before the trap address is 66, not cc"), std::string::npos) << *fault;
  EXPECT_FALSE(scan_console(console.value()).empty());  // the lines are still oopses on the console
}

TEST(EmulatorFault, ABreakpointStillInTheCodeOrAnotherOopsIsTheKernels) {
  EXPECT_FALSE(
      emulator_fault("[ 1.9] Oops: int3: 0000 [#1] SMP\n[ 1.9] RIP: 0010:f+0x9/0x10\n"
                     "[ 1.9] Code: 90 90 53 cc <90> e8 c1\n"));
  EXPECT_FALSE(emulator_fault("[ 1.9] Oops: general protection fault\n[ 1.9] Code: 90 66 <90> e8\n"));
  EXPECT_FALSE(emulator_fault("[ 1.9] Oops: int3: 0000 [#1] SMP\n"));  // no Code line: nothing to show
  EXPECT_FALSE(emulator_fault(""));
}

}  // namespace
}  // namespace bh
