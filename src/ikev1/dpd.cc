// Dead peer detection (RFC 3706), `crypto isakmp keepalive SECONDS [RETRY]
// [periodic|on-demand]`. Anything authenticated from the peer proves it
// alive: an ISAKMP message, or ESP on one of its IPsec SAs (the data path's
// TrafficSource). After SECONDS of silence a periodic SA probes; an
// on-demand one (IOS's default) only if we kept sending after the peer fell
// silent, answers to its own traffic aside (ike::dpd_probe_due). A probe is
// an R-U-THERE notify
//   HDR*, HASH(1), N(R-U-THERE, SPI = CKY-I|CKY-R, data = sequence)  -->
//                                        <--  HDR*, HASH(1), N(R-U-THERE-ACK)
// repeated every RETRY seconds (RFC 3706 §5.5: a fresh sequence number each
// time); kDpdSends without an answer and the peer is dead: its ISAKMP and
// IPsec SAs go, without a DELETE it could not read.
// The SA's profile's `keepalive SECONDS retry RETRY` overrides the global
// command. RFC 3706 §5.1: each side announces DPD with a vendor ID in phase
// 1 (we do when DPD is configured anywhere), and R-U-THERE goes only to a
// peer that announced it.
#include "common/log.h"
#include "ike/dpd_due.h"
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

using isakmp::PayloadType;

namespace {

Bytes cookies(const IsakmpSa& sa) {
  ByteWriter w;
  w.u64(sa.cky_i);
  w.u64(sa.cky_r);
  return w.take();
}

uint32_t seq_of(const isakmp::NotifyPayload& n) {
  if (n.data.size() != 4) return 0;
  return uint32_t(n.data[0]) << 24 | uint32_t(n.data[1]) << 16 | uint32_t(n.data[2]) << 8 | n.data[3];
}

// RFC 3706 §5.1: the last two octets are the major and minor version (1.0).
const Bytes kVidDpd = *from_hex("afcad71368a1f1c96b8696fc77570100");

}  // namespace

isakmp::VendorIdPayload dpd_vid() { return {kVidDpd}; }

bool sent_dpd_vid(const isakmp::Message& m) {
  for (auto& p : m.payloads)
    if (auto* v = std::get_if<isakmp::VendorIdPayload>(&p.body); v && v->data == kVidDpd) return true;
  return false;
}

ike::DpdConfig EngineImpl::dpd_config(const IsakmpSa& sa) const {
  return sa.peer_dpd ? policy_.keepalive(sa.remote.addr, sa.profile) : ike::DpdConfig{};
}

void EngineImpl::dpd_note(const IsakmpSa& sa) const {
  if (sa.peer_dpd || !policy_.keepalive(sa.remote.addr, sa.profile).interval_s) return;
  log::info(fmt("IKEv1: {} sent no DPD vendor ID: no dead peer detection on ISAKMP SA {}", sa.remote.str(), sa.conn_id));
}

void EngineImpl::dpd_check(IsakmpSa& sa, TimePoint now, std::vector<Action>& out) {
  const ike::DpdConfig d = dpd_config(sa);
  if (!d.interval_s || sa.state != MmState::kReady) {
    sa.dpd = {sa.dpd.last_heard};
    return;
  }
  if (now < sa.dpd.next) return;
  const Millis interval(uint64_t(d.interval_s) * 1000), retry(uint64_t(d.retry_s) * 1000);
  TimePoint last_in = std::max(sa.dpd.last_heard, sa.created), last_out{};
  if (traffic_)
    for (auto& c : sa.children)
      if (auto a = traffic_->activity(c.spi_in)) {
        last_in = std::max(last_in, a->last_in);
        last_out = std::max(last_out, a->last_out);
      }
  if (sa.dpd.sent > 0 && last_in >= sa.dpd.next - retry) sa.dpd.sent = 0;  // heard since the last R-U-THERE
  if (sa.dpd.sent == 0) {
    if (now - last_in < interval) {
      sa.dpd.next = last_in + interval;
      return;
    }
    if (!ike::dpd_probe_due(d, now, last_in, last_out)) {  // on-demand and nothing to send: look again later
      sa.dpd.next = now + interval;
      return;
    }
  } else if (sa.dpd.sent >= kDpdSends) {
    log::warn(fmt("IKEv1: peer {} did not answer {} DPD R-U-THERE messages: declared dead; ISAKMP SA {} deleted",
                  sa.remote.str(), kDpdSends, sa.conn_id));
    ++stats_.peers_dead;
    // An Easy VPN SA a reauthentication took over (its DELETE lost, say)
    // goes alone: the session lives on its successor.
    if (sa.child && &session_holder(sa) == &sa)
      out.push_back(ike::PeerDead{sa.child->interface, "", sa.local, sa.remote, sa.remote_id});
    remove_sa(sa, false, out);
    return;
  }
  ++sa.dpd.sent;
  ++stats_.dpd_probes;
  sa.dpd.seq = sa.dpd.seq ? sa.dpd.seq + 1 : (rng_.u32() & 0x7fffffff) + 1;
  sa.dpd.next = now + retry;
  log::debug(fmt("IKEv1: DPD R-U-THERE {} to {} (sequence {}, nothing heard for {} s)", sa.dpd.sent,
                 sa.remote.str(), sa.dpd.seq,
                 std::chrono::duration_cast<std::chrono::seconds>(now - last_in).count()));
  ByteWriter w;
  w.u32(sa.dpd.seq);
  isakmp::NotifyPayload n{isakmp::kDoiIpsec, isakmp::ProtocolId::kIsakmp, cookies(sa),
                          uint16_t(isakmp::NotifyType::kRUThere), w.take()};
  info_send(sa, {{PayloadType::kNotify, std::move(n)}}, out);
}

// RFC 3706 §5.5: an ACK must carry the sequence number of an R-U-THERE we
// sent; a stale one (an earlier retry's) still proves the peer alive.
void EngineImpl::dpd_ack(IsakmpSa& sa, const isakmp::NotifyPayload& n) {
  uint32_t seq = seq_of(n);
  if (sa.dpd.sent == 0 || seq == 0 || seq > sa.dpd.seq || sa.dpd.seq - seq >= uint32_t(sa.dpd.sent)) {
    log::debug(fmt("IKEv1: R-U-THERE-ACK from {} with unexpected sequence {}", sa.remote.str(), seq));
    return;
  }
  sa.dpd.sent = 0;
  sa.dpd.next = {};
}

std::optional<TimePoint> EngineImpl::dpd_deadline(const IsakmpSa& sa) const {
  if (sa.state != MmState::kReady || !dpd_config(sa).interval_s) return std::nullopt;
  return sa.dpd.next;
}

}  // namespace kg::ikev1
