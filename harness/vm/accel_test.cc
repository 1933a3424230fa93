#include "harness/vm/accel.h"

#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_dir.h"

namespace bh {
namespace {

using namespace std::chrono_literals;

/// A host whose /dev/kvm state and remembered verdict the test sets.
class FakeAccelEnvironment : public AccelEnvironment {
 public:
  std::optional<std::string> device_problem;
  std::optional<std::string> remembered;
  int remember_calls = 0;

  std::optional<std::string> kvm_device_problem() override { return device_problem; }
  std::optional<std::string> remembered_kvm_failure() override { return remembered; }
  void remember_kvm_failure(const std::string& reason) override {
    remembered = reason;
    ++remember_calls;
  }
};

TEST(PlanAccel, AutoProbesKvmWhenTheDeviceOpens) {
  FakeAccelEnvironment host;
  auto plan = plan_accel(AccelRequest::kAuto, host);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().accel, Accel::kKvm);
  EXPECT_TRUE(plan.value().probe);
}

TEST(PlanAccel, AutoUsesTcgWithoutProbingWhenTheDeviceIsMissing) {
  FakeAccelEnvironment host;
  host.device_problem = "/dev/kvm cannot be opened: No such file or directory";
  auto plan = plan_accel(AccelRequest::kAuto, host);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().accel, Accel::kTcg);
  EXPECT_FALSE(plan.value().probe);
  EXPECT_NE(plan.value().reason.find("No such file"), std::string::npos);
}

TEST(PlanAccel, AutoSkipsTheProbeWhenAFailureIsRemembered) {
  FakeAccelEnvironment host;
  host.remembered = "KVM probe: nothing within 4000 ms";
  auto plan = plan_accel(AccelRequest::kAuto, host);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().accel, Accel::kTcg);
  EXPECT_NE(plan.value().reason.find("remembered"), std::string::npos);
}

TEST(PlanAccel, ExplicitKvmWithAnUnusableDeviceIsAnError) {
  FakeAccelEnvironment host;
  host.device_problem = "/dev/kvm cannot be opened: Permission denied";
  auto plan = plan_accel(AccelRequest::kKvm, host);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("Permission denied"), std::string::npos);
}

TEST(PlanAccel, ExplicitTcgNeverTouchesKvm) {
  FakeAccelEnvironment host;
  host.device_problem = "should not matter";
  auto plan = plan_accel(AccelRequest::kTcg, host);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().accel, Accel::kTcg);
}

TEST(FallBack, AFailedProbeFallsBackToTcgAndIsRemembered) {
  FakeAccelEnvironment host;
  auto plan = fall_back_after_failed_probe(AccelRequest::kAuto, host, 4000ms);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan.value().accel, Accel::kTcg);
  EXPECT_NE(plan.value().reason.find("4000 ms"), std::string::npos);
  EXPECT_EQ(host.remember_calls, 1);
  auto next = plan_accel(AccelRequest::kAuto, host);
  EXPECT_EQ(next.value().accel, Accel::kTcg);
}

TEST(FallBack, ExplicitKvmDoesNotFallBack) {
  FakeAccelEnvironment host;
  EXPECT_FALSE(fall_back_after_failed_probe(AccelRequest::kKvm, host, 4000ms));
  EXPECT_EQ(host.remember_calls, 0);
}

TEST(ParseAccel, RejectsUnknownNamesNamingTheOption) {
  EXPECT_EQ(parse_accel_request("tcg").value(), AccelRequest::kTcg);
  auto bad = parse_accel_request("hvf");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("--accel"), std::string::npos);
}

TEST(HostAccelEnvironment, RemembersAVerdictForThisBootOnly) {
  TempDir dir("accel-test");
  HostAccelEnvironment host(dir.path() / "kvm-verdict.json");
  EXPECT_FALSE(host.remembered_kvm_failure());
  host.remember_kvm_failure("hangs");
  EXPECT_EQ(host.remembered_kvm_failure().value_or(""), "hangs");
  std::ofstream(dir.path() / "kvm-verdict.json") << R"({"boot_id":"other-boot","reason":"x"})";
  EXPECT_FALSE(host.remembered_kvm_failure());
}

}  // namespace
}  // namespace bh
