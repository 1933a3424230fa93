#pragma once
/// Clock: the time source for code that waits or measures, so tests can run it on a fake.

#include <chrono>
#include <thread>

namespace bh {

/// Monotonic time and sleeping, behind an interface.
class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  /// The current monotonic time; never goes backwards.
  virtual time_point now() = 0;
  /// Returns after at least `duration` has passed (by now()).
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

/// The real clock: std::chrono::steady_clock and std::this_thread::sleep_for.
class SteadyClock : public Clock {
 public:
  time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace bh
