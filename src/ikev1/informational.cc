// Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): one message, no
// answer. After phase 1 it is encrypted, with its own IV from the M-ID, and
// authenticated by HASH(1) = prf(SKEYID_a, M-ID | N/D); before, a notify
// goes in clear. DELETE removes IPsec SAs by the peer's inbound SPI (our
// outbound) or the ISAKMP SA by its cookies; INITIAL-CONTACT (RFC 2407
// §4.6.3.3) in Main Mode message 5 makes the responder forget older SAs
// with the same peer; R-U-THERE is answered and R-U-THERE-ACK ends our
// probe (RFC 3706 §5, dpd.cc).
#include "common/log.h"
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;
using isakmp::PayloadType;
using isakmp::TypedPayload;

void EngineImpl::info_send(IsakmpSa& sa, std::vector<TypedPayload> p, std::vector<Action>& out) {
  isakmp::Header h;
  h.cookie_i = sa.cky_i;
  h.cookie_r = sa.cky_r;
  h.exchange = isakmp::ExchangeType::kInformational;
  Flight once;
  if (sa.state != MmState::kReady) {
    send(sa, once, isakmp::encode_message(h, p), false, out);
    return;
  }
  h.message_id = 0;
  while (h.message_id == 0) h.message_id = rng_.u32();
  ByteWriter w;
  w.u32(h.message_id);
  isakmp::write_payload_chain(p, w);
  auto hash = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {w.data()});
  auto iv = exchange_iv(sa, h.message_id);
  if (!hash || !iv) return;
  p.insert(p.begin(), {PayloadType::kHash, isakmp::HashPayload{Bytes(hash->view().begin(), hash->view().end())}});
  auto data = seal(sa, h, p, *iv);
  if (!data) return;
  send(sa, once, std::move(*data), false, out);
}

void EngineImpl::info_process(IsakmpSa& sa, const isakmp::Message& m, std::vector<Action>& out) {
  if (!m.header.encrypted()) {
    // Before phase 1 completes the peer can only tell us in clear why it
    // gave up (NO-PROPOSAL-CHOSEN...): believe it only for an SA still in
    // negotiation, and only as a reason to stop.
    if (sa.state != MmState::kReady) {
      for (auto& p : m.payloads)
        if (auto* n = std::get_if<isakmp::NotifyPayload>(&p.body); n && n->is_error()) {
          log::event("CRYPTO", log::Level::kInfo, "IKMP_MODE_FAILURE",
                     fmt("Processing of Main mode failed with peer at {}", sa.remote.addr.str()));
          log::debug(fmt("IKEv1: {} sent {}", sa.remote.str(), isakmp::notify_name(n->type)));
          remove_sa(sa, false, out);
          return;
        }
    } else {
      log::event("CRYPTO", log::Level::kInfo, "IKMP_NOT_ENCRYPTED",
                 fmt("IKE packet from {} was not encrypted and it should've been.", sa.remote.addr.str()));
    }
    return;
  }
  if (sa.state != MmState::kReady) return;
  auto iv = exchange_iv(sa, m.header.message_id);
  if (!iv) return;
  Bytes next_iv;
  auto plain = open(sa, m, *iv, next_iv);
  if (!plain) return;
  auto chain = isakmp::parse_payload_chain(m.header.next_payload, *plain, true);
  if (!chain || chain->size() < 2 || chain->front().type != PayloadType::kHash) {
    ++stats_.rx_dropped_malformed;
    return;
  }
  size_t after = chain->front().wire_offset + chain->front().wire_size;
  size_t end = chain->back().wire_offset + chain->back().wire_size;
  ByteWriter mid;
  mid.u32(m.header.message_id);
  auto want = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {mid.data(), ByteView(*plain).subspan(after, end - after)});
  if (!want || !want->equals(std::get<isakmp::HashPayload>(chain->front().body).data)) {
    ++stats_.rx_dropped_auth;
    log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
               fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
    return;
  }
  dpd_heard(sa);
  for (auto& p : *chain) {
    if (auto* d = std::get_if<isakmp::DeletePayload>(&p.body)) {
      if (d->protocol == isakmp::ProtocolId::kIsakmp) {
        log::debug(fmt("IKEv1: {} deleted ISAKMP SA {}", sa.remote.str(), sa.conn_id));
        hand_over(sa);  // a rekey: the IPsec SAs go on under the new ISAKMP SA
        remove_sa(sa, false, out);
        return;
      }
      if (d->protocol != isakmp::ProtocolId::kEsp) continue;
      // The IPsec SAs are the session's, whichever of its ISAKMP SAs the
      // peer deletes them through: an Easy VPN client that reauthenticated
      // (strongSwan) deletes an old IPsec SA through its new ISAKMP SA or
      // its old one, before or after it deletes the old ISAKMP SA. The
      // session ends with its last IPsec SA, not with one ISAKMP SA's.
      IsakmpSa& holder = session_holder(sa);
      for (auto& spi_b : d->spis) {
        if (spi_b.size() != 4) continue;
        uint32_t spi = uint32_t(spi_b[0]) << 24 | uint32_t(spi_b[1]) << 16 | uint32_t(spi_b[2]) << 8 | spi_b[3];
        for (IsakmpSa* owner : {&holder, &sa}) {
          auto c = std::find_if(owner->children.begin(), owner->children.end(), [&](auto& x) { return x.spi_out == spi; });
          if (c == owner->children.end()) continue;
          log::debug(fmt("IKEv1: {} deleted IPsec SA SPI in {} out {} through ISAKMP SA {}{}", sa.remote.str(),
                         uint64_t(c->spi_in), uint64_t(c->spi_out), sa.conn_id,
                         owner == &sa ? "" : fmt(" (held by ISAKMP SA {})", owner->conn_id)));
          out.push_back(ike::RemoveChildSa{owner->child ? owner->child->interface : "", c->spi_in, c->spi_out});
          owner->children.erase(c);
          break;
        }
      }
      if (holder.children.empty()) session_change(holder, false, out);
    } else if (auto* n = std::get_if<isakmp::NotifyPayload>(&p.body)) {
      if (n->type == uint16_t(isakmp::NotifyType::kRUThere)) {
        isakmp::NotifyPayload ack = *n;
        ack.type = uint16_t(isakmp::NotifyType::kRUThereAck);
        info_send(sa, {{PayloadType::kNotify, std::move(ack)}}, out);
      } else if (n->type == uint16_t(isakmp::NotifyType::kRUThereAck)) {
        dpd_ack(sa, *n);
      } else {
        log::debug(fmt("IKEv1: {} sent {}", sa.remote.str(), isakmp::notify_name(n->type)));
      }
    }
  }
}

void EngineImpl::initial_contact(IsakmpSa& sa, std::vector<Action>& out) {
  for (auto& [id, other] : sas_)
    if (other.get() != &sa && other->remote.addr == sa.remote.addr &&
        std::find(dead_.begin(), dead_.end(), id) == dead_.end()) {
      log::debug(fmt("IKEv1: INITIAL-CONTACT from {}: ISAKMP SA {} forgotten", sa.remote.str(), id));
      remove_sa(*other, false, out);
    }
}

// RFC 2407 §4.6.3: the SPI is the two cookies.
isakmp::TypedPayload EngineImpl::initial_contact_payload(const IsakmpSa& sa) const {
  ByteWriter w;
  w.u64(sa.cky_i);
  w.u64(sa.cky_r);
  return {isakmp::PayloadType::kNotify, isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kIsakmp, w.take(),
                                                              uint16_t(isakmp::NotifyType::kInitialContact), {}}};
}

}  // namespace kg::ikev1
