// Aggressive Mode with pre-shared keys (RFC 2409 §5, §5.4), responder, as
// Easy VPN clients (Cisco's, strongSwan's) open it, with NAT detection
// (RFC 3947 §3.2):
//
//   Initiator                          Responder
//   HDR, SA, KE, Ni, IDii, VID  -->
//                          <--  HDR, SA, KE, Nr, IDir, NAT-D, NAT-D, HASH_R, VID
//   HDR*, HASH_I, NAT-D, NAT-D  -->    (UDP 4500 once a NAT is seen)
//
// The identity comes in clear in message 1, so the responder picks the key
// by it: an ID_KEY_ID names the client configuration group whose `key` is
// the pre-shared key (crypto isakmp client configuration group); other
// identities find theirs in a crypto keyring or crypto isakmp key. The
// client may offer the XAUTH variant of pre-shared key authentication
// (65001, draft-beaulieu §4): it matches a pre-share policy, and phase 1 is
// followed by XAUTH and mode configuration (xauth_mode_config.cc).
#include "common/log.h"
#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;
using isakmp::PayloadType;
using isakmp::TypedPayload;

namespace {

const Bytes kVidRfc3947 = *from_hex("4a131c81070358455c5728f20e95452f");
const Bytes kVidXauth = *from_hex("09002689dfd6b712");
const Bytes kVidUnity = *from_hex("12f5f28c457168a9702d9fe274cc0100");

bool has_vid(const std::vector<TypedPayload>& v, const Bytes& vid) {
  for (auto& p : v)
    if (auto* x = std::get_if<isakmp::VendorIdPayload>(&p.body); x && x->data == vid) return true;
  return false;
}

isakmp::Header am_header(const IsakmpSa& sa) {
  isakmp::Header h;
  h.cookie_i = sa.cky_i;
  h.cookie_r = sa.cky_r;
  h.exchange = isakmp::ExchangeType::kAggressive;
  return h;
}

std::string id_text(const isakmp::IdPayload& id) {
  switch (id.type) {
    case isakmp::IdType::kKeyId:
    case isakmp::IdType::kFqdn:
    case isakmp::IdType::kUserFqdn: return std::string(id.data.begin(), id.data.end());
    default:
      if (auto a = IpAddress::from_bytes(id.data)) return a->str();
      return "";
  }
}

void am_failure(const IsakmpSa& sa) {
  log::event("CRYPTO", log::Level::kInfo, "IKMP_MODE_FAILURE",
             fmt("Processing of Aggressive mode failed with peer at {}", sa.remote.addr.str()));
}

}  // namespace

void aggressive_disabled_log(const Endpoint& remote) {
  // Seed 001 (crypto isakmp aggressive-mode disable): the syslog notification.
  log::event("CRYPTO", log::Level::kWarning, "IKMP_AG_MODE_DISABLED",
             "Unable to initiate or respond to Aggressive Mode while disabled (peer " + remote.addr.str() + ")");
}

