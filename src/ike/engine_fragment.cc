// Receiving IKE fragments (RFC 7383 §2.6) and choosing how to send a
// protected message (fragment.h). A fragment is decrypted and its ICV checked
// before it is kept; when the set is complete the reassembled payloads go
// through handle_request/handle_response like any SK message.
#include "common/log.h"
#include "ike/engine_impl.h"
#include "ike/fmt.h"
#include "ike/fragment.h"
#include "ike/message.h"

namespace kg::ike {

Result<std::vector<TypedPayload>> EngineImpl::open_inner(IkeSa& sa, const Message& m, ByteView raw) {
  if (reassembled_) return *reassembled_;
  return unprotect(sa, m, raw);
}

Result<std::vector<Bytes>> EngineImpl::protect_out(IkeSa& sa, const Header& h, const std::vector<TypedPayload>& inner) {
  return protect_for_path(sa, h, inner, policy_.limits(), rng_);
}

void EngineImpl::on_fragment(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local,
                             const Endpoint& remote, std::vector<Action>& out) {
  const Header& h = m.header;
  const auto& f = std::get<SkfPayload>(m.payloads.back().body);
  stats_.frag_rx++;
  auto drop = [&](std::string_view why) {
    stats_.frag_dropped++;
    log::debug(fmt("IKEv2: dropped fragment {}/{} of {} {} from {}: {}", f.number, f.total,
                   exchange_name(h.exchange), h.message_id, remote.str(), why));
  };
  // §2.3/§2.5: only on an IKE SA that negotiated it, never in IKE_SA_INIT.
  if (!sa.frag.enabled || !sa.keyed() || h.exchange == ExchangeType::kIkeSaInit)
    return drop("fragmentation not negotiated");
  bool response = h.is_response();
  bool retransmitted = !response && sa.last_response_id && h.message_id == *sa.last_response_id;
  bool expected = response ? sa.outstanding_id && h.message_id == *sa.outstanding_id && h.exchange == sa.active_exchange
                           : h.message_id == sa.next_peer_request;
  if (!retransmitted && !expected) {
    stats_.rx_dropped_replay++;
    return drop("unexpected message ID");
  }
  // The AAD (or what the ICV covers) is everything before IV | ciphertext | ICV.
  if (f.body.size() > raw.size()) return drop("SKF body");
  auto plain = sa.in->open(raw.first(raw.size() - f.body.size()), f.body);
  if (!plain) {
    (plain.error().code == Errc::kAuthFailed ? stats_.rx_dropped_auth : stats_.rx_dropped_malformed)++;
    return drop(plain.error().message);
  }
  if (retransmitted) {
    // §2.6.1: only fragment 1 of a retransmitted request triggers our
    // response again, else every fragment would resend all of ours.
    if (f.number == 1) {
      stats_.retransmits++;
      send(sa, sa.last_response, out);
    }
    return;
  }
  auto& set = sa.frag.set(response);
  size_t discarded = set.discarded();
  auto v = set.add(h.message_id, f.number, f.total, f.first_inner, std::move(*plain), clock_.now());
  stats_.frag_dropped += set.discarded() - discarded;
  if (v == Reassembly::Verdict::kKept) return;
  if (v != Reassembly::Verdict::kComplete) {
    sa.frag.release_idle();
    return drop(verdict_name(v));
  }
  auto whole = set.take();
  sa.frag.release_idle();
  auto inner = parse_payload_chain(whole.first_inner, whole.plain);
  if (!inner) {
    stats_.rx_dropped_malformed++;
    log::debug(fmt("IKEv2: dropped reassembled {} from {}: {}", exchange_name(h.exchange), remote.str(),
                   inner.error().message));
    return;
  }
  stats_.frag_reassembled++;
  log::debug(fmt("IKEv2: reassembled {} {} from {} ({} fragments, {} bytes)", exchange_name(h.exchange),
                 response ? "response" : "request", remote.str(), f.total, whole.plain.size()));
  reassembled_ = &*inner;
  if (response)
    handle_response(sa, m, raw, local, remote, out);
  else
    handle_request(sa, m, raw, local, remote, out);
  reassembled_ = nullptr;
}

}  // namespace kg::ike
