#include "harness/runs/provenance_probe.h"

#include <gtest/gtest.h>

#include <fstream>

#include "harness/results/harness_version.h"
#include "util/fake_process_runner.h"
#include "util/temp_dir.h"

namespace bh {
namespace {

TEST(ProvenanceProbe, AsksQemuAndFioAndReadsTheCpu) {
  testing::FakeProcessRunner runner;
  runner.on({"qemu-system-x86_64", "--version"}, 0, "QEMU emulator version 7.2.19 (Debian)\nCopyright\n");
  runner.on({"fio", "--version"}, 0, "fio-3.33\n");
  TempDir dir("bh-provenance");
  std::ofstream(dir.path() / "cpuinfo") << "processor\t: 0\nmodel name\t: Test CPU 9000\n";
  const auto started = std::chrono::system_clock::time_point(std::chrono::seconds(0));
  const auto provenance =
      collect_provenance(runner, {"bcache-harness", "run", "--seed", "1"}, started, dir.path() / "cpuinfo");
  EXPECT_EQ(provenance.qemu_version, "7.2.19 (Debian)");
  EXPECT_EQ(provenance.fio_version, "fio-3.33");
  EXPECT_EQ(provenance.host_cpu, "Test CPU 9000");
  EXPECT_EQ(provenance.command_line, "bcache-harness run --seed 1");
  EXPECT_EQ(provenance.started_at, "1970-01-01T00:00:00Z");
  EXPECT_EQ(provenance.harness_version, kHarnessVersion);
}

TEST(ProvenanceProbe, MissingToolsLeaveTheirVersionsEmpty) {
  testing::FakeProcessRunner runner;
  runner.on({"fio"}, 127, "fio: not found\n");
  const auto provenance = collect_provenance(runner, {}, std::chrono::system_clock::now(), "/nonexistent/cpuinfo");
  EXPECT_EQ(provenance.qemu_version, "");
  EXPECT_EQ(provenance.fio_version, "");
  EXPECT_EQ(provenance.host_cpu, "");
}

}  // namespace
}  // namespace bh
