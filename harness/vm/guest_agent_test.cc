#include "harness/vm/guest_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/vm/fake_guest.h"
#include "protocol/base64.h"

namespace bh {
namespace {
using namespace std::chrono_literals;
using protocol::Json;
using ::testing::HasSubstr;

/// A guest whose agent answers `op` with `answer`, as it is.
struct GarbageGuest {
  GarbageGuest(std::string_view op, Json answer) { fake.answers[std::string(op)] = std::move(answer); }
  testing::FakeGuest fake;
  GuestAgent agent{fake};
};

/// The error `result` carries, "" when it succeeded.
template <class T>
std::string error_of(const Expected<T>& result) {
  return result ? "" : result.error().message;
}

TEST(GuestAgent, ExecReadsEveryFieldOfAWellFormedAnswer) {
  GarbageGuest guest(
      "exec",
      {{"ok", true}, {"exit_code", 3}, {"signal", 0}, {"timed_out", false}, {"stdout", "out\n"}, {"stderr", "err\n"}});
  auto result = guest.agent.exec({"true"});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().exit_code, 3);
  EXPECT_EQ(result.value().stdout_text, "out\n");
  EXPECT_EQ(result.value().stderr_text, "err\n");
}

TEST(GuestAgent, AnIllTypedExecFieldIsAnErrorNamingTheOpAndField) {
  EXPECT_EQ(error_of(GarbageGuest("exec", {{"ok", true}, {"exit_code", "0"}}).agent.exec({"true"})),
            "guest agent: answer to 'exec': field 'exit_code' must be an integer that fits an int");
  EXPECT_EQ(error_of(GarbageGuest("exec", {{"ok", true}}).agent.exec({"true"})),
            "guest agent: answer to 'exec': missing field 'exit_code'");
  EXPECT_EQ(error_of(GarbageGuest("exec", {{"ok", true}, {"exit_code", 0}, {"stdout", 1}}).agent.exec({"true"})),
            "guest agent: answer to 'exec': field 'stdout' must be a string");
  EXPECT_EQ(
      error_of(
          GarbageGuest("exec", {{"ok", true}, {"exit_code", 0}, {"timed_out", "no"}}).agent.exec_checked({"true"})),
      "guest agent: answer to 'exec': field 'timed_out' must be a boolean");
  EXPECT_EQ(error_of(GarbageGuest("exec", {{"ok", true}, {"exit_code", 1e12}}).agent.exec({"true"})),
            "guest agent: answer to 'exec': field 'exit_code' must be an integer that fits an int");
}

TEST(GuestAgent, IllTypedReadFilesAnswersAreErrors) {
  EXPECT_EQ(error_of(GarbageGuest("read_files", {{"ok", true}, {"files", {1, 2}}}).agent.read_file("/proc/uptime")),
            "guest agent: answer to 'read_files': field 'files' must be an object of strings");
  EXPECT_EQ(
      error_of(GarbageGuest("read_files", {{"ok", true}, {"files", {{"/a", 7}}}}).agent.read_existing_files({"/a"})),
      "guest agent: answer to 'read_files': field 'files' must be an object of strings");
  EXPECT_EQ(error_of(GarbageGuest("read_files", {{"ok", true}, {"errors", "nope"}}).agent.read_file("/a")),
            "guest agent: answer to 'read_files': field 'errors' must be an object of strings");
  EXPECT_EQ(error_of(GarbageGuest("read_files", {{"ok", true}, {"errors", {{"/a", "EACCES"}}}}).agent.read_file("/a")),
            "in the guest, cannot read /a: EACCES");
}

TEST(GuestAgent, IllTypedFioAnswersAreErrors) {
  const auto fio = [](Json answer) {
    answer["ok"] = true;
    GarbageGuest guest("fio", std::move(answer));
    return error_of(guest.agent.fio("[job]\n", {}, {}, 10s));
  };
  EXPECT_EQ(fio({{"exit_code", 0}, {"output", "{}"}}), "");
  EXPECT_EQ(fio({{"exit_code", 0}, {"output", 5}}), "guest agent: answer to 'fio': field 'output' must be a string");
  EXPECT_EQ(fio({{"exit_code", 0}, {"logs", {{"a_clat.1.log", 1}}}}),
            "guest agent: answer to 'fio': field 'logs' must be an object of strings");
  EXPECT_EQ(fio({{"exit_code", 0}, {"samples", {{"t_s", 1}}}}),
            "guest agent: answer to 'fio': field 'samples' must be an array");
  EXPECT_EQ(fio({{"exit_code", 0}, {"cut", "fired"}}), "guest agent: answer to 'fio': field 'cut' must be an object");
  EXPECT_EQ(fio({{"exit_code", 0}, {"detached", 1}}),
            "guest agent: answer to 'fio': field 'detached' must be a boolean");
}

TEST(GuestAgent, IllTypedBulkAnswersAreErrors) {
  EXPECT_EQ(
      error_of(
          GarbageGuest("read_blocks", {{"ok", true}, {"data_lz4_base64", 0}}).agent.read_blocks("/dev/vda", 0, 4096)),
      "guest agent: answer to 'read_blocks': field 'data_lz4_base64' must be a string");
  EXPECT_THAT(error_of(GarbageGuest("read_blocks", {{"ok", true}, {"data_lz4_base64", "!!!!"}})
                           .agent.read_blocks("/dev/vda", 0, 4096)),
              HasSubstr("in the guest, read_blocks /dev/vda at offset 0: "));
  EXPECT_THAT(error_of(GarbageGuest("read_blocks", {{"ok", true}, {"data_lz4_base64", "AAAA"}})
                           .agent.read_blocks("/dev/vda", 0, 4096)),
              HasSubstr("in the guest, read_blocks /dev/vda at offset 0: lz4"));
  const std::string pipe = "/sys/kernel/tracing/per_cpu/cpu0/trace_pipe_raw";
  EXPECT_EQ(error_of(GarbageGuest("read_pipes",
                                  {{"ok", true}, {"data_lz4_base64", {{pipe, "AA=="}}}, {"raw_bytes", {{pipe, -1}}}})
                         .agent.read_pipes({pipe})),
            "in the guest, read_pipes: no data for " + pipe);
  EXPECT_EQ(error_of(GarbageGuest("hello", {{"ok", true}, {"uname_r", 61}}).agent.kernel_release()),
            "guest agent: answer to 'hello': field 'uname_r' must be a string");
}

TEST(GuestAgent, AnAnswerWithAnIllTypedOkIsAnError) {
  EXPECT_EQ(error_of(GarbageGuest("write_file", {{"ok", 1}}).agent.write_file("/sys/x", "1")),
            "guest agent: write_file: answer's field 'ok' must be a boolean");
  EXPECT_EQ(error_of(GarbageGuest("write_file", {{"ok", false}, {"error", "EINVAL"}}).agent.write_file("/sys/x", "1")),
            "guest agent: write_file: EINVAL");
}

}  // namespace
}  // namespace bh
