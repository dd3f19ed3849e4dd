// Invalid-SPI recovery (crypto isakmp invalid-spi-recovery, seed 001; off by
// default). ESP from a static peer with an SPI we do not have means the peer
// still uses IPsec SAs we lost (we restarted, or cleared them without being
// able to tell it). As IOS does, we tell it in an INVALID-SPI notify (RFC
// 2408 §3.14.1, protocol ESP, the SPI) over an ISAKMP SA, starting one if
// none is up; that new SA's INITIAL-CONTACT also makes the peer drop its
// stale SAs. When we have the static entry's policy for the peer (a crypto
// map entry or tunnel interface), Quick Mode follows at once: unlike an IOS
// peer, one such as strongSwan with its user-space data path cannot start
// new SAs on its own traffic, and ours may never come (we answer its
// packets).
//   HDR*, HASH(1), N(INVALID-SPI, ESP, SPI)  -->
// The seed warns this can be abused: only static peers, and at most one
// recovery per peer per kInvalidSpiHoldDown.
#include <cstdio>

#include "common/log.h"
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

std::vector<Action> EngineImpl::on_unknown_spi(const Endpoint& local, const Endpoint& remote, uint32_t spi) {
  std::vector<Action> out;
  if (!policy_.invalid_spi_recovery(remote.addr)) return out;
  const TimePoint now = clock_.now();
  if (auto it = invalid_spi_sent_.find(remote.addr); it != invalid_spi_sent_.end() && now - it->second < kInvalidSpiHoldDown) {
    ++stats_.invalid_spi_limited;
    return out;
  }
  std::erase_if(invalid_spi_sent_, [&](auto& kv) { return now - kv.second >= kInvalidSpiHoldDown; });
  invalid_spi_sent_[remote.addr] = now;
  char hex[12];
  std::snprintf(hex, sizeof hex, "0x%X", spi);
  log::event("CRYPTO", log::Level::kWarning, "RECVD_PKT_INV_SPI",
             fmt("decaps: rec'd IPSEC packet has invalid spi for destaddr={}, prot=50, spi={}({}), srcaddr={}",
                 local.addr.str(), std::string(hex), spi, remote.addr.str()));
  for (auto& [id, sa] : sas_)
    if (sa->state == MmState::kReady && sa->remote.addr == remote.addr &&
        std::find(dead_.begin(), dead_.end(), id) == dead_.end()) {
      sa->invalid_spi = spi;
      invalid_spi_notify(*sa, out);
      if (sa->child && sa->children.empty() && sa->quick.empty()) qm_initiate_missing(*sa, out);
      return out;
    }
  // Main Mode, then the notify (and Quick Mode for the static entry).
  auto& sa = create_sa(true, {local.addr, 500}, {remote.addr, 500});
  sa.invalid_spi = spi;
  sa.child = policy_.child_for_peer(local.addr, remote.addr);
  sa.profile = policy_.map_profile(local.addr, remote.addr);
  log::debug(fmt("IKEv1: ISAKMP SA {} with {} for invalid-SPI recovery", sa.conn_id, remote.str()));
  phase1_initiate(sa, false, out);
  reap();
  return out;
}

void EngineImpl::invalid_spi_notify(IsakmpSa& sa, std::vector<Action>& out) {
  ByteWriter w;
  w.u32(sa.invalid_spi);
  sa.invalid_spi = 0;
  ++stats_.invalid_spi_notifies;
  info_send(sa, {{isakmp::PayloadType::kNotify,
                  isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kEsp, w.take(),
                                        uint16_t(isakmp::NotifyType::kInvalidSpi), {}}}},
            out);
}

}  // namespace kg::ikev1
