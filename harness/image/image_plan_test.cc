#include "harness/image/image_plan.h"

#include <gtest/gtest.h>

#include "harness/image/test_support.h"

namespace bh::image {
namespace {

namespace fs = std::filesystem;

std::string key_for(const GuestImageInputs& inputs) {
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto plan = plan_guest_image(runner, inputs);
  EXPECT_TRUE(plan) << plan.error().message;
  auto key = guest_image_key(plan.value());
  EXPECT_TRUE(key) << key.error().message;
  return key ? key.value() : "";
}

TEST(ImagePlanTest, ResolvesModulesToolsAndLibraries) {
  testing::FakeHost host;
  testing::FakeProcessRunner runner([](const ProcessRequest& request) {
    if (request.argv.at(1).ends_with("agent")) {
      return ProcessResult{0, false, "\tlibstdc++.so.6 => /lib/libstdc++.so.6 (0x1)\n"};
    }
    return ProcessResult{0, false, "\tlibc.so.6 => /lib/libc.so.6 (0x1)\n"};
  });
  auto plan = plan_guest_image(runner, host.inputs());
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan.value().modules.size(), 2u);
  EXPECT_EQ(plan.value().modules[0].name, "crc64");
  EXPECT_EQ(plan.value().modules[1].name, "bcache");
  ASSERT_EQ(plan.value().tools.size(), default_guest_tools().size());
  EXPECT_EQ(plan.value().tools[0].image_path, "/bin/busybox");
  EXPECT_EQ(plan.value().tools[1].image_path, "/usr/bin/fio");
  EXPECT_EQ(plan.value().libraries, (std::vector<fs::path>{"/lib/libc.so.6", "/lib/libstdc++.so.6"}));
  EXPECT_EQ(runner.count("ldd"), default_guest_tools().size() + 1);
}

TEST(ImagePlanTest, SbinToolsGoToUsrSbin) {
  testing::FakeHost host;
  host.make_executable("sbin/dmsetup", "dmsetup");
  auto inputs = host.inputs();
  inputs.tool_search_dirs = {host.path() / "sbin", host.path() / "bin"};
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto plan = plan_guest_image(runner, inputs);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan.value().tools.back().image_path, "/usr/sbin/dmsetup");
}

TEST(ImagePlanTest, MissingPiecesAreErrors) {
  testing::FakeHost host;
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto inputs = host.inputs();
  fs::remove(host.path() / "bin/dmsetup");
  auto no_tool = plan_guest_image(runner, inputs);
  ASSERT_FALSE(no_tool);
  EXPECT_NE(no_tool.error().message.find("install the Debian package dmsetup"), std::string::npos);

  inputs = host.inputs();
  inputs.tools = {"fio"};
  EXPECT_FALSE(plan_guest_image(runner, inputs));

  inputs = host.inputs();
  inputs.agent_binary = host.path() / "no-agent";
  EXPECT_FALSE(plan_guest_image(runner, inputs));

  inputs = host.inputs();
  inputs.modules = {"dm_delay"};
  auto no_module = plan_guest_image(runner, inputs);
  ASSERT_FALSE(no_module);
  EXPECT_NE(no_module.error().message.find("kernel 6.1.0-test has no dm_delay module"), std::string::npos);
}

TEST(GuestImageKeyTest, SameInputsSameKeyAgentContentChangesIt) {
  testing::FakeHost host;
  const auto first = key_for(host.inputs());
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(key_for(host.inputs()), first);

  const auto mtime = fs::last_write_time(host.path() / "agent");
  host.make_executable("agent", "agent v2");  // same size
  fs::last_write_time(host.path() / "agent", mtime);
  const auto second = key_for(host.inputs());
  EXPECT_NE(second, first);

  auto inputs = host.inputs();
  inputs.kernel_release = "6.1.0-other";
  EXPECT_NE(key_for(inputs), second);

  host.write("lib/modules/6.1.0-test/kernel/lib/crc64.ko", "crc64 rebuilt");
  EXPECT_NE(key_for(host.inputs()), second);
}

}  // namespace
}  // namespace bh::image
