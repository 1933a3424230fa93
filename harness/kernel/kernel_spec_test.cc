#include "harness/kernel/kernel_spec.h"

#include <gtest/gtest.h>

namespace bh {
namespace {

std::string error_of(std::string_view text) {
  auto result = parse_kernel_spec(text);
  EXPECT_FALSE(result) << text;
  return result ? std::string() : result.error().message;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(KernelSpec, DebianStock) {
  auto spec = parse_kernel_spec("debian:stock");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec.value().kind, KernelSpecKind::kDebianStock);
  EXPECT_EQ(spec.value().text, "debian:stock");
  EXPECT_EQ(parse_kernel_spec(kDefaultKernelSpec).value().kind, KernelSpecKind::kDebianStock);
}

TEST(KernelSpec, DebianReleases) {
  for (const char* release : {"6.1.0-56-amd64", "6.12.107+deb12-amd64", "5.10.0-0.bpo.3~x_1"}) {
    auto spec = parse_kernel_spec(std::string("debian:") + release);
    ASSERT_TRUE(spec) << release;
    EXPECT_EQ(spec.value().kind, KernelSpecKind::kDebianRelease);
    EXPECT_EQ(spec.value().release, release);
  }
}

TEST(KernelSpec, NewestOfASeries) {
  auto spec = parse_kernel_spec("debian:newest-6.12");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec.value().kind, KernelSpecKind::kDebianNewest);
  EXPECT_EQ(spec.value().release, "6.12");
  for (const char* bad : {"debian:newest-", "debian:newest-6", "debian:newest-6.x", "debian:newest-6.12.1"}) {
    EXPECT_TRUE(contains(error_of(bad), "debian:newest-X.Y")) << bad;
  }
  auto module = parse_kernel_spec("module:/tmp/bcache.ko@debian:newest-6.12");
  ASSERT_TRUE(module);
  EXPECT_EQ(module.value().base->kind, KernelSpecKind::kDebianNewest);
}

TEST(KernelSpec, UnsignedPackageSuffixIsNotPartOfTheRelease) {
  auto spec = parse_kernel_spec("debian:6.12.107+deb12-amd64-unsigned");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec.value().release, "6.12.107+deb12-amd64");
  EXPECT_EQ(spec.value().text, "debian:6.12.107+deb12-amd64-unsigned");
}

TEST(KernelSpec, DebAndBuildPaths) {
  auto deb = parse_kernel_spec("deb:/tmp/linux-image.deb");
  ASSERT_TRUE(deb);
  EXPECT_EQ(deb.value().kind, KernelSpecKind::kDebFile);
  EXPECT_EQ(deb.value().path, "/tmp/linux-image.deb");
  auto build = parse_kernel_spec("build:../linux");
  ASSERT_TRUE(build);
  EXPECT_EQ(build.value().kind, KernelSpecKind::kBuildTree);
  EXPECT_EQ(build.value().path, "../linux");
  EXPECT_EQ(build.value().text, "build:../linux");
}

TEST(KernelSpec, UnknownFormsNameTheTextAndTheForms) {
  for (const char* text : {"foo", "", "debian", "git:abc", ":x", "DEBIAN:stock"}) {
    const auto message = error_of(text);
    EXPECT_TRUE(contains(message, std::string("unknown kernel spec '") + text + "'")) << message;
    EXPECT_TRUE(
        contains(message, "debian:stock, debian:newest-X.Y, debian:RELEASE, deb:PATH, build:PATH or module:PATH@BASE"));
  }
}

TEST(KernelSpec, EmptyReleaseAndPaths) {
  EXPECT_TRUE(contains(error_of("debian:"), "empty release"));
  EXPECT_TRUE(contains(error_of("deb:"), "'deb:': empty path"));
  EXPECT_TRUE(contains(error_of("build:"), "'build:': empty path"));
}

