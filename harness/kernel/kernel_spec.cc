#include "harness/kernel/kernel_spec.h"

#include <algorithm>
#include <cctype>

namespace bh {
namespace {

constexpr std::string_view kBaseForms = "debian:stock, debian:newest-X.Y, debian:RELEASE, deb:PATH or build:PATH";
constexpr std::string_view kForms =
    "debian:stock, debian:newest-X.Y, debian:RELEASE, deb:PATH, build:PATH or module:PATH@BASE";
constexpr std::string_view kNewestPrefix = "newest-";
constexpr std::string_view kUnsignedSuffix = "-unsigned";

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

/// "debian:newest-X.Y": the series must be two numbers, e.g. 6.12.
Expected<KernelSpec> parse_newest(std::string_view text, std::string_view series) {
  const auto dot = series.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty() && part.size() <= 4 &&
           std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (dot == std::string_view::npos || !digits(series.substr(0, dot)) || !digits(series.substr(dot + 1))) {
    return fail("kernel spec " + quoted(text) +
                ": expected debian:newest-X.Y with a kernel series, e.g. debian:newest-6.12");
  }
  return KernelSpec{std::string(text), KernelSpecKind::kDebianNewest, std::string(series)};
}

Expected<KernelSpec> parse_debian(std::string_view text, std::string_view rest) {
  if (rest == "stock") return KernelSpec{std::string(text), KernelSpecKind::kDebianStock};
  const auto prefix = "kernel spec " + quoted(text) + ": ";
  if (rest.starts_with(kNewestPrefix)) return parse_newest(text, rest.substr(kNewestPrefix.size()));
  if (rest.empty()) return fail(prefix + "empty release; expected e.g. debian:6.1.0-56-amd64");
  if (rest.starts_with("linux-image-")) {
    return fail(prefix + "give the release without the package prefix, e.g. debian:" + std::string(rest.substr(12)));
  }
  // Users may paste the package name's suffix (linux-image-6.12.107+deb12-amd64-unsigned);
  // the release (uname -r) never has it.
  if (rest.ends_with(kUnsignedSuffix)) rest.remove_suffix(kUnsignedSuffix.size());
  if (!is_valid_kernel_release(rest)) {
    return fail(prefix + "release " + quoted(rest) + " must start with a digit and contain only [A-Za-z0-9.+~_-]");
  }
  return KernelSpec{std::string(text), KernelSpecKind::kDebianRelease, std::string(rest)};
}

Expected<KernelSpec> parse_path(std::string_view text, std::string_view rest, KernelSpecKind kind) {
  if (rest.empty()) return fail("kernel spec " + quoted(text) + ": empty path");
  return KernelSpec{std::string(text), kind, {}, std::filesystem::path(rest)};
}

/// Where BASE starts in "PATH@BASE": after the first '@' that a scheme follows, so that
/// a path may itself contain '@'.
std::string_view::size_type base_start(std::string_view rest) {
  for (auto at = rest.find('@'); at != std::string_view::npos; at = rest.find('@', at + 1)) {
    const auto after = rest.substr(at + 1);
    for (const std::string_view scheme : {"debian:", "deb:", "build:", "module:"}) {
      if (after.starts_with(scheme)) return at + 1;
    }
  }
  return std::string_view::npos;
}

Expected<KernelSpec> parse_module(std::string_view text, std::string_view rest) {
  const auto prefix = "kernel spec " + quoted(text) + ": ";
  const auto start = base_start(rest);
  if (start == std::string_view::npos) {
    return fail(prefix + "expected module:PATH@BASE, PATH a bcache.ko and BASE one of " + std::string(kBaseForms) +
                ", e.g. module:bcache.ko@debian:stock");
  }
  const auto path = rest.substr(0, start - 1);
  const auto base_text = rest.substr(start);
  if (path.empty()) return fail(prefix + "empty module path before '@'");
  if (base_text.starts_with("module:")) {
    return fail(prefix + "the base cannot itself be a module: spec; expected one of " + std::string(kBaseForms));
  }
  auto base = parse_kernel_spec(base_text);
  if (!base) return fail(prefix + "base: " + base.error().message);
  KernelSpec spec{std::string(text), KernelSpecKind::kModule, {}, std::filesystem::path(path)};
  spec.base = std::make_shared<const KernelSpec>(std::move(base).value());
  return spec;
}

}  // namespace

bool is_valid_kernel_release(std::string_view release) {
  if (release.empty() || !std::isdigit(static_cast<unsigned char>(release.front()))) {
    return false;
  }
  for (const char c : release) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '~' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Expected<KernelSpec> parse_kernel_spec(std::string_view text) {
  const auto colon = text.find(':');
  const auto scheme = text.substr(0, colon);
  const auto rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (colon != std::string_view::npos) {
    if (scheme == "debian") return parse_debian(text, rest);
    if (scheme == "deb") return parse_path(text, rest, KernelSpecKind::kDebFile);
    if (scheme == "build") return parse_path(text, rest, KernelSpecKind::kBuildTree);
    if (scheme == "module") return parse_module(text, rest);
  }
  return fail("unknown kernel spec " + quoted(text) + ": expected " + std::string(kForms));
}

}  // namespace bh