// Message 1: choose a policy, find the key by the identity, answer with
// message 2.
void EngineImpl::am_respond(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out,
                            std::optional<EzvpnPeer> looked_up) {
  sa.aggressive = true;
  auto* sa_p = isakmp::find_payload<isakmp::SaPayload>(m.payloads, PayloadType::kSa);
  auto* ke = isakmp::find_payload<isakmp::KePayload>(m.payloads, PayloadType::kKe);
  auto* nonce = isakmp::find_payload<isakmp::NoncePayload>(m.payloads, PayloadType::kNonce);
  auto* id = isakmp::find_payload<isakmp::IdPayload>(m.payloads, PayloadType::kId);
  if (!sa_p || !ke || !nonce || !id || m.payloads.front().type != PayloadType::kSa) {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: Aggressive Mode message 1 from {} lacks SA, KE, nonce or ID", sa.remote.str()));
    return remove_sa(sa, false, out);
  }
  sa.remote_id = id_text(*id);
  auto peer = looked_up ? std::move(looked_up) : policy_.ezvpn_peer(sa.local.addr, sa.remote.addr, id->type, sa.remote_id);
  if (peer && peer->key_source && !looked_up) {
    // The group's key is in RADIUS (isakmp authorization list): message 2
    // waits for it (am_resume); a retransmitted message 1 is ignored.
    sa.ez = std::make_unique<EzvpnState>();
    sa.ez->step = EzvpnState::Step::kGroupLookup;
    sa.ez->msg1.assign(raw.begin(), raw.end());
    sa.ez->work = next_work_id_++;
    waiting_[sa.ez->work] = sa.conn_id;
    ike::PskQuery q{peer->profile, ike::Identity{ike::IdType::kKeyId, Bytes(sa.remote_id.begin(), sa.remote_id.end())},
                    sa.local.addr, sa.remote.addr};
    log::debug(fmt("IKEv1: {}: group {} authorization asked (request {})", sa.remote.addr.str(), sa.remote_id,
                   sa.ez->work));
    auto source = peer->key_source;
    sa.ez->peer = std::move(*peer);
    out.push_back(ike::WorkRequest{sa.ez->work, ike::PskWork{std::move(source), std::move(q)}});
    return;
  }
  if (!peer) {
    log::event("CRYPTO", log::Level::kWarning, "IKMP_NO_PRESHARED_KEY",
               fmt("No pre-shared key for peer {} Id: {} (no client configuration group, keyring or isakmp key)",
                   sa.remote.addr.str(), sa.remote_id));
    am_failure(sa);
    return remove_sa(sa, false, out);
  }
  // max-users (seed 001, Session Monitoring and Limiting): the group's
  // sessions, this one not yet among them.
  if (peer->max_users && !peer->group.empty()) {
    int n = 0;
    for (auto& [cid, other] : sas_)
      if (other.get() != &sa && other->ez && other->ez->peer.group == peer->group &&
          std::find(dead_.begin(), dead_.end(), cid) == dead_.end())
        ++n;
    if (n >= peer->max_users) {
      log::event("CRYPTO", log::Level::kWarning, "EZVPN_MAX_USERS",
                 fmt("Group {} has reached its max-users limit of {}: connection from {} refused", peer->group,
                     peer->max_users, sa.remote.addr.str()));
      am_failure(sa);
      return remove_sa(sa, false, out);
    }
  }
  // XAUTH variants of pre-shared key authentication match a pre-share policy.
  isakmp::SaPayload offer = *sa_p;
  for (auto& prop : offer.proposals)
    for (auto& t : prop.transforms)
      for (auto& a : t.attributes)
        if (a.type == uint16_t(isakmp::P1Attr::kAuthMethod) && a.basic &&
            a.basic_value == uint16_t(isakmp::P1Auth::kXauthInitPreShared))
          a.basic_value = uint16_t(isakmp::P1Auth::kPreSharedKey);
  std::vector<IsakmpPolicy> ours;
  for (auto& pol : policy_.policies())
    if (pol.auth == isakmp::P1Auth::kPreSharedKey && ck::cbc_block_size(pol.encr)) ours.push_back(pol);
  auto choice = choose_phase1(offer, ours);
  if (!choice) {
    ++stats_.no_proposal_chosen;
    log::debug(fmt("IKEv1: atts are not acceptable: no ISAKMP policy matches {}'s Aggressive Mode offer",
                   sa.remote.addr.str()));
    am_failure(sa);
    info_send(sa, {{PayloadType::kNotify, isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kIsakmp, {},
                                                                uint16_t(isakmp::NotifyType::kNoProposalChosen), {}}}},
              out);
    return remove_sa(sa, false, out);
  }
  // Echo the transform as the client sent it (its auth method included).
  isakmp::Proposal echo;
  for (size_t pi = 0; pi < offer.proposals.size(); ++pi)
    for (size_t ti = 0; ti < offer.proposals[pi].transforms.size(); ++ti)
      if (const auto& t = offer.proposals[pi].transforms[ti];
          echo.transforms.empty() && t.number == choice->transform.number && t.attributes == choice->transform.attributes) {
        echo = sa_p->proposals[pi];
        echo.transforms = {sa_p->proposals[pi].transforms[ti]};
      }
  sa.policy = choice->policy;
  sa.chosen = echo.transforms.empty() ? choice->transform : echo.transforms[0];
  const TypedPayload& sa_tp = m.payloads.front();
  sa.sa_i.assign(raw.begin() + isakmp::kHeaderSize + sa_tp.wire_offset + 4,
                 raw.begin() + isakmp::kHeaderSize + sa_tp.wire_offset + sa_tp.wire_size);
  sa.peer_natt = has_vid(m.payloads, kVidRfc3947);
  sa.peer_dpd = sent_dpd_vid(m);
  sa.g_xi = ke->data;
  sa.ni = nonce->data;
  auto dh = crypto::KeyExchange::generate(sa.policy.group);
  if (!dh) {
    log::warn(fmt("IKEv1: cannot generate a key pair for group {}: {}", group_number(sa.policy.group), dh.error().message));
    return remove_sa(sa, false, out);
  }
  sa.dh = std::move(*dh);
  sa.g_xr = sa.dh->public_value();
  sa.nr = random_bytes(kNonceSize);
  // Keys (RFC 2409 §5): SKEYID from the group's key and both nonces.
  auto g_xy = sa.dh->shared_secret(sa.g_xi);
  auto skeyid = g_xy ? ck::skeyid_psk(sa.policy.hash, peer->psk.view(), sa.ni, sa.nr) : Result<Secret>(std::unexpected(g_xy.error()));
  auto keys = skeyid ? ck::derive_phase1(sa.policy.hash, skeyid->view(), g_xy->view(), sa.cky_i, sa.cky_r,
                                         sa.policy.key_bits / 8)
                     : Result<crypto::ikev1::Phase1Keys>(std::unexpected(skeyid.error()));
  auto iv = ck::phase1_iv(sa.policy.hash, sa.g_xi, sa.g_xr, sa.block());
  if (!keys || !iv) {
    log::warn(fmt("IKEv1: Aggressive Mode with {}: {}", sa.remote.addr.str(),
                  !keys ? keys.error().message : iv.error().message));
    am_failure(sa);
    return remove_sa(sa, false, out);
  }
  sa.skeyid = std::move(*skeyid);
  sa.keys = std::move(*keys);
  sa.iv = std::move(*iv);
  sa.ez = std::make_unique<EzvpnState>();
  sa.ez->peer = std::move(*peer);
  for (auto& tp : m.payloads)
    if (tp.type == PayloadType::kId) {
      sa.ez->id_i.assign(raw.begin() + isakmp::kHeaderSize + tp.wire_offset + 4,
                         raw.begin() + isakmp::kHeaderSize + tp.wire_offset + tp.wire_size);
      break;
    }
  if (sa.ez->peer.child) sa.child = sa.ez->peer.child;

  auto our = our_id(sa);
  auto hash_r = ck::auth_hash(sa.policy.hash, sa.skeyid.view(), false, sa.g_xi, sa.g_xr, sa.cky_i, sa.cky_r, sa.sa_i,
                              our.body());
  if (!hash_r) return remove_sa(sa, false, out);
  isakmp::SaPayload reply;
  reply.doi = sa_p->doi;
  reply.situation = sa_p->situation;
  reply.proposals = {echo.transforms.empty() ? choice->proposal : echo};
  std::vector<TypedPayload> p = {{PayloadType::kSa, std::move(reply)},
                                 {PayloadType::kKe, isakmp::KePayload{sa.g_xr}},
                                 {PayloadType::kNonce, isakmp::NoncePayload{sa.nr}},
                                 {PayloadType::kId, std::move(our)}};
  if (sa.peer_natt) {
    p.push_back({PayloadType::kNatD, isakmp::NatDPayload{natd_hash(sa, sa.remote)}});
    p.push_back({PayloadType::kNatD, isakmp::NatDPayload{natd_hash(sa, sa.local)}});
  }
  p.push_back({PayloadType::kHash, isakmp::HashPayload{*hash_r}});
  if (sa.peer_natt) p.push_back({PayloadType::kVendorId, isakmp::VendorIdPayload{kVidRfc3947}});
  sa.peer_frag = policy_.fragmentation() && sent_fragmentation_vid(m);
  if (sa.peer_frag) p.push_back({PayloadType::kVendorId, fragmentation_vid()});
  p.push_back({PayloadType::kVendorId, isakmp::VendorIdPayload{kVidXauth}});
  p.push_back({PayloadType::kVendorId, isakmp::VendorIdPayload{kVidUnity}});
  p.push_back({PayloadType::kVendorId, dpd_vid()});  // Easy VPN clients expect it, configured or not
  sa.state = MmState::kKeDone;
  sa.flight.last_rx.assign(raw.begin(), raw.end());
  isakmp::Header h = am_header(sa);
  send(sa, sa.flight, isakmp::encode_message(h, p), true, out);
}

