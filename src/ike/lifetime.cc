#include "ike/lifetime.h"

#include <algorithm>

namespace kg::ike {

Millis soft_after(Millis life, Random& rng) {
  // 90% minus up to 5%, in milliseconds.
  auto span = life.count() / 20;
  auto jitter = span > 0 ? int64_t(rng.u32() % uint64_t(span + 1)) : 0;
  return Millis(life.count() * 9 / 10 - jitter);
}

uint64_t soft_kb(uint64_t kb, Random& rng) {
  if (kb == 0) return 0;
  uint64_t span = kb / 20;
  return kb * 9 / 10 - (span ? rng.u64() % (span + 1) : 0);
}

void arm_child(ChildSa& c, TimePoint now, Random& rng) {
  c.installed = now;
  if (c.sa.lifetime_s) {
    Millis life(uint64_t(c.sa.lifetime_s) * 1000);
    c.rekey_at = now + soft_after(life, rng);
    c.expire_at = now + life;
  } else {
    c.rekey_at = c.expire_at = kNever;
  }
}

void arm_ike(IkeSa& sa, TimePoint now, Random& rng) {
  sa.last_heard = now;
  uint32_t life_s = sa.profile ? sa.profile->ike_lifetime_s : 0;
  if (life_s) {
    Millis life(uint64_t(life_s) * 1000);
    sa.rekey_at = now + soft_after(life, rng);
    sa.expire_at = now + life;
  }
  bool dpd = sa.profile && sa.profile->dpd.interval_s;
  sa.dpd_at = dpd ? now + Millis(uint64_t(sa.profile->dpd.interval_s) * 1000) : kNever;
}

TimePoint lifetime_deadline(const IkeSa& sa) {
  TimePoint t = sa.reap_at;
  if (sa.state == SaState::kEstablished) {
    t = std::min({t, sa.rekey_at, sa.expire_at, sa.dpd_at});
    for (auto& c : sa.children) t = std::min({t, c.rekey_at, c.expire_at});
  }
  return t;
}

int64_t seconds_until(TimePoint t, TimePoint now) {
  if (t == kNever) return -1;
  return t <= now ? 0 : std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
}

}  // namespace kg::ike
