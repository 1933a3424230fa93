#include "guest/agent/agent.h"

#include <gtest/gtest.h>

#include "guest/agent/fake_guest_system.h"
#include "protocol/base64.h"
#include "protocol/lz4_block.h"

namespace bh::agent {
namespace {

class AgentTest : public ::testing::Test {
 protected:
  Json send(Json request) {
    request["id"] = 7;
    return agent_.handle(request);
  }
  Json exec(Json fields) {
    fields["op"] = "exec";
    return send(std::move(fields));
  }

  FakeGuestSystem system_;
  Agent agent_{system_};
};

TEST_F(AgentTest, HelloReportsKernelAndUptime) {
  const Json response = send({{"op", "hello"}});
  EXPECT_EQ(response["id"], 7);
  EXPECT_EQ(response["ok"], true);
  EXPECT_EQ(response["uname_r"], "6.1.0-fake");
  EXPECT_DOUBLE_EQ(response["uptime_s"].get<double>(), 101.0);
}

TEST_F(AgentTest, ReadyEventCarriesKernelAndUptime) {
  const Json event = agent_.ready_event();
  EXPECT_EQ(event["event"], "ready");
  EXPECT_EQ(event["uname_r"], "6.1.0-fake");
  EXPECT_TRUE(event["uptime_s"].is_number());
  EXPECT_FALSE(event.contains("id"));
}

TEST_F(AgentTest, UnknownOpIsAFailureNamingTheOp) {
  const Json response = send({{"op", "reboot_now"}});
  EXPECT_EQ(response["id"], 7);
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["error"], "unknown op 'reboot_now'");
}

TEST_F(AgentTest, MissingOpIsAFailure) {
  const Json response = send(Json::object());
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["error"], "missing field 'op'");
}

TEST_F(AgentTest, MalformedLineGetsANullId) {
  const Json response = agent_.handle_line("{\"id\": 3, \"op\": ");
  EXPECT_TRUE(response["id"].is_null());
  EXPECT_EQ(response["ok"], false);
  EXPECT_NE(response["error"].get<std::string>().find("malformed"), std::string::npos);
}

TEST_F(AgentTest, HandleLineAnswersAWellFormedLine) {
  const Json response = agent_.handle_line(R"({"id": "a", "op": "hello"})");
  EXPECT_EQ(response["id"], "a");
  EXPECT_EQ(response["ok"], true);
}

TEST_F(AgentTest, ExecPassesArgvEnvStdinAndTimeout) {
  exec({{"argv", {"ls", "-l"}}, {"env", {{"LANG", "C"}}}, {"stdin", "in"}, {"timeout_ms", 500}});
  ASSERT_EQ(system_.runs.size(), 1u);
  const ProcessSpec& spec = system_.runs[0];
  EXPECT_EQ(spec.argv, (std::vector<std::string>{"ls", "-l"}));
  EXPECT_EQ(spec.env.at("LANG"), "C");
  EXPECT_EQ(spec.stdin_data, "in");
  EXPECT_EQ(spec.timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(spec.stderr_mode, StderrMode::kSeparate);
  EXPECT_EQ(spec.output_cap, protocol::kMaxCapturedOutput);
}

TEST_F(AgentTest, ExecTimeoutDefaultsToOneMinute) {
  exec({{"argv", {"true"}}});
  ASSERT_EQ(system_.runs.size(), 1u);
  EXPECT_EQ(system_.runs[0].timeout, std::chrono::milliseconds(60000));
}

TEST_F(AgentTest, ExecReturnsWhatTheProcessLeft) {
  system_.next_outcome = ProcessOutcome{3, 0, false, false, "out", "err"};
  const Json response = exec({{"argv", {"sh"}}});
  EXPECT_EQ(response["ok"], true);
  EXPECT_EQ(response["exit_code"], 3);
  EXPECT_EQ(response["signal"], 0);
  EXPECT_EQ(response["timed_out"], false);
  EXPECT_EQ(response["truncated"], false);
  EXPECT_EQ(response["stdout"], "out");
  EXPECT_EQ(response["stderr"], "err");
}

TEST_F(AgentTest, ExecReportsTimeoutAndTruncation) {
  system_.next_outcome = ProcessOutcome{-1, 9, true, true, "partial", ""};
  const Json response = exec({{"argv", {"sleep", "30"}}, {"timeout_ms", 10}});
  EXPECT_EQ(response["ok"], true);
  EXPECT_EQ(response["exit_code"], -1);
  EXPECT_EQ(response["signal"], 9);
  EXPECT_EQ(response["timed_out"], true);
  EXPECT_EQ(response["truncated"], true);
}

TEST_F(AgentTest, ExecThatCannotStartIsAFailure) {
  system_.next_outcome = fail("cannot run 'nope': No such file or directory");
  const Json response = exec({{"argv", {"nope"}}});
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["error"], "cannot run 'nope': No such file or directory");
}

