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
