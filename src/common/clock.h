// Time behind an interface so the engine can run on a fake clock in tests.
#pragma once
#include <chrono>
#include <cstdint>
#include <ctime>

namespace kg {

using Millis = std::chrono::milliseconds;
// Monotonic time since an arbitrary epoch.
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Millis>;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
  // Calendar time (seconds since 1970) for certificate validity periods,
  // which are dates, not intervals.
  [[nodiscard]] virtual std::time_t wall_time() const { return std::time(nullptr); }
};

class SteadyClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::steady_clock::now());
  }
};

class FakeClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return t_; }
  // A fixed calendar date (2025-01-01 00:00:00 UTC) plus the time advanced,
  // so certificate tests do not depend on the day they run.
  [[nodiscard]] std::time_t wall_time() const override {
    return kEpoch + std::chrono::duration_cast<std::chrono::seconds>(t_ - TimePoint{Millis(1'000'000)}).count();
  }
  void advance(Millis d) { t_ += d; }
  static constexpr std::time_t kEpoch = 1735689600;

 private:
  TimePoint t_{Millis(1'000'000)};
};

}  // namespace kg