TEST_F(AgentTest, ExecFieldErrorsNameTheField) {
  EXPECT_EQ(exec(Json::object())["error"], "missing field 'argv'");
  EXPECT_EQ(exec({{"argv", "ls -l"}})["error"], "field 'argv' must be an array of strings");
  EXPECT_EQ(exec({{"argv", {"ls"}}, {"env", {"A"}}})["error"], "field 'env' must be an object of strings");
  EXPECT_EQ(exec({{"argv", {"ls"}}, {"timeout_ms", -5}})["error"], "field 'timeout_ms' must be a positive integer");
  EXPECT_TRUE(system_.runs.empty());
}

TEST_F(AgentTest, WriteFileWritesTheContentAsGiven) {
  const Json response =
      send({{"op", "write_file"}, {"path", "/sys/block/bcache0/bcache/cache_mode"}, {"content", "writearound"}});
  EXPECT_EQ(response["ok"], true);
  ASSERT_EQ(system_.writes.size(), 1u);
  EXPECT_EQ(system_.writes[0], "/sys/block/bcache0/bcache/cache_mode=writearound");
}

TEST_F(AgentTest, WriteTheKernelRefusesIsAFailureNamingPathValueAndReason) {
  const std::string path = "/sys/block/bcache0/bcache/sequential_cutoff";
  system_.refused_writes[path] = EINVAL;
  const Json response = send({{"op", "write_file"}, {"path", path}, {"content", "64k"}});
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["error"], "write \"64k\" to " + path + ": Invalid argument");
}

TEST_F(AgentTest, WriteFileNeedsPathAndContent) {
  EXPECT_EQ(send({{"op", "write_file"}, {"content", "1"}})["error"], "missing field 'path'");
  EXPECT_EQ(send({{"op", "write_file"}, {"path", "/x"}})["error"], "missing field 'content'");
  EXPECT_TRUE(system_.writes.empty());
}

TEST_F(AgentTest, WriteFilesWritesInOrderAndStopsAtTheFirstRefusal) {
  system_.refused_writes["/t/b"] = EINVAL;
  const Json response = send({{"op", "write_files"},
                              {"writes",
                               {{{"path", "/t/a"}, {"content", "0"}},
                                {{"path", "/t/b"}, {"content", "x"}},
                                {{"path", "/t/c"}, {"content", "1"}}}}});
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["error"], "write 2 of 3: write \"x\" to /t/b: Invalid argument");
  EXPECT_EQ(system_.writes, (std::vector<std::string>{"/t/a=0", "/t/b=x"}));  // /t/c never tried
}

TEST_F(AgentTest, WriteFilesNeedsANonEmptyListOfPathsAndContents) {
  const std::string shape =
      "field 'writes' must be a non-empty array of {\"path\": string, \"content\": string, \"append\": bool?}";
  EXPECT_EQ(send({{"op", "write_files"}})["error"], "missing field 'writes'");
  EXPECT_EQ(send({{"op", "write_files"}, {"writes", Json::array()}})["error"], shape);
  EXPECT_EQ(send({{"op", "write_files"}, {"writes", {{{"path", "/t/a"}}}}})["error"], shape);
  EXPECT_EQ(send({{"op", "write_files"}, {"writes", {{{"path", "/t/a"}, {"content", 1}}}}})["error"], shape);
  EXPECT_TRUE(system_.writes.empty());
}

TEST_F(AgentTest, ReadFilesSeparatesContentsFromErrors) {
  system_.files["/proc/version"] = "Linux 6.1\n";
  const Json response = send({{"op", "read_files"}, {"paths", {"/proc/version", "/missing"}}});
  EXPECT_EQ(response["ok"], true);
  EXPECT_EQ(response["files"], (Json{{"/proc/version", "Linux 6.1\n"}}));
  EXPECT_EQ(response["errors"]["/missing"], "open /missing: No such file or directory");
  EXPECT_FALSE(response["files"].contains("/missing"));
}

TEST_F(AgentTest, ReadFilesNeedsPaths) {
  EXPECT_EQ(send({{"op", "read_files"}})["error"], "missing field 'paths'");
  EXPECT_EQ(send({{"op", "read_files"}, {"paths", {1}}})["error"], "field 'paths' must be an array of strings");
}

