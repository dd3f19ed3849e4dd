// Quick Mode (RFC 2409 §5.5), both roles, with PFS when configured:
//
//   Initiator                          Responder
//   HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]  -->
//                          <--  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr]
//   HDR*, HASH(3)          -->
//
//   HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
//   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
//   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
// where each list is the message after the HASH payload, payload headers
// included and padding excluded. The ESP SA is tunnel mode, in UDP
// (RFC 3947 §5.1 UDP-Encapsulated-Tunnel) when phase 1 saw a NAT. Each side
// installs once it has seen the other's nonce and hash: the initiator after
// message 2, the responder after message 3.
#include <algorithm>

#include "common/log.h"
#include "ikev1/engine_impl.h"
#include "ike/transform_ids.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;
using isakmp::PayloadType;
using isakmp::TypedPayload;

namespace {

Bytes be32(uint32_t v) {
  ByteWriter w;
  w.u32(v);
  return w.take();
}

Bytes chain_bytes(const std::vector<TypedPayload>& v) {
  ByteWriter w;
  isakmp::write_payload_chain(v, w);
  return w.take();
}

TrafficSelector any4() {
  TrafficSelector t;
  t.start = *IpAddress::parse("0.0.0.0");
  t.end = *IpAddress::parse("255.255.255.255");
  return t;
}

TrafficSelector host(const IpAddress& a) {
  TrafficSelector t;
  t.type = a.is_v4() ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange;
  t.start = t.end = a;
  return t;
}

bool covers(const TrafficSelector& outer, const TrafficSelector& inner) {
  return outer.start.family == inner.start.family && outer.start <= inner.start && inner.end <= outer.end &&
         (outer.ip_protocol == 0 || outer.ip_protocol == inner.ip_protocol) && outer.start_port <= inner.start_port &&
         inner.end_port <= outer.end_port;
}

bool is_any(const TrafficSelector& t) {
  return t.start.is_unspecified() && t.end == Prefix{t.start, 0}.last() && t.ip_protocol == 0 && t.start_port == 0 &&
         t.end_port == 65535;
}

bool overlaps(const TrafficSelector& a, const TrafficSelector& b) {
  return a.start.family == b.start.family && a.start <= b.end && b.start <= a.end &&
         (a.ip_protocol == 0 || b.ip_protocol == 0 || a.ip_protocol == b.ip_protocol) && a.start_port <= b.end_port &&
         b.start_port <= a.end_port;
}

// A crypto map's ACL gives pairs (source, destination), one Quick Mode and
// IPsec SA each (IOS: one per permit line); a tunnel interface one pair.
bool paired(const ike::ChildConfig& c) {
  return !c.local_ts.empty() && c.local_ts.size() == c.remote_ts.size() && !is_any(c.local_ts.front());
}
size_t selector_pairs(const ike::ChildConfig& c) { return paired(c) ? c.local_ts.size() : 1; }

// Responder: may the peer's proxy identities be used? When our side is any
// (a tunnel interface, like an IOS VTI) or no selectors are configured (a
// dynamic map without `match address`), they are taken as proposed; a crypto
// map's ACL wants them inside one of its permit entries (source ours,
// destination the peer's), else IOS answers INVALID-ID-INFORMATION.
//
// With the ACL's lines in order (a crypto map), the first line that covers
// the pair decides, and a deny line that only overlaps it refuses it too:
// part of that traffic must go in clear.
bool allowed_identities(const ike::ChildConfig& c, const TrafficSelector& local, const TrafficSelector& remote) {
  if (!c.acl.empty()) {
    for (auto& r : c.acl) {
      if (covers(r.local, local) && covers(r.remote, remote)) return r.permit;
      if (!r.permit && overlaps(r.local, local) && overlaps(r.remote, remote)) return false;
    }
    return false;
  }
  if (c.local_ts.empty() || c.remote_ts.empty()) return true;
  for (auto& l : c.local_ts)
    if (is_any(l)) return true;
  for (size_t i = 0; i < c.local_ts.size() && i < c.remote_ts.size(); ++i)
    if (covers(c.local_ts[i], local) && covers(c.remote_ts[i], remote)) return true;
  return false;
}

}  // namespace

