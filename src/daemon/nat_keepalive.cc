#include "daemon/nat_keepalive.h"

#include <set>

#include "common/log.h"

namespace kg::daemon {

void NatKeepalive::tick(TimePoint now, uint32_t interval_s, const std::vector<ike::NatKeepaliveTarget>& sas,
                        esp::Datapath& dp) {
  if (interval_s == 0) {
    last_sent_.clear();
    return;
  }
  auto interval = std::chrono::duration_cast<Millis>(std::chrono::seconds(interval_s));
  std::set<uint64_t> seen;
  for (auto& sa : sas) {
    seen.insert(sa.spi_i);
    // Anything we sent on the SA's CHILD_SAs keeps the mapping as well.
    TimePoint last = last_sent_[sa.spi_i];
    for (uint32_t spi : sa.child_spis_in)
      if (auto a = dp.activity(spi); a && a->last_out > last) last = a->last_out;
    if (now - last < interval) continue;
    if (auto r = dp.send_keepalive(sa.local, sa.remote); !r) log::debug(r.error().message);
    last_sent_[sa.spi_i] = now;
  }
  std::erase_if(last_sent_, [&](auto& kv) { return !seen.contains(kv.first); });
}

}  // namespace kg::daemon
