// Time behind an interface so the engine can run on a fake clock in tests.
#pragma once
#include <chrono>
#include <cstdint>

namespace kg {

using Millis = std::chrono::milliseconds;
// Monotonic time since an arbitrary epoch.
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Millis>;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
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
  void advance(Millis d) { t_ += d; }

 private:
  TimePoint t_{Millis(1'000'000)};
};

}  // namespace kg
