#pragma once
/// QEMU's machine protocol (QMP) over its unix socket: the few questions the harness asks a
/// running QEMU, above all whether it paused the guest because it could not write a disk
/// image (a full filesystem under --out), which the guest itself can never report.

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace bh {

/// One QMP connection, past its capabilities negotiation.
class QmpClient {
 public:
  /// Connects to `socket`, reads QEMU's greeting and enters command mode, all within
  /// `timeout`.
  static Expected<std::unique_ptr<QmpClient>> connect(const std::filesystem::path& socket,
                                                      std::chrono::milliseconds timeout);
  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  /// Runs `command` (no arguments) and returns its "return" value; QMP's error, a closed
  /// socket or no answer within `timeout` is an error naming the command. Events QEMU sends
  /// meanwhile are skipped.
  Expected<nlohmann::json> execute(std::string_view command, std::chrono::milliseconds timeout);

 private:
  explicit QmpClient(int fd);
  Expected<nlohmann::json> next_message(std::chrono::steady_clock::time_point deadline, std::string_view waiting_for);

  int fd_;
  std::string pending_;
};

/// Why QEMU paused the guest on its own, from the answers to query-status and query-block:
/// none while it runs or was paused for another reason. For an image QEMU could not write
/// for lack of space (io-status "nospace"), the message says the filesystem is full and
/// names the image.
std::optional<std::string> io_error_pause(const nlohmann::json& status, const nlohmann::json& blocks);

}  // namespace bh
