// What both IKE load generators (keygate-bench ike and ikev1) count: the
// attempts in flight, by the interface name each client's CHILD_SA carries,
// setups up and failed, the rate of the slowest tenth of the run (is the
// rate sustained?), and the common fields of their JSON line. The generator
// decides what to start and what an event means; the tally only counts.
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"

namespace kg::bench {

class SetupTally {
 public:
  SetupTally(const Clock& clock, size_t count) : clock_(clock), count_(count) {}

  void start() { start_ = window_start_ = clock_.now(); }
  // The index of the next attempt, while fewer than `window` are in flight
  // and not all were started.
  [[nodiscard]] bool may_start(size_t window) const { return pending_.size() < window && started_ < count_; }
  size_t next() { return started_++; }
  void started(const std::string& name) { pending_.emplace(name, clock_.now()); }
  [[nodiscard]] bool pending(const std::string& name) const { return pending_.contains(name); }

  // An attempt ended, up or not; false if it was not in flight. The last
  // one sets end().
  bool finish(const std::string& name, bool ok) {
    if (pending_.erase(name) == 0) return false;
    (ok ? up_ : failed_)++;
    ++done_;
    size_t w = std::max<size_t>(1, count_ / 10);
    if (done_ % w == 0) {
      double s = std::chrono::duration<double>(clock_.now() - window_start_).count();
      if (s > 0) rate_min_ = std::min(rate_min_, double(w) / s);
      window_start_ = clock_.now();
    }
    if (all_done()) end_ = clock_.now();
    return true;
  }
  [[nodiscard]] bool all_done() const { return done_ == count_; }
  [[nodiscard]] bool all_up() const { return up_ == count_; }
  [[nodiscard]] TimePoint end() const { return end_; }

  // The attempts in flight for longer than `timeout`.
  [[nodiscard]] std::vector<std::string> late(std::chrono::seconds timeout) const {
    auto limit = clock_.now() - timeout;
    std::vector<std::string> v;
    for (auto& [name, t] : pending_)
      if (t < limit) v.push_back(name);
    return v;
  }

  // "setups", "failed", "seconds", "rate", "rate_min" as JSON members.
  [[nodiscard]] std::string json_members() const {
    double s = std::chrono::duration<double>((all_done() ? end_ : clock_.now()) - start_).count();
    char b[160];
    std::snprintf(b, sizeof b, "\"setups\": %zu, \"failed\": %zu, \"seconds\": %.3f, \"rate\": %.1f, \"rate_min\": %.1f",
                  up_, failed_, s, s > 0 ? double(up_) / s : 0.0, rate_min_ > 1e17 ? 0.0 : rate_min_);
    return b;
  }

  // This process's CPU seconds, user and system.
  [[nodiscard]] static double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }

 private:
  const Clock& clock_;
  const size_t count_;
  std::unordered_map<std::string, TimePoint> pending_;
  size_t started_ = 0, done_ = 0, up_ = 0, failed_ = 0;
  TimePoint start_{}, end_{}, window_start_{};
  double rate_min_ = 1e18;
};

}  // namespace kg::bench
