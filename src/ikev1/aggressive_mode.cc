// Aggressive Mode (RFC 2409 §5, §5.4; with signatures §5.1), both roles,
// with NAT detection (RFC 3947 §3.2):
//
//   Initiator                          Responder
//   HDR, SA, KE, Ni, IDii [, CERTREQ], VID  -->
//                <--  HDR, SA, KE, Nr, IDir, NAT-D, NAT-D, HASH_R | [CERT,] SIG_R [, CERTREQ], VID
//   HDR*, HASH_I | [CERT,] SIG_I, NAT-D, NAT-D  -->    (UDP 4500 once a NAT is seen)
//
// Message 1 fixes the Diffie-Hellman group (its KE), so an initiator offers
// only the policies of its first usable policy's group. Message 3 goes
// encrypted, as strongSwan and Cisco send it (strongSwan requires it); a
// responder takes it in clear too, as RFC 2409 draws it.
//
// Initiator: a crypto isakmp peer entry (seed 001) gives the identity (its
// client-endpoint) and the pre-shared key (its aggressive-mode password);
// `initiate mode aggressive` in a crypto map's ISAKMP profile keeps the
// identity and authentication Main Mode would use (pre-share, rsa-sig or
// ecdsa-sig).
//
// Responder, as Easy VPN clients (Cisco's, strongSwan's) open it: the
// identity comes in clear in message 1, so the responder picks the key by
// it: an ID_KEY_ID names the client configuration group whose `key` is the
// pre-shared key (crypto isakmp client configuration group); other
// identities find theirs in a crypto keyring or crypto isakmp key. The
// client may offer the XAUTH variant of pre-shared key authentication
// (65001, draft-beaulieu §4): it matches a pre-share policy, and phase 1 is
// followed by XAUTH and mode configuration (xauth_mode_config.cc). An
// rsa-sig or ECDSA offer (we can sign) is a site-to-site peer: its certificate is
// checked as in Main Mode (sig_auth.cc) and Quick Mode follows.
#include "common/log.h"
#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;
using isakmp::PayloadType;
using isakmp::TypedPayload;

namespace {

const Bytes kVidXauth = *from_hex("09002689dfd6b712");
const Bytes kVidUnity = *from_hex("12f5f28c457168a9702d9fe274cc0100");

isakmp::Header am_header(const IsakmpSa& sa) {
  isakmp::Header h;
  h.cookie_i = sa.cky_i;
  h.cookie_r = sa.cky_r;
  h.exchange = isakmp::ExchangeType::kAggressive;
  return h;
}

// The body of payload `p` of an unencrypted message (IDii_b, SAi_b).
ByteView clear_body(ByteView raw, const TypedPayload& p) {
  return raw.subspan(isakmp::kHeaderSize + p.wire_offset + isakmp::kGenericPayloadHeaderSize,
                     p.wire_size - isakmp::kGenericPayloadHeaderSize);
}

const TypedPayload* first_of(const std::vector<TypedPayload>& v, PayloadType t) {
  for (auto& p : v)
    if (p.type == t) return &p;
  return nullptr;
}

bool offers(const isakmp::SaPayload& offer, bool (*auth)(isakmp::P1Auth)) {
  for (auto& prop : offer.proposals)
    for (auto& t : prop.transforms)
      for (auto& a : t.attributes)
        if (a.type == uint16_t(isakmp::P1Attr::kAuthMethod) && a.basic && auth(isakmp::P1Auth(a.basic_value)))
          return true;
  return false;
}

bool offers(const isakmp::SaPayload& offer, isakmp::P1Auth auth) {
  for (auto& prop : offer.proposals)
    for (auto& t : prop.transforms)
      for (auto& a : t.attributes)
        if (a.type == uint16_t(isakmp::P1Attr::kAuthMethod) && a.basic && a.basic_value == uint16_t(auth)) return true;
  return false;
}

}  // namespace

void aggressive_disabled_log(const Endpoint& remote) {
  // Seed 001 (crypto isakmp aggressive-mode disable): the syslog notification.
  log::event("CRYPTO", log::Level::kWarning, "IKMP_AG_MODE_DISABLED",
             "Unable to initiate or respond to Aggressive Mode while disabled (peer " + remote.addr.str() + ")");
}

// ---- initiator ----