// The group's key from RADIUS: message 1 is answered now, or the SA goes.
void EngineImpl::am_resume(IsakmpSa& sa, ike::PeerKeys keys, std::vector<Action>& out) {
  EzvpnPeer peer = std::move(sa.ez->peer);
  Secret key = !keys.remote.empty() ? std::move(keys.remote) : std::move(keys.local);
  if (keys.error.empty() && key.empty()) keys.error = "no key";
  if (!keys.error.empty()) {
    log::event("CRYPTO", log::Level::kWarning, "EZVPN_GROUP_AUTHOR_FAILED",
               fmt("Authorization of group {} for peer {} failed: {}", sa.remote_id, sa.remote.addr.str(), keys.error));
    am_failure(sa);
    return remove_sa(sa, false, out);
  }
  log::debug(fmt("IKEv1: {}: group {} authorized, its key is in", sa.remote.addr.str(), sa.remote_id));
  Bytes raw = std::move(sa.ez->msg1);
  sa.ez.reset();
  peer.psk = std::move(key);
  auto m = isakmp::parse_message(raw);
  if (!m) return remove_sa(sa, false, out);
  am_respond(sa, *m, raw, out, std::move(peer));
  if (sa.state == MmState::kKeDone) sa.expires = clock_.now() + std::chrono::seconds(sa.policy.lifetime_s);
}

