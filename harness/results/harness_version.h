#pragma once
/// The harness's own version, `git describe --always --dirty --tags` of the source tree at
/// build time ("unknown" outside a git checkout); `bcache-harness --version` prints it.

namespace bh {

extern const char* const kHarnessVersion;

}  // namespace bh