void EngineImpl::am_initiate(IsakmpSa& sa, std::vector<Action>& out) {
  sa.aggressive = true;
  std::vector<IsakmpPolicy> usable;
  if (sa.am_peer) {  // its password: pre-share policies only
    sa.psk = sa.am_peer->psk;
    for (auto& pol : policy_.policies())
      if (pol.auth == isakmp::P1Auth::kPreSharedKey && ck::cbc_block_size(pol.encr)) usable.push_back(pol);
  } else {
    usable = usable_policies(sa, true);
  }
  for (auto& pol : usable)
    if (pol.group == usable.front().group) sa.offered.push_back(pol);
  if (sa.offered.empty()) {
    log::warn(fmt("IKEv1: no ISAKMP policy to offer {} in Aggressive Mode: pre-share needs a key for it (crypto "
                  "isakmp peer's aggressive-mode password, crypto isakmp key ... address), rsa-sig a trustpoint "
                  "with an RSA certificate and key, ecdsa-sig one with an ECDSA certificate and key",
                  sa.remote.addr.str()));
    return remove_sa(sa, false, out);
  }
  sa.policy = sa.offered.front();
  if (!new_dh(sa)) return remove_sa(sa, false, out);
  sa.g_xi = sa.dh->public_value();
  sa.ni = random_bytes(kNonceSize);
  auto offer = phase1_sa(sa.offered);
  ByteWriter w;
  isakmp::write_sa(offer, w);
  sa.sa_i = w.take();
  auto first_sig = std::find_if(sa.offered.begin(), sa.offered.end(),
                                [](const IsakmpPolicy& p) { return signature_auth(p.auth); });
  const bool sig = first_sig != sa.offered.end();
  if (sig) sa.signer = pick_signer(sa, first_sig->auth);  // before our_id: identity dn names its certificate
  isakmp::IdPayload id = our_id(sa);
  if (sa.am_peer) {
    id.type = sa.am_peer->id_type;
    id.data = sa.am_peer->id;
  }
  sa.am_id_i = id.body();
  std::vector<TypedPayload> p = {{PayloadType::kSa, std::move(offer)},
                                 {PayloadType::kKe, isakmp::KePayload{sa.g_xi}},
                                 {PayloadType::kNonce, isakmp::NoncePayload{sa.ni}},
                                 {PayloadType::kId, std::move(id)}};
  if (sig)  // §5.1: whose certificates we can check, so that the responder sends its own
    for (auto& r : cert_requests()) p.push_back(std::move(r));
  p.push_back({PayloadType::kVendorId, rfc3947_vid()});
  if (policy_.fragmentation()) p.push_back({PayloadType::kVendorId, fragmentation_vid()});
  if (policy_.dpd_configured()) p.push_back({PayloadType::kVendorId, dpd_vid()});
  log::debug(fmt("IKEv1: ISAKMP SA {}: Aggressive Mode to {} as {}", sa.conn_id, sa.remote.str(),
                 sa.am_peer ? "crypto isakmp peer's client-endpoint" : "our identity"));
  send(sa, sa.flight, isakmp::encode_message(am_header(sa), p), true, out);
}