void EngineImpl::qm_initiate_missing(IsakmpSa& sa, std::vector<Action>& out) {
  for (size_t pair = 0; pair < selector_pairs(*sa.child); ++pair) {
    bool have = std::any_of(sa.children.begin(), sa.children.end(), [&](auto& c) { return c.pair == pair; }) ||
                std::any_of(sa.quick.begin(), sa.quick.end(),
                            [&](auto& q) { return q.second.initiator && !q.second.done && q.second.pair == pair; });
    if (!have) qm_initiate(sa, pair, out);
  }
}

void EngineImpl::qm_initiate(IsakmpSa& sa, size_t pair, std::vector<Action>& out) {
  const ike::ChildConfig& child = *sa.child;
  uint32_t mid = 0;
  while (mid == 0 || sa.quick.count(mid)) mid = rng_.u32();
  QuickMode q;
  q.mid = mid;
  q.pair = pair;
  q.initiator = true;
  auto iv = exchange_iv(sa, mid);
  if (!iv) return;
  q.iv = *iv;
  q.spi_in = random_spi();
  q.ni = random_bytes(kNonceSize);
  q.lifetime_s = child.lifetime_s;
  // One pair of client IDs per Quick Mode: a tunnel interface with several
  // selectors on a side proposes any there, as an IOS static VTI does.
  q.local_ts = {child.local_ts.size() == 1 ? child.local_ts.front() : any4()};
  q.remote_ts = {child.remote_ts.size() == 1 ? child.remote_ts.front() : any4()};
  if (paired(child) && pair < child.local_ts.size()) {
    q.local_ts = {child.local_ts[pair]};
    q.remote_ts = {child.remote_ts[pair]};
  }
  std::vector<TypedPayload> p = {{PayloadType::kSa, phase2_sa(child, q.spi_in, sa.nat())},
                                 {PayloadType::kNonce, isakmp::NoncePayload{q.ni}}};
  if (auto g = ike::crypto_group(child.pfs); g && *g != crypto::Group::kNone) {
    auto dh = crypto::KeyExchange::generate(*g);
    if (!dh) return;
    q.dh = std::move(*dh);
    p.push_back({PayloadType::kKe, isakmp::KePayload{q.dh->public_value()}});
  }
  p.push_back({PayloadType::kId, client_id(q.local_ts[0])});
  p.push_back({PayloadType::kId, client_id(q.remote_ts[0])});
  auto h = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {be32(mid), chain_bytes(p)});
  if (!h) return;
  p.insert(p.begin(), {PayloadType::kHash, isakmp::HashPayload{Bytes(h->view().begin(), h->view().end())}});
  isakmp::Header hd;
  hd.cookie_i = sa.cky_i;
  hd.cookie_r = sa.cky_r;
  hd.exchange = isakmp::ExchangeType::kQuickMode;
  hd.message_id = mid;
  auto data = seal(sa, hd, p, q.iv);
  if (!data) return;
  auto& stored = sa.quick[mid] = std::move(q);
  send(sa, stored.flight, std::move(*data), true, out);
}

