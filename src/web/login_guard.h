// Login rate limiting of the web page, per client address: after kMaxFailures
// failed logins within kWindow the address is locked out for kLockout, and a
// success clears its record. keygated rations password checks for every
// session on top of this (config/session.cc), so neither a single browser nor
// many can make it spend its time on scrypt.
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace kg::web {

class LoginGuard {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::minutes kWindow{10};
  static constexpr std::chrono::minutes kLockout{5};
  static constexpr size_t kMaxTracked = 4096;  // addresses remembered at most

  // Seconds until `addr` may try again; 0: it may now.
  long locked_for(const std::string& addr, Clock::time_point now);
  // Records a failure; returns the attempts left before the lock-out (0: locked now).
  int failed(const std::string& addr, Clock::time_point now);
  void succeeded(const std::string& addr);

 private:
  struct Record {
    int failures = 0;
    Clock::time_point first{}, locked_until{};
  };
  void forget_old(Clock::time_point now);
  std::mutex mu_;
  std::map<std::string, Record> records_;
};

}  // namespace kg::web
