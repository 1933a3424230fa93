#include "harness/vm/console_findings.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace bh
