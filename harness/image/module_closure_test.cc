#include "harness/image/module_closure.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "harness/image/image_plan.h"
#include "harness/image/test_support.h"

namespace bh::image {
namespace {

class ModuleClosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_modules_dep(testing::fixture_modules_dir());
    ASSERT_TRUE(loaded) << loaded.error().message;
    index_ = loaded.value();
    auto builtin = load_modules_builtin(testing::fixture_modules_dir());
    ASSERT_TRUE(builtin) << builtin.error().message;
    builtin_ = builtin.value();
  }

  std::vector<std::string> closure(const std::vector<std::string>& wanted) {
    auto result = module_closure(index_, builtin_, wanted, "6.1.0-56-amd64");
    EXPECT_TRUE(result) << result.error().message;
    std::vector<std::string> names;
    if (result) {
      for (const auto& module : result.value()) names.push_back(module.name);
    }
    return names;
  }

  static std::ptrdiff_t position(const std::vector<std::string>& names, const std::string& name) {
    const auto found = std::find(names.begin(), names.end(), name);
    return found == names.end() ? -1 : found - names.begin();
  }

  ModuleIndex index_;
  std::set<std::string> builtin_;
};

TEST_F(ModuleClosureTest, BcacheNeedsCrc64First) {
  EXPECT_EQ(closure({"bcache"}), (std::vector<std::string>{"crc64", "bcache"}));
}

TEST_F(ModuleClosureTest, VirtioPciComesAfterItsDependencies) {
  const auto names = closure({"virtio_pci"});
  const auto pci = position(names, "virtio_pci");
  ASSERT_GE(pci, 0);
  for (const auto* dependency : {"virtio", "virtio_ring", "virtio_pci_legacy_dev", "virtio_pci_modern_dev"}) {
    EXPECT_GE(position(names, dependency), 0) << dependency;
    EXPECT_LT(position(names, dependency), pci) << dependency;
  }
}

TEST_F(ModuleClosureTest, DashedNamesWorkAndDmDelayFollowsDmMod) {
  const auto names = closure({"dm-delay"});
  ASSERT_GE(position(names, "dm_mod"), 0);
  EXPECT_LT(position(names, "dm_mod"), position(names, "dm_delay"));
}

TEST_F(ModuleClosureTest, DefaultListIsClosedOrderedAndDeterministic) {
  const auto names = closure(default_guest_modules());
  EXPECT_EQ(names, closure(default_guest_modules()));
  for (const auto& wanted : default_guest_modules()) EXPECT_GE(position(names, wanted), 0);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  for (const auto& name : names) {
    for (const auto& dependency : index_.at(name).dependencies) {
      EXPECT_LT(position(names, dependency), position(names, name)) << name << " " << dependency;
    }
  }
}

TEST_F(ModuleClosureTest, BuiltInModulesAreSkipped) {
  builtin_.insert("crc64");
  EXPECT_EQ(closure({"bcache"}), std::vector<std::string>{"bcache"});
  builtin_.insert("bcache");
  EXPECT_TRUE(closure({"bcache"}).empty());
}

TEST_F(ModuleClosureTest, UnknownModuleIsAnError) {
  auto result = module_closure(index_, builtin_, {"no_such_thing"}, "6.1.0-56-amd64");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "kernel 6.1.0-56-amd64 has no no_such_thing module "
            "(neither in modules.dep nor built in)");
}

TEST_F(ModuleClosureTest, MissingBcacheNamesTheConfigOption) {
  index_.erase("bcache");
  auto result = module_closure(index_, builtin_, {"bcache"}, "6.1.0-56-amd64");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("kernel 6.1.0-56-amd64 has no bcache module"), std::string::npos);
  EXPECT_NE(result.error().message.find("CONFIG_BCACHE"), std::string::npos);
}

TEST(ModuleClosureEdgeTest, DependencyWithoutEntryAndCyclesAreErrors) {
  ModuleIndex index{{"a", {"a", "a.ko", {"b"}}}};
  auto missing = module_closure(index, {}, {"a"}, "r");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("b as a dependency of a"), std::string::npos);

  index["b"] = {"b", "b.ko", {"a"}};
  auto cycle = module_closure(index, {}, {"a"}, "r");
  ASSERT_FALSE(cycle);
  EXPECT_NE(cycle.error().message.find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace bh::image
