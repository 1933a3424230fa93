#include "analysis/trace/trace_capture.h"

#include <gtest/gtest.h>

#include "util/temp_dir.h"

namespace bh::analysis {
namespace {

TEST(TraceCapture, SavesAndLoadsEveryPart) {
  TraceCapture capture;
  capture.kernel_release = "6.1.0-57-amd64";
  capture.clock = "mono";
  capture.header_page = "field: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n";
  capture.formats["bcache/bcache_read"] = "name: bcache_read\nID: 7\n";
  capture.cpu_raw = {std::string("\0\1\2", 3), ""};
  capture.cpu_stats = {"overrun: 0\n", "overrun: 1\n"};
  TempDir dir("bh-trace-capture-test");
  ASSERT_TRUE(save_trace_capture(capture, dir.path() / "trace"));
  auto loaded = load_trace_capture(dir.path() / "trace");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded.value().kernel_release, capture.kernel_release);
  EXPECT_EQ(loaded.value().clock, "mono");
  EXPECT_EQ(loaded.value().header_page, capture.header_page);
  EXPECT_EQ(loaded.value().formats, capture.formats);
  EXPECT_EQ(loaded.value().cpu_raw, capture.cpu_raw);
  EXPECT_EQ(loaded.value().cpu_stats, capture.cpu_stats);
  EXPECT_EQ(loaded.value().kprobe_profile, "");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "trace" / "kprobe_profile"));
}

TEST(TraceCapture, SavesAndLoadsTheKprobeProfileWhenThereIsOne) {
  TraceCapture capture;
  capture.header_page = "h";
  capture.kprobe_profile = "  bhmem/pages      12       0\n";
  TempDir dir("bh-trace-capture-test");
  ASSERT_TRUE(save_trace_capture(capture, dir.path() / "trace"));
  auto loaded = load_trace_capture(dir.path() / "trace");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded.value().kprobe_profile, capture.kprobe_profile);
}

TEST(TraceCapture, RefusesEventNamesThatAreNotSystemSlashEvent) {
  TraceCapture capture;
  capture.formats["../escape"] = "x";
  TempDir dir("bh-trace-capture-test");
  auto saved = save_trace_capture(capture, dir.path());
  ASSERT_FALSE(saved);
  EXPECT_NE(saved.error().message.find("../escape"), std::string::npos);
}

TEST(TraceCapture, LoadingAMissingCaptureNamesTheFile) {
  TempDir dir("bh-trace-capture-test");
  auto loaded = load_trace_capture(dir.path() / "none");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("meta.json"), std::string::npos);
}

TEST(TraceCapture, CpuStatsGiveEveryLossCounter) {
  const auto loss = parse_cpu_stats(
      "entries: 10\noverrun: 3\ncommit overrun: 1\nbytes: 4096\noldest event ts:   12.345678\n"
      "now ts:   13.000000\ndropped events: 2\nread events: 7\n");
  ASSERT_TRUE(loss) << loss.error().message;
  EXPECT_EQ(loss.value().overrun, 3u);
  EXPECT_EQ(loss.value().commit_overrun, 1u);
  EXPECT_EQ(loss.value().dropped_events, 2u);
  EXPECT_EQ(loss.value().total(), 6u);
}

TEST(TraceCapture, CpuStatsWithoutALossCounterAreAnError) {
  const auto loss = parse_cpu_stats("entries: 10\noverrun: 0\ncommit overrun: 0\n");
  ASSERT_FALSE(loss);
  EXPECT_NE(loss.error().message.find("dropped events"), std::string::npos);
}

}  // namespace
}  // namespace bh::analysis