// Message 3: HASH_I (encrypted, as strongSwan and Cisco clients send it, or
// in clear as RFC 2409 draws it), NAT-D.
void EngineImpl::am_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  if (sa.initiator || sa.state != MmState::kKeDone) return;
  std::vector<TypedPayload> chain;
  Bytes next_iv = sa.iv;
  Bytes plain;
  if (m.header.encrypted()) {
    auto pl = open(sa, m, sa.iv, next_iv);
    if (!pl) {
      ++stats_.rx_dropped_malformed;
      return;
    }
    plain = std::move(*pl);
    auto c = isakmp::parse_payload_chain(m.header.next_payload, plain, true);
    if (!c) {
      ++stats_.rx_dropped_auth;
      log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
                 fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
      log::debug(fmt("IKEv1: Aggressive Mode message 3 from {} does not parse (pre-shared key mismatch?)", sa.remote.str()));
      return;
    }
    chain = std::move(*c);
  } else {
    chain = m.payloads;
  }
  auto* hash = isakmp::find_payload<isakmp::HashPayload>(chain, PayloadType::kHash);
  if (!hash) {
    ++stats_.rx_dropped_malformed;
    return;
  }
  // HASH_I covers IDii_b as message 1 carried it.
  auto want = ck::auth_hash(sa.policy.hash, sa.skeyid.view(), true, sa.g_xi, sa.g_xr, sa.cky_i, sa.cky_r, sa.sa_i,
                            sa.ez->id_i);
  if (!want || !Secret(*want).equals(hash->data)) {
    ++stats_.rx_dropped_auth;
    log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
               fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
    log::debug(fmt("IKEv1: {}: HASH_I mismatch (the group's pre-shared key?)", sa.remote.str()));
    am_failure(sa);
    return remove_sa(sa, false, out);
  }
  if (m.header.encrypted()) sa.iv = std::move(next_iv);
  // NAT-D (RFC 3947 §3.2): the first hashes the destination as the client
  // saw it (us), the others its own address.
  std::vector<Bytes> d;
  for (auto& p : chain)
    if (auto* n = std::get_if<isakmp::NatDPayload>(&p.body)) d.push_back(n->data);
  if (sa.peer_natt && d.size() >= 2) {
    sa.nat_local = d[0] != natd_hash(sa, sa.local);
    sa.nat_remote = true;
    for (size_t i = 1; i < d.size(); ++i)
      if (d[i] == natd_hash(sa, sa.remote)) sa.nat_remote = false;
  }
  if (isakmp::find_notify(chain, isakmp::NotifyType::kInitialContact)) initial_contact(sa, out);
  sa.state = MmState::kReady;
  sa.flight.awaiting = false;
  sa.flight.last_rx.assign(raw.begin(), raw.end());
  sa.expires = clock_.now() + std::chrono::seconds(sa.policy.lifetime_s);
  log::debug(fmt("IKEv1: ISAKMP SA {} with {} Id: {} authenticated in Aggressive Mode (group {})", sa.conn_id,
                 sa.remote.str(), sa.remote_id, sa.ez->peer.group.empty() ? "none" : sa.ez->peer.group));
  ezvpn_phase1_done(sa, out);
}

}  // namespace kg::ikev1
