#include "guest/agent/fio_op.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "guest/agent/fake_guest_system.h"

namespace bh::agent {
namespace {

using protocol::Json;

class FioOpTest : public ::testing::Test {
 protected:
  FioOpTest() {
    system_.dirs.insert("/tmp");
    system_.files["/proc/meminfo"] = "MemFree: 400 kB\n";
  }
  Json request(Json fields = Json::object()) {
    fields["op"] = "fio";
    if (!fields.contains("job")) fields["job"] = "[job]\nrw=read\n";
    return fields;
  }

  FakeGuestSystem system_;
  FioOp fio_{system_, "/tmp"};
};

TEST_F(FioOpTest, RunsFioOnTheJobFileInAFreshDirectory) {
  auto response = fio_.handle(request({{"args", {"--eta=never"}}, {"env", {{"SIZE", "16m"}}}, {"timeout_ms", 9000}}));
  ASSERT_TRUE(response) << response.error().message;
  ASSERT_EQ(system_.runs.size(), 1u);
  const ProcessSpec& spec = system_.runs[0];
  EXPECT_EQ(spec.argv, (std::vector<std::string>{"fio", "--output-format=json", "--output=/tmp/fio-run-1/fio.json",
                                                 "--eta=never", "job.fio"}));
  EXPECT_EQ(spec.cwd, "/tmp/fio-run-1");
  EXPECT_EQ(spec.env.at("SIZE"), "16m");
  EXPECT_EQ(spec.timeout, std::chrono::milliseconds(9000));
  EXPECT_EQ(spec.stderr_mode, StderrMode::kMergedIntoStdout);
  EXPECT_EQ(system_.files.at("/tmp/fio-run-1/job.fio"), "[job]\nrw=read\n");
}

TEST_F(FioOpTest, RemovesOlderRunDirectoriesOnly) {
  system_.dirs.insert("/tmp/fio-run-7");
  system_.files["/tmp/fio-run-7/old.log"] = "x";
  system_.files["/tmp/keep.txt"] = "y";
  ASSERT_TRUE(fio_.handle(request()));
  ASSERT_TRUE(fio_.handle(request()));
  EXPECT_FALSE(system_.dirs.contains("/tmp/fio-run-7"));
  EXPECT_FALSE(system_.dirs.contains("/tmp/fio-run-1"));
  EXPECT_TRUE(system_.dirs.contains("/tmp/fio-run-2"));
  EXPECT_FALSE(system_.files.contains("/tmp/fio-run-7/old.log"));
  EXPECT_TRUE(system_.files.contains("/tmp/keep.txt"));
}

TEST_F(FioOpTest, ReturnsOutputLogsAndConsoleText) {
  system_.next_outcome = ProcessOutcome{0, 0, false, false, "fio: some warning\n", ""};
  system_.files_made_by_process = {{"/tmp/fio-run-1/fio.json", "{\"jobs\": []}"},
                                   {"/tmp/fio-run-1/lat_lat.1.log", "1, 100, 0, 4096, 0\n"},
                                   {"/tmp/fio-run-1/notes.txt", "not a log"}};
  auto response = fio_.handle(request());
  ASSERT_TRUE(response) << response.error().message;
  const Json& r = response.value();
  EXPECT_EQ(r["exit_code"], 0);
  EXPECT_EQ(r["timed_out"], false);
  EXPECT_EQ(r["output"], "{\"jobs\": []}");
  EXPECT_EQ(r["stderr"], "fio: some warning\n");
  EXPECT_EQ(r["logs"], (Json{{"lat_lat.1.log", "1, 100, 0, 4096, 0\n"}}));
  EXPECT_TRUE(r["samples"].empty());
}

TEST_F(FioOpTest, MissingOutputFileGivesEmptyOutput) {
  system_.next_outcome = ProcessOutcome{1, 0, true, false, "", ""};
  auto response = fio_.handle(request());
  ASSERT_TRUE(response);
  EXPECT_EQ(response.value()["output"], "");
  EXPECT_EQ(response.value()["timed_out"], true);
  EXPECT_EQ(response.value()["exit_code"], 1);
}

TEST_F(FioOpTest, SamplesMemoryEveryTickWithTimeSinceStart) {
  system_.ticks_per_run = 3;
  auto response = fio_.handle(request({{"sample_interval_ms", 250}}));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(system_.runs[0].tick_interval, std::chrono::milliseconds(250));
  const Json& samples = response.value()["samples"];
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_DOUBLE_EQ(samples[0]["t_s"].get<double>(), 1.0);  // fake uptime: +1 s per reading
  EXPECT_DOUBLE_EQ(samples[2]["t_s"].get<double>(), 3.0);
  EXPECT_EQ(samples[1]["meminfo"]["MemFree"], 400);
  EXPECT_TRUE(samples[1]["slab_kb"].is_object());
}

TEST_F(FioOpTest, NoSamplingWithoutAnInterval) {
  ASSERT_TRUE(fio_.handle(request()));
  EXPECT_EQ(system_.runs[0].tick_interval, std::chrono::milliseconds(0));
}

TEST_F(FioOpTest, FieldErrorsNameTheField) {
  auto no_job = fio_.handle(Json{{"op", "fio"}});
  ASSERT_FALSE(no_job);
  EXPECT_EQ(no_job.error().message, "missing field 'job'");
  auto bad_interval = fio_.handle(request({{"sample_interval_ms", "1s"}}));
  ASSERT_FALSE(bad_interval);
  EXPECT_EQ(bad_interval.error().message, "field 'sample_interval_ms' must be a non-negative integer");
  EXPECT_TRUE(system_.runs.empty());
}

TEST_F(FioOpTest, AnArmedCutAnswersOnceFioSavedItsStateLeavingFioRunning) {
  system_.ticks_per_run = 10;
  system_.during_run = [&](int tick) {
    if (tick == 4 && system_.files.contains("/tmp/fio-run-1/bh-cut-trigger")) {
      system_.files["/tmp/fio-run-1/local-writer-0-verify.state"] = "state";
      system_.files["/tmp/fio-run-1/bh-cut-saved"] = "";
    }
  };
  auto response = fio_.handle(request({{"cut_after_ms", 1500}, {"sample_interval_ms", 250}}));
  ASSERT_TRUE(response) << response.error().message;
  const ProcessSpec& spec = system_.runs[0];
  EXPECT_EQ(spec.tick_interval, std::chrono::milliseconds(10));
  EXPECT_NE(std::find(spec.argv.begin(), spec.argv.end(), "--trigger-file=/tmp/fio-run-1/bh-cut-trigger"),
            spec.argv.end());
  EXPECT_EQ(spec.argv.back(), "job.fio");
  const Json& r = response.value();
  EXPECT_EQ(r["detached"], true);
  EXPECT_EQ(r["output"], "");
  EXPECT_EQ(r["cut"]["fired"], true);
  EXPECT_EQ(r["cut"]["verify_states"].size(), 1u);
  EXPECT_FALSE(r["samples"].empty()) << "memory sampling goes on while a cut is armed";
}

TEST_F(FioOpTest, AFioThatEndsBeforeItsCutAnswersAsUsual) {
  system_.ticks_per_run = 2;
  system_.files_made_by_process = {{"/tmp/fio-run-1/fio.json", "{\"jobs\": []}"}};
  auto response = fio_.handle(request({{"cut_after_ms", 60000}}));
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response.value()["detached"], false);
  EXPECT_EQ(response.value()["output"], "{\"jobs\": []}");
  EXPECT_EQ(response.value()["cut"]["fired"], false);
}

TEST_F(FioOpTest, FioThatCannotStartIsAFailure) {
  system_.next_outcome = fail("cannot run 'fio': No such file or directory");
  auto response = fio_.handle(request());
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message, "cannot run 'fio': No such file or directory");
}

}  // namespace
}  // namespace bh::agent
