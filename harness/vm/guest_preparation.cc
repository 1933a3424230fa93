#include "harness/vm/guest_preparation.h"

#include <chrono>
#include <cstdlib>

#include "harness/kernel/kernel_provider.h"
#include "harness/kernel/kernel_spec.h"

namespace bh {
namespace fs = std::filesystem;

std::filesystem::path PreparedGuest::boot_image() const { return kernel.pvh_image.value_or(kernel.boot_image); }

fs::path guest_agent_path() {
  if (const char* from_env = std::getenv("BH_AGENT"); from_env && *from_env) return from_env;
  std::error_code error;
  const auto self = fs::read_symlink("/proc/self/exe", error);
  if (!error && fs::exists(self.parent_path() / "bh-agent")) return self.parent_path() / "bh-agent";
  return BH_BUILT_AGENT_PATH;
}

Expected<PreparedGuest> prepare_guest(const std::string& spec_text, ProcessRunner& runner, const fs::path& cache_root) {
  auto spec = parse_kernel_spec(spec_text);
  if (!spec) return spec.error();
  const auto start = std::chrono::steady_clock::now();
  KernelProvider provider(runner, cache_root);
  auto kernel = provider.resolve(spec.value());
  if (!kernel) return kernel.error();
  PreparedGuest prepared;
  prepared.kernel = std::move(kernel).value();
  prepared.kernel_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto agent = guest_agent_path();
  if (!fs::exists(agent)) return fail("guest agent binary not found: " + agent.string() + " (build it: scripts/build)");
  image::GuestImageInputs inputs;
  inputs.kernel_release = prepared.kernel.release;
  inputs.modules_dir = prepared.kernel.modules_dir;
  inputs.agent_binary = agent;
  auto built = image::build_or_reuse_guest_image(runner, inputs, cache_root);
  if (!built) return fail("guest image for " + spec_text + ": " + built.error().message);
  prepared.image = std::move(built).value();
  return prepared;
}

}  // namespace bh