void EngineImpl::qm_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  const uint32_t mid = m.header.message_id;
  auto failed = [&](const std::string& why) {
    log::event("CRYPTO", log::Level::kInfo, "IKMP_MODE_FAILURE",
               fmt("Processing of Quick mode failed with peer at {}", sa.remote.addr.str()));
    log::debug(fmt("IKEv1: Quick Mode {:016x} with {}: {}", uint64_t(mid), sa.remote.str(), why));
  };
  if (sa.state != MmState::kReady || !m.header.encrypted() || mid == 0) {
    ++stats_.rx_dropped_malformed;
    return;
  }
  auto it = sa.quick.find(mid);
  bool fresh = it == sa.quick.end();
  Bytes iv;
  if (fresh) {
    auto v = exchange_iv(sa, mid);
    if (!v) return;
    iv = *v;
  } else {
    iv = it->second.iv;
  }
  Bytes next_iv;
  auto plain = open(sa, m, iv, next_iv);
  if (!plain) return failed(plain.error().message);
  auto chain = isakmp::parse_payload_chain(m.header.next_payload, *plain, true);
  if (!chain || chain->empty() || chain->front().type != PayloadType::kHash) {
    ++stats_.rx_dropped_malformed;
    return failed(chain ? "no HASH first" : chain.error().message);
  }
  auto& hash = std::get<isakmp::HashPayload>(chain->front().body);
  size_t after = chain->front().wire_offset + chain->front().wire_size;
  size_t end = chain->back().wire_offset + chain->back().wire_size;
  ByteView rest = ByteView(*plain).subspan(after, end - after);
  auto verify = [&](const Result<Secret>& want) {
    if (want && want->equals(hash.data)) return true;
    ++stats_.rx_dropped_auth;
    log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
               fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
    return false;
  };
  auto* sa_p = isakmp::find_payload<isakmp::SaPayload>(*chain, PayloadType::kSa);
  auto* nonce = isakmp::find_payload<isakmp::NoncePayload>(*chain, PayloadType::kNonce);
  auto* ke = isakmp::find_payload<isakmp::KePayload>(*chain, PayloadType::kKe);
  std::vector<const isakmp::IdPayload*> ids;
  for (auto& p : *chain)
    if (auto* id = std::get_if<isakmp::IdPayload>(&p.body)) ids.push_back(id);
  const Bytes mid_b = be32(mid);

  if (fresh) {  // R: message 1
    if (!verify(ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {mid_b, rest}))) return;
    if (!sa_p || !nonce || (ids.size() != 0 && ids.size() != 2)) return failed("message 1 without SA or nonce");
    if (!sa.child) sa.child = policy_.child_for_peer(sa.local.addr, sa.remote.addr);
    if (!sa.child) return failed("no tunnel interface protects this peer with ISAKMP");
    // A crypto map entry naming an ISAKMP profile serves only SAs that
    // matched it (IOS: the map's profile must be the SA's).
    if (const auto want = policy_.map_profile(sa.local.addr, sa.remote.addr); !want.empty() && want != sa.profile) {
      log::warn(fmt("IKEv1: Quick Mode from {} refused: its crypto map entry ({}) needs ISAKMP profile {}, ISAKMP SA "
                    "{} matched {}",
                    sa.remote.str(), sa.child->interface, want, sa.conn_id, sa.profile.empty() ? "none" : sa.profile));
      sa.child.reset();
      return failed("ISAKMP profile mismatch");
    }
    auto choice = choose_phase2(*sa_p, *sa.child);
    if (!choice) {
      ++stats_.no_proposal_chosen;
      failed("no transform set matches");
      info_send(sa, {{PayloadType::kNotify, isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kEsp,
                                                                  sa_p->proposals.front().spi,
                                                                  uint16_t(isakmp::NotifyType::kNoProposalChosen), {}}}},
                out);
      return;
    }
    QuickMode q;
    q.mid = mid;
    q.iv = next_iv;
    q.ni = nonce->data;
    q.nr = random_bytes(kNonceSize);
    q.spi_in = random_spi();
    q.spi_out = choice->peer_spi;
    q.suite = choice->suite;
    q.lifetime_s = choice->lifetime_s;
    std::vector<TypedPayload> p;
    isakmp::SaPayload reply;
    reply.proposals = {choice->proposal};
    reply.proposals[0].spi = be32(q.spi_in);
    p.push_back({PayloadType::kSa, std::move(reply)});
    p.push_back({PayloadType::kNonce, isakmp::NoncePayload{q.nr}});
    if (choice->pfs != crypto::Group::kNone) {
      if (!ke) return failed("PFS without KE");
      auto dh = crypto::KeyExchange::generate(choice->pfs);
      if (!dh) return failed(dh.error().message);
      auto g = (*dh)->shared_secret(ke->data);
      if (!g) return failed(g.error().message);
      q.g_qm = std::move(*g);
      p.push_back({PayloadType::kKe, isakmp::KePayload{(*dh)->public_value()}});
    }
    if (ids.size() == 2) {
      auto r = selector_of(*ids[0]), l = selector_of(*ids[1]);
      if (!r || !l) return failed("client IDs of a type keygate does not use");
      if (auto why = ezvpn_quick_refusal(sa, *r); !why.empty()) return failed("Easy VPN client: " + why);
      q.remote_ts = {*r};
      q.local_ts = {*l};
      p.push_back({PayloadType::kId, *ids[0]});
      p.push_back({PayloadType::kId, *ids[1]});
    } else {  // RFC 2409 §5.5: no IDs means the ISAKMP peers' addresses
      if (auto why = ezvpn_quick_refusal(sa, host(sa.remote.addr)); !why.empty()) return failed("Easy VPN client: " + why);
      q.remote_ts = {host(sa.remote.addr)};
      q.local_ts = {host(sa.local.addr)};
    }
    if (!allowed_identities(*sa.child, q.local_ts[0], q.remote_ts[0])) {
      // A configuration mismatch the operator must see, not only in debug.
      log::info(fmt("IKEv1: Quick Mode from {}: proxy identities {}-{} <-> {}-{} are not permitted by the access list",
                    sa.remote.addr.str(), q.local_ts[0].start.str(), q.local_ts[0].end.str(),
                    q.remote_ts[0].start.str(), q.remote_ts[0].end.str()));
      failed("proxy identities not permitted");
      info_send(sa, {{PayloadType::kNotify, isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kEsp,
                                                                  sa_p->proposals.front().spi,
                                                                  uint16_t(isakmp::NotifyType::kInvalidIdInformation), {}}}},
                out);
      return;
    }
    // Which ACL line's pair this is, as if we had proposed it: a packet of
    // a line without an SA then negotiates that line only
    // (qm_initiate_missing), not one the peer already brought up.
    if (paired(*sa.child))
      for (size_t i = 0; i < sa.child->local_ts.size(); ++i)
        if (covers(sa.child->local_ts[i], q.local_ts[0]) && covers(sa.child->remote_ts[i], q.remote_ts[0])) {
          q.pair = i;
          break;
        }
    auto h = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {mid_b, q.ni, chain_bytes(p)});
    if (!h) return;
    p.insert(p.begin(), {PayloadType::kHash, isakmp::HashPayload{Bytes(h->view().begin(), h->view().end())}});
    isakmp::Header hd = m.header;
    auto data = seal(sa, hd, p, q.iv);
    if (!data) return;
    auto& stored = sa.quick[mid] = std::move(q);
    stored.flight.last_rx.assign(raw.begin(), raw.end());
    send(sa, stored.flight, std::move(*data), true, out);
    return;
  }

  QuickMode& q = it->second;
  if (q.done) return;
  if (q.initiator) {  // I: message 2
    if (!nonce || !verify(ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {mid_b, q.ni, rest}))) return;
    if (!sa_p) return failed("message 2 without SA");
    auto choice = choose_phase2(*sa_p, *sa.child);
    if (!choice || sa_p->proposals.size() != 1 || sa_p->proposals[0].transforms.size() != 1)
      return failed("the responder's SA is not one we offered");
    q.iv = next_iv;
    q.nr = nonce->data;
    q.spi_out = choice->peer_spi;
    q.suite = choice->suite;
    q.lifetime_s = choice->lifetime_s;
    if (q.dh) {
      if (!ke) return failed("PFS configured but no KE in message 2");
      auto g = q.dh->shared_secret(ke->data);
      if (!g) return failed(g.error().message);
      q.g_qm = std::move(*g);
    }
    const uint8_t zero = 0;
    auto h = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {ByteView(&zero, 1), mid_b, q.ni, q.nr});
    if (!h) return;
    std::vector<TypedPayload> p = {{PayloadType::kHash, isakmp::HashPayload{Bytes(h->view().begin(), h->view().end())}}};
    auto data = seal(sa, m.header, p, q.iv);
    if (!data) return;
    q.flight.last_rx.assign(raw.begin(), raw.end());
    send(sa, q.flight, std::move(*data), false, out);
    qm_install(sa, q, out);
    return;
  }
  // R: message 3
  const uint8_t zero = 0;
  if (!verify(ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {ByteView(&zero, 1), mid_b, q.ni, q.nr}))) return;
  q.iv = next_iv;
  q.flight.awaiting = false;  // message 3 answers nothing: last_rx stays message 1
  qm_install(sa, q, out);
}

