#include "harness/vm/doctor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace bh {
namespace {

using ::testing::HasSubstr;

class FakeHostFacts : public HostFacts {
 public:
  std::set<std::string> missing_programs;
  std::optional<std::string> kvm_problem;
  std::uint64_t free = 50ull << 30;
  bool agent_present = true;

  std::optional<std::filesystem::path> find_program(const std::string& program) override {
    if (missing_programs.count(program)) return std::nullopt;
    return std::filesystem::path("/usr/bin") / program;
  }
  bool file_exists(const std::filesystem::path& path) override { return path != "/build/bh-agent" || agent_present; }
  std::optional<std::string> kvm_device_problem() override { return kvm_problem; }
  std::optional<std::string> remembered_kvm_failure() override { return std::nullopt; }
  std::vector<std::string> cached_kernels() override { return {"6.1.0-56-amd64"}; }
  std::uint64_t free_bytes(const std::filesystem::path&) override { return free; }
};

DoctorPaths paths() { return {"/cache", "/build/bh-agent", "."}; }

TEST(Doctor, AllPresentMeansARunCanStart) {
  FakeHostFacts host;
  const auto checks = run_doctor(host, paths());
  EXPECT_TRUE(can_start_run(checks));
  EXPECT_THAT(render_doctor(checks), HasSubstr("6.1.0-56-amd64"));
}

TEST(Doctor, AMissingProgramNamesThePackageThatFixesIt) {
  FakeHostFacts host;
  host.missing_programs = {"make-bcache"};
  const auto checks = run_doctor(host, paths());
  EXPECT_FALSE(can_start_run(checks));
  const auto text = render_doctor(checks);
  EXPECT_THAT(text, HasSubstr("MISSING  make-bcache"));
  EXPECT_THAT(text, HasSubstr("apt-get install bcache-tools"));
}

TEST(Doctor, UnusableKvmIsANoteNotABlocker) {
  FakeHostFacts host;
  host.kvm_problem = "/dev/kvm cannot be opened: No such file or directory";
  const auto checks = run_doctor(host, paths());
  EXPECT_TRUE(can_start_run(checks));
  EXPECT_THAT(render_doctor(checks), HasSubstr("TCG"));
}

TEST(Doctor, LowDiskAndAMissingAgentBlockARun) {
  FakeHostFacts host;
  host.free = 100ull << 20;
  EXPECT_FALSE(can_start_run(run_doctor(host, paths())));
  FakeHostFacts no_agent;
  no_agent.agent_present = false;
  const auto checks = run_doctor(no_agent, paths());
  EXPECT_FALSE(can_start_run(checks));
  EXPECT_THAT(render_doctor(checks), HasSubstr("scripts/build"));
}

}  // namespace
}  // namespace bh