TEST(KernelSpec, BadReleaseCharacters) {
  for (const char* text : {"debian:6.1 x", "debian:amd64", "debian:6.1/../x", "debian:-6", "debian:6;rm"}) {
    const auto message = error_of(text);
    EXPECT_TRUE(contains(message, "must start with a digit")) << message;
    EXPECT_TRUE(contains(message, std::string("'") + text + "'")) << message;
  }
}

TEST(KernelSpec, PackageNameInsteadOfRelease) {
  const auto message = error_of("debian:linux-image-6.1.0-56-amd64");
  EXPECT_TRUE(contains(message, "without the package prefix, e.g. debian:6.1.0-56-amd64")) << message;
}

TEST(KernelSpec, ModuleOnABase) {
  auto spec = parse_kernel_spec("module:/tmp/bcache.ko@debian:stock");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec.value().kind, KernelSpecKind::kModule);
  EXPECT_EQ(spec.value().path, "/tmp/bcache.ko");
  EXPECT_EQ(spec.value().text, "module:/tmp/bcache.ko@debian:stock");
  ASSERT_TRUE(spec.value().base);
  EXPECT_EQ(spec.value().base->kind, KernelSpecKind::kDebianStock);
  EXPECT_EQ(spec.value().base->text, "debian:stock");
}

TEST(KernelSpec, ModuleOnEveryBaseForm) {
  auto release = parse_kernel_spec("module:b.ko@debian:6.1.0-56-amd64");
  ASSERT_TRUE(release);
  EXPECT_EQ(release.value().base->release, "6.1.0-56-amd64");
  auto deb = parse_kernel_spec("module:b.ko@deb:/x/k.deb");
  ASSERT_TRUE(deb);
  EXPECT_EQ(deb.value().base->kind, KernelSpecKind::kDebFile);
  EXPECT_EQ(deb.value().base->path, "/x/k.deb");
  auto build = parse_kernel_spec("module:../b.ko@build:../linux");
  ASSERT_TRUE(build);
  EXPECT_EQ(build.value().path, "../b.ko");
  EXPECT_EQ(build.value().base->kind, KernelSpecKind::kBuildTree);
}

TEST(KernelSpec, ModulePathMayContainAnAt) {
  auto spec = parse_kernel_spec("module:/tmp/v@2/bcache.ko@debian:stock");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec.value().path, "/tmp/v@2/bcache.ko");
  EXPECT_EQ(spec.value().base->kind, KernelSpecKind::kDebianStock);
}

TEST(KernelSpec, ModuleErrorsQuoteTheTextAndListTheBases) {
  for (const char* text : {"module:", "module:bcache.ko", "module:bcache.ko@", "module:x@foo"}) {
    const auto message = error_of(text);
    EXPECT_TRUE(contains(message, std::string("kernel spec '") + text + "'")) << message;
    EXPECT_TRUE(contains(message, "expected module:PATH@BASE")) << message;
    EXPECT_TRUE(contains(message, "debian:stock, debian:newest-X.Y, debian:RELEASE, deb:PATH or build:PATH"))
        << message;
  }
}

TEST(KernelSpec, ModuleNeedsAPathAndAValidBase) {
  EXPECT_TRUE(contains(error_of("module:@debian:stock"), "empty module path"));
  const auto base = error_of("module:b.ko@debian:");
  EXPECT_TRUE(contains(base, "'module:b.ko@debian:': base: kernel spec 'debian:': empty release")) << base;
  const auto nested = error_of("module:a.ko@module:b.ko@debian:stock");
  EXPECT_TRUE(contains(nested, "cannot itself be a module: spec")) << nested;
}

TEST(KernelSpec, ReleaseValidation) {
  EXPECT_TRUE(is_valid_kernel_release("6.1.0-56-amd64"));
  EXPECT_FALSE(is_valid_kernel_release(""));
  EXPECT_FALSE(is_valid_kernel_release("x6"));
  EXPECT_FALSE(is_valid_kernel_release("6/1"));
}

}  // namespace
}  // namespace bh
