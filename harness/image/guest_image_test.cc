#include "harness/image/guest_image.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/image/test_support.h"

namespace bh::image {
namespace {

namespace fs = std::filesystem;

TEST(GuestImageTest, BuildsOnceThenReusesTheCachedImage) {
  testing::FakeHost host;
  TempDir cache("bh-cache-test");
  testing::FakeProcessRunner runner(testing::fake_host_response);

  auto built = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_FALSE(built.value().reused);
  EXPECT_GT(built.value().build_seconds, 0.0);
  EXPECT_EQ(built.value().path, cache.path() / "images" / (built.value().hash + ".cpio"));
  EXPECT_EQ(built.value().size_bytes, 7u);  // the fake cpio's "archive"
  EXPECT_EQ(built.value().modules, (std::vector<std::string>{"crc64", "bcache"}));
  EXPECT_EQ(built.value().release, "6.1.0-test");
  EXPECT_EQ(runner.count("cpio"), 1u);

  const auto meta = nlohmann::json::parse(read_file(cache.path() / "images" / (built.value().hash + ".json")).value());
  EXPECT_EQ(meta.at("release"), "6.1.0-test");
  EXPECT_EQ(meta.at("modules"), nlohmann::json({"crc64", "bcache"}));
  EXPECT_EQ(meta.at("tools").size(), default_guest_tools().size());

  auto reused = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(reused) << reused.error().message;
  EXPECT_TRUE(reused.value().reused);
  EXPECT_EQ(reused.value().build_seconds, 0.0);
  EXPECT_EQ(reused.value().hash, built.value().hash);
  EXPECT_EQ(reused.value().path, built.value().path);
  EXPECT_EQ(reused.value().modules, built.value().modules);
  EXPECT_EQ(reused.value().size_bytes, 7u);
  EXPECT_EQ(runner.count("cpio"), 1u);
}

TEST(GuestImageTest, ChangedAgentBuildsANewImage) {
  testing::FakeHost host;
  TempDir cache("bh-cache-test");
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto first = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(first);
  host.make_executable("agent", "agent v2");
  auto second = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(second);
  EXPECT_FALSE(second.value().reused);
  EXPECT_NE(second.value().hash, first.value().hash);
  EXPECT_TRUE(fs::exists(first.value().path));
}

TEST(GuestImageTest, KeepsOnlyTheMostRecentlyUsedImages) {
  testing::FakeHost host;
  TempDir cache("bh-cache-test");
  testing::FakeProcessRunner runner(testing::fake_host_response);
  std::vector<GuestImage> images;
  for (std::size_t i = 0; i < kKeptImages + 2; ++i) {
    host.make_executable("agent", "agent build " + std::to_string(i));
    auto built = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
    ASSERT_TRUE(built);
    images.push_back(built.value());
    // File times can tie within one tick: space the builds out.
    fs::last_write_time(cache.path() / "images" / (built.value().hash + ".json"),
                        fs::file_time_type::clock::now() - std::chrono::hours(100 - i));
  }
  EXPECT_FALSE(fs::exists(images[0].path)) << "the least recently used image is pruned";
  EXPECT_FALSE(fs::exists(images[1].path));
  EXPECT_TRUE(fs::exists(images[2].path));
  EXPECT_TRUE(fs::exists(images.back().path));
}

TEST(GuestImageTest, ImageWithoutMetadataIsRebuilt) {
  testing::FakeHost host;
  TempDir cache("bh-cache-test");
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto first = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(first);
  write_file_atomically(cache.path() / "images" / (first.value().hash + ".json"), "{trunc").value();
  auto second = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(second);
  EXPECT_FALSE(second.value().reused);
  EXPECT_EQ(runner.count("cpio"), 2u);
}

TEST(GuestImageTest, ATruncatedCachedImageIsRebuilt) {
  testing::FakeHost host;
  TempDir cache("bh-cache-test");
  testing::FakeProcessRunner runner(testing::fake_host_response);
  auto first = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(first);
  fs::resize_file(first.value().path, first.value().size_bytes / 2);
  auto second = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second.value().reused) << "a broken initramfs would panic the guest kernel: no finding about it";
  EXPECT_EQ(runner.count("cpio"), 2u);
}

TEST(GuestImageTest, FailedBuildLeavesNothingInTheCache) {
  testing::FakeHost host;
  TempDir cache("bh-cache-test");
  testing::FakeProcessRunner runner([](const ProcessRequest& request) {
    if (request.argv.at(0) == "cpio") return ProcessResult{1, false, "cpio: out of space\n"};
    return testing::fake_host_response(request);
  });
  auto result = build_or_reuse_guest_image(runner, host.inputs(), cache.path());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("out of space"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(cache.path() / "images"));
}

// Measurement, not a unit test: a real image from a real Debian 6.1 module tree.
//   BH_TEST_MODULES_DIR=/tmp/k/x-linux-image-6.1.0-56-amd64/lib/modules/6.1.0-56-amd64
//     vm_image_tests --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_Measure*'
TEST(GuestImageMeasurement, DISABLED_MeasureRealBuildAndReuse) {
  const char* env = std::getenv("BH_TEST_MODULES_DIR");
  const fs::path modules_dir = env ? env : "/tmp/k/x-linux-image-6.1.0-56-amd64/lib/modules/6.1.0-56-amd64";
  if (!fs::exists(modules_dir / "modules.dep")) GTEST_SKIP() << "no " << modules_dir;
  GuestImageInputs inputs;
  inputs.kernel_release = modules_dir.filename().string();
  inputs.modules_dir = modules_dir;
  inputs.agent_binary = "/bin/true";
  TempDir cache("bh-measure");
  if (std::getenv("BH_KEEP_IMAGE")) cache.keep();
  SystemProcessRunner runner;
  using Clock = std::chrono::steady_clock;

  const auto build_start = Clock::now();
  auto built = build_or_reuse_guest_image(runner, inputs, cache.path());
  const std::chrono::duration<double> build_wall = Clock::now() - build_start;
  ASSERT_TRUE(built) << built.error().message;
  const auto reuse_start = Clock::now();
  auto reused = build_or_reuse_guest_image(runner, inputs, cache.path());
  const std::chrono::duration<double> reuse_wall = Clock::now() - reuse_start;
  ASSERT_TRUE(reused) << reused.error().message;
  EXPECT_TRUE(reused.value().reused);
  EXPECT_LT(reuse_wall.count(), 0.5);

  std::cout << "image " << built.value().path << "\n  size " << built.value().size_bytes << " bytes\n  build "
            << build_wall.count() << " s wall (build_seconds " << built.value().build_seconds << ")\n  reuse "
            << reuse_wall.count() << " s wall\n  modules";
  for (const auto& name : built.value().modules) std::cout << " " << name;
  std::cout << std::endl;
}

}  // namespace
}  // namespace bh::image
