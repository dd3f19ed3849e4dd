#include "web/login_guard.h"

namespace kg::web {

void LoginGuard::forget_old(Clock::time_point now) {
  for (auto it = records_.begin(); it != records_.end();) {
    bool stale = now - it->second.first > kWindow && now >= it->second.locked_until;
    it = stale ? records_.erase(it) : std::next(it);
  }
}

long LoginGuard::locked_for(const std::string& addr, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = records_.find(addr);
  if (it == records_.end() || now >= it->second.locked_until) return 0;
  return long(std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now).count());
}

int LoginGuard::failed(const std::string& addr, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (records_.size() >= kMaxTracked) forget_old(now);
  Record& r = records_[addr];
  if (r.failures == 0 || now - r.first > kWindow) r = Record{0, now, {}};
  if (++r.failures >= kMaxFailures) {
    r.locked_until = now + kLockout;
    r.failures = 0;
    r.first = now;
    return 0;
  }
  return kMaxFailures - r.failures;
}

void LoginGuard::succeeded(const std::string& addr) {
  std::lock_guard lock(mu_);
  records_.erase(addr);
}

}  // namespace kg::web