void EngineImpl::qm_install(IsakmpSa& sa, QuickMode& q, std::vector<Action>& out) {
  const size_t ek = q.suite.encr_key_size(), ik = q.suite.integ_key_size();
  const uint8_t esp = uint8_t(isakmp::ProtocolId::kEsp);
  // KEYMAT per direction, keyed by that direction's SPI (the receiver's choice).
  auto in = ck::keymat(sa.policy.hash, sa.keys.skeyid_d.view(), q.g_qm.view(), esp, q.spi_in,
                       q.ni, q.nr, ek + ik);
  auto outk = ck::keymat(sa.policy.hash, sa.keys.skeyid_d.view(), q.g_qm.view(), esp, q.spi_out, q.ni, q.nr, ek + ik);
  if (!in || !outk) return;
  ike::InstallChildSa c;
  c.interface = sa.child ? sa.child->interface : "";
  c.ike_spi_i = sa.cky_i;
  c.spi_in = q.spi_in;
  c.spi_out = q.spi_out;
  c.suite = q.suite;
  c.udp_encap = sa.nat();
  // With a NAT, the ISAKMP SA already runs on UDP 4500 (the peer's mapped port).
  c.local = sa.nat() ? sa.local : Endpoint{sa.local.addr, 0};
  c.remote = sa.nat() ? sa.remote : Endpoint{sa.remote.addr, 0};
  c.peer_may_float = sa.nat_remote && !sa.nat_local;
  c.local_ts = q.local_ts;
  c.remote_ts = q.remote_ts;
  c.replay_window = sa.child ? sa.child->replay_window : 64;
  c.lifetime_s = q.lifetime_s;
  c.encr_in = in->slice(0, ek);
  c.integ_in = in->slice(ek, ik);
  c.encr_out = outk->slice(0, ek);
  c.integ_out = outk->slice(ek, ik);
  q.done = true;
  const auto life = std::chrono::seconds(q.lifetime_s);
  // The IPsec SA is the session's: a Quick Mode on an Easy VPN client's
  // ISAKMP SA that a reauthentication took over adds to the new SA's.
  IsakmpSa& holder = session_holder(sa);
  if (!holder.child) holder.child = sa.child;
  c.ike_spi_i = holder.cky_i;
  holder.children.push_back({q.spi_in, q.spi_out, clock_.now() + life,
                             clock_.now() + std::chrono::duration_cast<Millis>(life * 9 / 10), !q.initiator, q.pair});
  log::debug(fmt("IKEv1: IPsec SA with {} installed, SPI in {} out {}{}", sa.remote.str(), uint64_t(q.spi_in),
                 uint64_t(q.spi_out), &holder == &sa ? "" : fmt(", held by ISAKMP SA {}", holder.conn_id)));
  out.push_back(std::move(c));
  session_change(holder, true, out);
}

}  // namespace kg::ikev1