TEST_F(AgentTest, WriteFilesMakesDirsAppendsAndWithKeepGoingReportsEachRefusal) {
  system_.files["/t/kprobe_events"] = "p:old x\n";
  system_.refused_writes["/t/refused"] = EINVAL;
  const Json response = send({{"op", "write_files"},
                              {"make_dirs", {"/t/instances/bh"}},
                              {"keep_going", true},
                              {"writes",
                               {{{"path", "/t/kprobe_events"}, {"content", "p:new y\n"}, {"append", true}},
                                {{"path", "/t/refused"}, {"content", "1"}},
                                {{"path", "/t/instances/bh/tracing_on"}, {"content", "1"}}}}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(system_.files["/t/kprobe_events"], "p:old x\np:new y\n");
  EXPECT_TRUE(system_.dirs.contains("/t/instances/bh"));
  EXPECT_EQ(system_.files["/t/instances/bh/tracing_on"], "1");  // written after the refusal
  ASSERT_EQ(response["errors"].size(), 1u);
  EXPECT_EQ(response["errors"][0]["index"], 1);
  EXPECT_EQ(response["errors"][0]["error"], "write \"1\" to /t/refused: Invalid argument");
  EXPECT_EQ(
      send({{"op", "write_files"}, {"keep_going", "yes"}, {"writes", {{{"path", "/x"}, {"content", ""}}}}})["error"],
      "field 'keep_going' must be a boolean");
  EXPECT_EQ(
      send({{"op", "write_files"}, {"writes", {{{"path", "/missing"}, {"content", "x"}, {"append", true}}}}})["error"],
      "write 1 of 1: open /missing for appending: No such file or directory");
}

TEST_F(AgentTest, ReadPipesAnswersBase64PerPathAndConsumesIt) {
  const std::string pipe = "/sys/kernel/tracing/per_cpu/cpu0/trace_pipe_raw";
  system_.files[pipe] = std::string("\x00\xff page", 7);
  const Json response = send({{"op", "read_pipes"}, {"paths", {pipe}}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["data_base64"][pipe], "AP8gcGFnZQ==");
  EXPECT_EQ(send({{"op", "read_pipes"}, {"paths", {pipe}}})["data_base64"][pipe], "");
}

TEST_F(AgentTest, ReadPipesCompressesEachPathAsOneLz4BlockWhenAsked) {
  const std::string pipe = "/sys/kernel/tracing/per_cpu/cpu1/trace_pipe_raw";
  const std::string pages(8192, '\x2a');
  system_.files[pipe] = pages;
  const Json response = send({{"op", "read_pipes"}, {"paths", {pipe}}, {"compression", "lz4"}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["compression"], "lz4");
  EXPECT_EQ(response["raw_bytes"][pipe], 8192);
  const auto compressed = protocol::base64_decode(response["data_lz4_base64"][pipe].get<std::string>());
  ASSERT_TRUE(compressed);
  EXPECT_LT(compressed.value().size(), 100u);
  EXPECT_EQ(protocol::lz4_decompress(compressed.value(), 8192).value(), pages);
  EXPECT_EQ(send({{"op", "read_pipes"}, {"paths", {pipe}}, {"compression", "zip"}})["error"],
            "field 'compression' must be \"lz4\" or absent, not \"zip\"");
}

TEST_F(AgentTest, ReadPipesFailsNamingThePathOrField) {
  EXPECT_EQ(send({{"op", "read_pipes"}})["error"], "missing field 'paths'");
  EXPECT_EQ(send({{"op", "read_pipes"}, {"paths", {"/missing"}}})["error"], "open /missing: No such file or directory");
  system_.files["/p"] = "12345";
  EXPECT_EQ(send({{"op", "read_pipes"}, {"paths", {"/p"}}, {"max_bytes", 4}})["error"], "/p holds more than 4 bytes");
  EXPECT_EQ(send({{"op", "read_pipes"}, {"paths", {"/p"}}, {"chunk_bytes", 0}})["error"],
            "field 'chunk_bytes' must be at least 1");
}

TEST_F(AgentTest, SampleMemoryParsesProcFiles) {
  system_.files["/proc/meminfo"] = "MemTotal: 1000 kB\nMemFree: 400 kB\n";
  system_.files["/proc/slabinfo"] = "slabinfo - version: 2.1\n# name ...\nbcache 10 10 2048 16 8 : tunables 0 0 0\n";
  const Json response = send({{"op", "sample_memory"}});
  EXPECT_EQ(response["ok"], true);
  EXPECT_EQ(response["meminfo"]["MemFree"], 400);
  EXPECT_EQ(response["slab_kb"]["bcache"], 20);
  EXPECT_TRUE(response["uptime_s"].is_number());
}

TEST_F(AgentTest, SampleMemoryFailsWithoutMeminfo) {
  const Json response = send({{"op", "sample_memory"}});
  EXPECT_EQ(response["ok"], false);
  EXPECT_NE(response["error"].get<std::string>().find("/proc/meminfo"), std::string::npos);
}

TEST_F(AgentTest, PowerOffAnswersAndOnlyFlagsThePowerOff) {
  EXPECT_FALSE(agent_.power_off_requested());
  const Json response = send({{"op", "poweroff"}});
  EXPECT_EQ(response["ok"], true);
  EXPECT_TRUE(agent_.power_off_requested());
  EXPECT_EQ(system_.power_offs, 0);  // the channel loop powers off after sending the answer
}

}  // namespace
}  // namespace bh::agent