// Message 2: the chosen policy, the keys, the responder's proof; then
// message 3 with ours, and Quick Mode.
void EngineImpl::am_initiator_reply(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  if (sa.state != MmState::kSaSent) return;
  auto* reply = isakmp::find_payload<isakmp::SaPayload>(m.payloads, PayloadType::kSa);
  auto* ke = isakmp::find_payload<isakmp::KePayload>(m.payloads, PayloadType::kKe);
  auto* nonce = isakmp::find_payload<isakmp::NoncePayload>(m.payloads, PayloadType::kNonce);
  const TypedPayload* id = first_of(m.payloads, PayloadType::kId);
  if (m.header.encrypted() || !reply || !ke || !nonce || !id) {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: Aggressive Mode message 2 from {} lacks SA, KE, nonce or ID", sa.remote.str()));
    return;
  }
  auto chosen = accepted_phase1(*reply, sa.offered);
  if (!chosen) {
    ++stats_.no_proposal_chosen;
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  sa.policy = *chosen;
  sa.expires = clock_.now() + std::chrono::seconds(sa.policy.lifetime_s);
  sa.peer_natt = sent_rfc3947(m);
  sa.peer_frag = policy_.fragmentation() && sent_fragmentation_vid(m);
  sa.peer_dpd = sent_dpd_vid(m);
  sa.g_xr = ke->data;
  sa.nr = nonce->data;
  note_cert_requests(sa, m.payloads);
  if (auto k = derive_keys_with(sa, sa.g_xr); !k) {
    log::warn(fmt("IKEv1: Aggressive Mode with {}: {}", sa.remote.addr.str(), k.error().message));
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  natd_check(sa, m.payloads);
  if (!check_proof(sa, m.payloads, false, std::get<isakmp::IdPayload>(id->body), clear_body(raw, *id))) {
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  if (sa.nat()) {  // RFC 3947 §4: float to port 4500 from message 3 on
    sa.local = natt_port(sa.local);
    sa.remote = natt_port(sa.remote);
  }
  auto proof = auth_proof(sa, true, sa.am_id_i);
  if (!proof) return remove_sa(sa, false, out);
  std::vector<TypedPayload> p = std::move(*proof);
  if (sa.peer_natt)
    for (auto& d : natd_payloads(sa)) p.push_back(std::move(d));
  if (!sa.replaces) p.push_back(initial_contact_payload(sa));
  auto data = seal(sa, am_header(sa), p, sa.iv);
  if (!data) {
    log::warn(fmt("IKEv1: cannot encrypt for {}: {}", sa.remote.str(), data.error().message));
    return remove_sa(sa, false, out);
  }
  sa.state = MmState::kReady;
  // Message 3 answers message 2 and expects nothing: a repeated message 2
  // gets it again.
  send(sa, sa.flight, std::move(*data), false, out);
  sa.flight.last_rx.assign(raw.begin(), raw.end());
  log::debug(fmt("IKEv1: ISAKMP SA {} with {} Id: {} authenticated in Aggressive Mode (initiator)", sa.conn_id,
                 sa.remote.str(), sa.remote_id));
  phase1_initiator_done(sa, out);
}

// ---- responder ----

// Message 1: the authentication the offer and our configuration allow, the
// key (pre-share: by the identity; `looked_up`: the group with its key from
// RADIUS, given by am_resume), message 2.
void EngineImpl::am_respond(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out,
                            std::optional<EzvpnPeer> looked_up) {
  sa.aggressive = true;
  auto* sa_p = isakmp::find_payload<isakmp::SaPayload>(m.payloads, PayloadType::kSa);
  auto* ke = isakmp::find_payload<isakmp::KePayload>(m.payloads, PayloadType::kKe);
  auto* nonce = isakmp::find_payload<isakmp::NoncePayload>(m.payloads, PayloadType::kNonce);
  const TypedPayload* id_tp = first_of(m.payloads, PayloadType::kId);
  if (!sa_p || !ke || !nonce || !id_tp || m.payloads.front().type != PayloadType::kSa) {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: Aggressive Mode message 1 from {} lacks SA, KE, nonce or ID", sa.remote.str()));
    return remove_sa(sa, false, out);
  }
  const auto& id = std::get<isakmp::IdPayload>(id_tp->body);
  sa.am_peer_id = id;
  auto id_b = clear_body(raw, *id_tp);
  sa.am_id_i.assign(id_b.begin(), id_b.end());
  sa.remote_id = id_text(id);
  // XAUTH variants of pre-shared key authentication match a pre-share policy.
  isakmp::SaPayload offer = *sa_p;
  for (auto& prop : offer.proposals)
    for (auto& t : prop.transforms)
      for (auto& a : t.attributes)
        if (a.type == uint16_t(isakmp::P1Attr::kAuthMethod) && a.basic &&
            a.basic_value == uint16_t(isakmp::P1Auth::kXauthInitPreShared))
          a.basic_value = uint16_t(isakmp::P1Auth::kPreSharedKey);
  const bool sig = (offers(offer, isakmp::P1Auth::kRsaSig) && can_sign(isakmp::P1Auth::kRsaSig)) ||
                   (offers(offer, ecdsa_auth) && our_ecdsa_method());
  auto peer = looked_up                                      ? std::move(looked_up)
              : offers(offer, isakmp::P1Auth::kPreSharedKey) ? policy_.ezvpn_peer(sa.local.addr, sa.remote.addr, id.type, sa.remote_id)
                                                             : std::nullopt;
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
  if (!peer && !sig) {
    log::event("CRYPTO", log::Level::kWarning, "IKMP_NO_PRESHARED_KEY",
               fmt("No pre-shared key for peer {} Id: {} (no client configuration group, keyring or isakmp key)",
                   sa.remote.addr.str(), sa.remote_id));
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  auto choice = choose_phase1(offer, usable_policies(false, peer.has_value()));
  if (!choice) {
    ++stats_.no_proposal_chosen;
    log::debug(fmt("IKEv1: atts are not acceptable: no ISAKMP policy matches {}'s Aggressive Mode offer",
                   sa.remote.addr.str()));
    mode_failure(sa);
    info_send(sa, {{PayloadType::kNotify, isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kIsakmp, {},
                                                                uint16_t(isakmp::NotifyType::kNoProposalChosen), {}}}},
              out);
    return remove_sa(sa, false, out);
  }
  const bool psk = choice->policy.auth == isakmp::P1Auth::kPreSharedKey;
  // max-users (seed 001, Session Monitoring and Limiting): the group's
  // sessions, this one not yet among them. One configured session from the
  // same address is this client's own: strongSwan renews its ISAKMP SA by
  // reauthenticating, and the new SA takes that session over
  // (ezvpn_predecessor), so it is no extra user.
  if (psk && peer->max_users && !peer->group.empty()) {
    uint32_t n = 0;
    bool own = false;
    for (auto& [cid, other] : sas_) {
      if (other.get() == &sa || !other->ez || other->ez->peer.group != peer->group ||
          std::find(dead_.begin(), dead_.end(), cid) != dead_.end())
        continue;
      if (!own && other->remote.addr == sa.remote.addr && other->ez->step == EzvpnState::Step::kReady) own = true;
      else ++n;
    }
    if (n >= *peer->max_users) {
      log::event("CRYPTO", log::Level::kWarning, "EZVPN_MAX_USERS",
                 fmt("Group {} has reached its max-users limit of {}: connection from {} refused", peer->group,
                     *peer->max_users, sa.remote.addr.str()));
      mode_failure(sa);
      return remove_sa(sa, false, out);
    }
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
  auto sa_b = clear_body(raw, m.payloads.front());
  sa.sa_i.assign(sa_b.begin(), sa_b.end());
  sa.peer_natt = sent_rfc3947(m);
  sa.peer_dpd = sent_dpd_vid(m);
  sa.g_xi = ke->data;
  sa.ni = nonce->data;
  if (!new_dh(sa)) return remove_sa(sa, false, out);
  sa.g_xr = sa.dh->public_value();
  sa.nr = random_bytes(kNonceSize);
  if (psk) {
    sa.psk = peer->psk;
    if (peer->child) sa.child = peer->child;
    // A group or an ISAKMP profile makes it an Easy VPN client (XAUTH, mode
    // configuration); a key by address alone, a site-to-site peer, whose
    // IPsec SAs move to its next ISAKMP SA like Main Mode's (phase1_rekey.cc).
    if (!peer->group.empty() || !peer->profile.empty() || !peer->auth_list.empty() || peer->push_config) {
      sa.ez = std::make_unique<EzvpnState>();
      sa.ez->peer = std::move(*peer);
    }
  } else {
    note_cert_requests(sa, m.payloads);
    sa.signer = pick_signer(sa, sa.policy.auth);
  }
  // Keys (RFC 2409 §5): SKEYID by the authentication method.
  if (auto k = derive_keys_with(sa, sa.g_xi); !k) {
    log::warn(fmt("IKEv1: Aggressive Mode with {}: {}", sa.remote.addr.str(), k.error().message));
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  // Our identity (a profile's self-identity): the Easy VPN peer's profile,
  // else the one message 1's identity matches (matched again once message 3
  // proves that identity).
  const std::string id_profile = sa.ez ? sa.ez->peer.profile
                                        : policy_.match_profile(sa.local.addr, sa.remote.addr, sa.am_peer_id.type,
                                                                id_text(sa.am_peer_id));
  auto our = our_id(sa, id_profile);
  auto proof = auth_proof(sa, false, our.body());
  if (!proof) return remove_sa(sa, false, out);
  isakmp::SaPayload reply;
  reply.doi = sa_p->doi;
  reply.situation = sa_p->situation;
  reply.proposals = {echo.transforms.empty() ? choice->proposal : echo};
  std::vector<TypedPayload> p = {{PayloadType::kSa, std::move(reply)},
                                 {PayloadType::kKe, isakmp::KePayload{sa.g_xr}},
                                 {PayloadType::kNonce, isakmp::NoncePayload{sa.nr}},
                                 {PayloadType::kId, std::move(our)}};
  if (sa.peer_natt)
    for (auto& d : natd_payloads(sa)) p.push_back(std::move(d));
  for (auto& x : *proof) p.push_back(std::move(x));
  if (!psk)  // §5.1: so that the initiator sends its certificate
    for (auto& r : cert_requests()) p.push_back(std::move(r));
  if (sa.peer_natt) p.push_back({PayloadType::kVendorId, rfc3947_vid()});
  sa.peer_frag = policy_.fragmentation() && sent_fragmentation_vid(m);
  if (sa.peer_frag) p.push_back({PayloadType::kVendorId, fragmentation_vid()});
  p.push_back({PayloadType::kVendorId, isakmp::VendorIdPayload{kVidXauth}});
  p.push_back({PayloadType::kVendorId, isakmp::VendorIdPayload{kVidUnity}});
  p.push_back({PayloadType::kVendorId, dpd_vid()});  // Easy VPN clients expect it, configured or not
  sa.state = MmState::kKeDone;
  sa.flight.last_rx.assign(raw.begin(), raw.end());
  send(sa, sa.flight, isakmp::encode_message(am_header(sa), p), true, out);
}

// The group's key from RADIUS: message 1 is answered now, or the SA goes.
void EngineImpl::am_resume(IsakmpSa& sa, ike::PeerKeys keys, std::vector<Action>& out) {
  EzvpnPeer peer = std::move(sa.ez->peer);
  Secret key = !keys.remote.empty() ? std::move(keys.remote) : std::move(keys.local);
  if (keys.error.empty() && key.empty()) keys.error = "no key";
  if (!keys.error.empty()) {
    log::event("CRYPTO", log::Level::kWarning, "EZVPN_GROUP_AUTHOR_FAILED",
               fmt("Authorization of group {} for peer {} failed: {}", sa.remote_id, sa.remote.addr.str(), keys.error));
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  log::debug(fmt("IKEv1: {}: group {} authorized, its key is in", sa.remote.addr.str(), sa.remote_id));
  Bytes raw = std::move(sa.ez->msg1);
  sa.ez.reset();
  peer.psk = std::move(key);
  policy_.ezvpn_group_authorized(peer);  // its limits (max-users, checked in am_respond; max-logins)
  auto m = isakmp::parse_message(raw);
  if (!m) return remove_sa(sa, false, out);
  am_respond(sa, *m, raw, out, std::move(peer));
  if (sa.state == MmState::kKeDone) sa.expires = clock_.now() + std::chrono::seconds(sa.policy.lifetime_s);
}

void EngineImpl::am_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  if (sa.initiator) am_initiator_reply(sa, m, raw, out);
  else am_responder_auth(sa, m, raw, out);
}

// Message 3: HASH_I or [CERT,] SIG_I (encrypted, as strongSwan and Cisco
// clients send it, or in clear as RFC 2409 draws it), NAT-D.
void EngineImpl::am_responder_auth(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  if (sa.state != MmState::kKeDone) return;
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
  // HASH_I / SIG_I cover IDii_b as message 1 carried it.
  if (!check_proof(sa, chain, true, sa.am_peer_id, sa.am_id_i)) {
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  if (m.header.encrypted()) sa.iv = std::move(next_iv);
  // The ISAKMP profile its identity matches (an Easy VPN client's came with
  // its key), which a crypto map entry's set isakmp-profile checks (as in
  // Main Mode) and whose keepalive and self-identity the SA uses.
  sa.profile = sa.ez ? sa.ez->peer.profile
                     : policy_.match_profile(sa.local.addr, sa.remote.addr, sa.am_peer_id.type, id_text(sa.am_peer_id));
  natd_check(sa, chain);
  if (isakmp::find_notify(chain, isakmp::NotifyType::kInitialContact)) initial_contact(sa, out);
  sa.state = MmState::kReady;
  sa.flight.awaiting = false;
  sa.flight.last_rx.assign(raw.begin(), raw.end());
  sa.expires = clock_.now() + std::chrono::seconds(sa.policy.lifetime_s);
  log::debug(fmt("IKEv1: ISAKMP SA {} with {} Id: {} authenticated in Aggressive Mode ({}{})", sa.conn_id,
                 sa.remote.str(), sa.remote_id,
                 !sa.ez ? "site-to-site" : sa.ez->peer.group.empty() ? "no group" : "group " + sa.ez->peer.group,
                 sa.profile.empty() ? "" : ", ISAKMP profile " + sa.profile));
  if (sa.ez) ezvpn_phase1_done(sa, out);
}

}  // namespace kg::ikev1
