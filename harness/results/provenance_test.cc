#include "harness/results/provenance.h"

#include <gtest/gtest.h>

#include "harness/results/harness_version.h"
#include "harness/results/run_summary.h"

namespace bh {
namespace {

TEST(Provenance, ParsesQemuFioAndCpu) {
  EXPECT_EQ(parse_qemu_version("QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)\n"
                               "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n"),
            "7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)");
  EXPECT_EQ(parse_qemu_version("qemu: command not found\n"), "");
  EXPECT_EQ(parse_fio_version("\nfio-3.33\n"), "fio-3.33");
  EXPECT_EQ(parse_cpu_model("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ "
                            "2.20GHz\nprocessor\t: 1\nmodel name\t: other\n"),
            "Intel(R) Xeon(R) CPU @ 2.20GHz");
  EXPECT_EQ(parse_cpu_model("processor : 0\n"), "");
}

TEST(Provenance, FormatsUtcTime) {
  const auto time = std::chrono::system_clock::time_point(std::chrono::seconds(1796392380));
  EXPECT_EQ(iso8601_utc(time), "2026-12-04T13:53:00Z");
}

TEST(Provenance, QuotesOnlyWhatAShellWouldSplit) {
  EXPECT_EQ(shell_quoted({"bcache-harness", "run", "--scenario", "race-seq-bypass", "--set", "cache_mode=writearound"}),
            "bcache-harness run --scenario race-seq-bypass --set cache_mode=writearound");
  EXPECT_EQ(shell_quoted({"a b", "", "it's", "$HOME"}), "'a b' '' 'it'\\''s' '$HOME'");
}

TEST(Provenance, SummaryCarriesItWithTheSummarysAccel) {
  RunSummary summary;
  summary.accel = "tcg";
  EXPECT_FALSE(to_json(summary).contains("provenance"));
  summary.provenance = Provenance{.harness_version = "v1-3-gabc", .fio_version = "fio-3.33", .started_at = "x"};
  const auto json = to_json(summary);
  EXPECT_EQ(json["provenance"]["accel"], "tcg");
  EXPECT_EQ(json["provenance"]["harness_version"], "v1-3-gabc");
  EXPECT_EQ(json["provenance"]["fio_version"], "fio-3.33");
}

TEST(Provenance, VersionIsBakedIn) { EXPECT_NE(std::string(kHarnessVersion), ""); }

}  // namespace
}  // namespace bh
