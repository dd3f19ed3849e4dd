// Main Mode with pre-shared keys (RFC 2409 §5, §5.4), both roles, with NAT
// detection (RFC 3947 §3); with rsa-sig or ecdsa-sig, CERTREQ, CERT and SIG take the
// places sig_auth.cc describes:
//
//   Initiator                          Responder
//   HDR, SA, VID           -->
//                          <--  HDR, SA, VID
//   HDR, KE, Ni, NAT-D, NAT-D -->
//                          <--  HDR, KE, Nr, NAT-D, NAT-D
//   HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)]  -->    (UDP 4500 once a NAT is seen)
//                          <--  HDR*, IDir, HASH_R
//
// The responder picks the pre-shared key by the peer's address, as it must:
// the identity comes encrypted with a key derived from it. Also here, shared
// with Aggressive Mode: the choice of mode, the proof (HASH or SIG) and its
// check, NAT-D, the keys.
#include "common/log.h"
#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;
using isakmp::PayloadType;
using isakmp::TypedPayload;

namespace {

ByteView body_of(ByteView chain, const TypedPayload& p) {
  return chain.subspan(p.wire_offset + isakmp::kGenericPayloadHeaderSize, p.wire_size - isakmp::kGenericPayloadHeaderSize);
}

isakmp::Header header(const IsakmpSa& sa) {
  isakmp::Header h;
  h.cookie_i = sa.cky_i;
  h.cookie_r = sa.cky_r;
  h.exchange = isakmp::ExchangeType::kIdentityProtection;
  return h;
}

}  // namespace

// MD5("RFC 3947"), RFC 3947 §3.1.
isakmp::VendorIdPayload rfc3947_vid() {
  static const Bytes vid = *from_hex("4a131c81070358455c5728f20e95452f");
  return {vid};
}

bool sent_rfc3947(const isakmp::Message& m) {
  const isakmp::VendorIdPayload vid = rfc3947_vid();
  for (auto& p : m.payloads)
    if (auto* v = std::get_if<isakmp::VendorIdPayload>(&p.body); v && v->data == vid.data) return true;
  return false;
}

// The peer's phase-1 identity as show crypto isakmp sa prints it.
std::string id_text(const isakmp::IdPayload& id) {
  switch (id.type) {
    case isakmp::IdType::kKeyId:
    case isakmp::IdType::kFqdn:
    case isakmp::IdType::kUserFqdn: return std::string(id.data.begin(), id.data.end());
    case isakmp::IdType::kDerAsn1Dn: return "DN";  // replaced by the certificate's subject once verified
    default:
      if (auto a = IpAddress::from_bytes(id.data)) return a->str();
      return "";
  }
}

void mode_failure(const IsakmpSa& sa) {
  log::event("CRYPTO", log::Level::kInfo, "IKMP_MODE_FAILURE",
             fmt("Processing of {} mode failed with peer at {}", sa.aggressive ? "Aggressive" : "Main",
                 sa.remote.addr.str()));
}

void EngineImpl::phase1_initiate(IsakmpSa& sa, bool aggressive, std::vector<Action>& out) {
  if (policy_.peer_lookup_pending(sa.remote.addr)) {
    log::info(fmt("IKEv1: phase 1 with {} waits for a crypto isakmp peer fqdn lookup; the next packet retries",
                  sa.remote.addr.str()));
    return remove_sa(sa, false, out);
  }
  sa.am_peer = policy_.aggressive_peer(sa.remote.addr);
  if (!aggressive && !sa.am_peer) return mm_initiate(sa, out);
  if (policy_.aggressive_mode_disabled()) {  // seed 001: blocked "to and from" the device
    aggressive_disabled_log(sa.remote);
    return remove_sa(sa, false, out);
  }
  am_initiate(sa, out);
}

void EngineImpl::phase1_initiator_done(IsakmpSa& sa, std::vector<Action>& out) {
  dpd_note(sa);
  if (sa.invalid_spi) invalid_spi_notify(sa, out);
  if (sa.child && !p1_rekey_done(sa, out)) qm_initiate_missing(sa, out);
}

Result<std::vector<TypedPayload>> EngineImpl::auth_proof(IsakmpSa& sa, bool initiator, ByteView id_b) {
  auto h = ck::auth_hash(auth_hash_prf(sa.policy.auth, sa.policy.hash), sa.skeyid.view(), initiator, sa.g_xi, sa.g_xr, sa.cky_i, sa.cky_r, sa.sa_i,
                         id_b);
  if (!h) return std::unexpected(h.error());
  if (!signature_auth(sa.policy.auth)) return std::vector<TypedPayload>{{PayloadType::kHash, isakmp::HashPayload{*h}}};
  auto s = sig_payloads(sa, *h);  // §5.1: [CERT,] SIG
  if (!s) log::warn(fmt("IKEv1: cannot sign for {}: {}", sa.remote.addr.str(), s.error().message));
  return s;
}

bool EngineImpl::check_proof(IsakmpSa& sa, const std::vector<TypedPayload>& chain, bool peer_is_initiator,
                             const isakmp::IdPayload& id, ByteView id_b) {
  auto bad_message = [&] {
    log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
               fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
    return false;
  };
  const bool sig = signature_auth(sa.policy.auth);
  auto* hash = isakmp::find_payload<isakmp::HashPayload>(chain, PayloadType::kHash);
  if (!sig && !hash) {
    ++stats_.rx_dropped_malformed;
    log::debug(fmt("IKEv1: {}: authentication without HASH", sa.remote.str()));
    return bad_message();
  }
  auto want = ck::auth_hash(auth_hash_prf(sa.policy.auth, sa.policy.hash), sa.skeyid.view(), peer_is_initiator, sa.g_xi, sa.g_xr, sa.cky_i, sa.cky_r,
                            sa.sa_i, id_b);
  if (sig) {
    sa.remote_id = id_text(id);
    if (!want || !verify_sig(sa, chain, id, *want)) return bad_message();
  } else if (!want || !Secret(*want).equals(hash->data)) {
    ++stats_.rx_dropped_auth;
    log::debug(fmt("IKEv1: {}: HASH_{} mismatch (pre-shared key?)", sa.remote.str(), peer_is_initiator ? "I" : "R"));
    return bad_message();
  }
  sa.remote_id = sig && sa.peer_cert && id.type == isakmp::IdType::kDerAsn1Dn ? sa.peer_cert->subject() : id_text(id);
  return true;
}

std::optional<Secret> EngineImpl::psk_for(const IsakmpSa& sa) const {
  if (sa.profile.empty()) return policy_.psk(sa.local.addr, sa.remote.addr);
  return policy_.profile_psk(sa.profile, sa.local.addr, sa.remote.addr);
}

std::vector<IsakmpPolicy> EngineImpl::usable_policies(const IsakmpSa& sa, bool initiator) const {
  return usable_policies(initiator, !initiator || psk_for(sa).has_value());
}

std::vector<IsakmpPolicy> EngineImpl::usable_policies(bool initiator, bool psk) const {
  const bool rsa = can_sign(isakmp::P1Auth::kRsaSig);
  const std::optional<isakmp::P1Auth> ecdsa = our_ecdsa_method();
  std::vector<IsakmpPolicy> v;
  for (auto& pol : policy_.policies()) {
    if (!ck::cbc_block_size(pol.encr)) continue;
    if ((pol.auth == isakmp::P1Auth::kPreSharedKey && psk) || (pol.auth == isakmp::P1Auth::kRsaSig && rsa)) {
      v.push_back(pol);
    } else if (ecdsa_auth(pol.auth) && ecdsa) {
      // RFC 4754 §4: the method names the curve. We offer our key's; we
      // answer any, as strongSwan does (sig_auth.cc).
      for (isakmp::P1Auth m : {isakmp::P1Auth::kEcdsa256, isakmp::P1Auth::kEcdsa384, isakmp::P1Auth::kEcdsa521}) {
        if (initiator && m != *ecdsa) continue;
        IsakmpPolicy p = pol;
        p.auth = m;
        v.push_back(p);
      }
    } else if (signature_auth(pol.auth)) {
      // ecdsa-sig without an ECDSA key, or rsa-sig beside an ECDSA key, is a
      // configuration mistake worth a warning; rsa-sig with no key at all is
      // also the default table's rows without a trustpoint: quietly skipped.
      std::string why = fmt("IKEv1: ISAKMP policy {} not used: {}", pol.priority, needs_key_text(pol.auth));
      if (ecdsa_auth(pol.auth) || ecdsa) log::warn(why);
      else log::debug(why);
    }
  }
  return v;
}

isakmp::IdPayload EngineImpl::our_id(const IsakmpSa& sa) const { return our_id(sa, sa.profile); }

// RFC 2407 §4.6.2.1: ID_FQDN and ID_USER_FQDN carry the name as text.
isakmp::IdPayload EngineImpl::our_id(const IsakmpSa& sa, const std::string& profile) const {
  isakmp::IdPayload id;
  id.protocol = 17;  // RFC 2407 §4.6.2: UDP port 500, or zeros
  id.port = 500;
  auto ident = policy_.identity(profile);
  if (ident.kind == LocalIdentity::Kind::kHostname || ident.kind == LocalIdentity::Kind::kUserFqdn) {
    id.type = ident.kind == LocalIdentity::Kind::kHostname ? isakmp::IdType::kFqdn : isakmp::IdType::kUserFqdn;
    id.data.assign(ident.hostname.begin(), ident.hostname.end());
  } else if (ident.kind == LocalIdentity::Kind::kDn && sa.signer && sa.signer->cert) {
    id.type = isakmp::IdType::kDerAsn1Dn;  // the subject of the certificate we send
    id.data = sa.signer->cert->subject_der();
  } else {
    id.type = sa.local.addr.is_v4() ? isakmp::IdType::kIpv4Addr : isakmp::IdType::kIpv6Addr;
    id.data.assign(sa.local.addr.bytes().begin(), sa.local.addr.bytes().end());
  }
  return id;
}

// RFC 3947 §3.2: HASH = hash(CKY-I | CKY-R | IP | Port)
Bytes EngineImpl::natd_hash(const IsakmpSa& sa, const Endpoint& e) const {
  ByteWriter w;
  w.u64(sa.cky_i);
  w.u64(sa.cky_r);
  w.bytes(e.addr.bytes());
  w.u16(e.port);
  return ck::digest(sa.policy.hash, {w.data()}).value_or(Bytes{});
}

Result<void> EngineImpl::derive_keys_with(IsakmpSa& sa, const Bytes& peer_ke) {
  auto g_xy = sa.dh->shared_secret(peer_ke);
  if (!g_xy) return std::unexpected(g_xy.error());
  return derive_keys(sa, *g_xy);
}

Result<void> EngineImpl::derive_keys(IsakmpSa& sa, const Secret& g_xy) {
  bool sig = signature_auth(sa.policy.auth);
  auto psk = sig ? std::optional<Secret>(Secret{}) : sa.psk ? sa.psk : psk_for(sa);
  if (!psk) return fail(Errc::kNotFound, "no pre-shared key for " + sa.remote.addr.str());
  // §5: SKEYID by the authentication method.
  auto skeyid = sig ? ck::skeyid_sig(sa.policy.hash, sa.ni, sa.nr, g_xy.view())
                    : ck::skeyid_psk(sa.policy.hash, psk->view(), sa.ni, sa.nr);
  if (!skeyid) return std::unexpected(skeyid.error());
  auto keys = ck::derive_phase1(sa.policy.hash, skeyid->view(), g_xy.view(), sa.cky_i, sa.cky_r, sa.policy.key_bits / 8);
  if (!keys) return std::unexpected(keys.error());
  auto iv = ck::phase1_iv(sa.policy.hash, sa.g_xi, sa.g_xr, sa.block());
  if (!iv) return std::unexpected(iv.error());
  sa.skeyid = std::move(*skeyid);
  sa.keys = std::move(*keys);
  sa.iv = std::move(*iv);
  return {};
}

void EngineImpl::mm_initiate(IsakmpSa& sa, std::vector<Action>& out) {
  sa.offered = usable_policies(sa, true);
  if (sa.offered.empty()) {
    log::warn(fmt("IKEv1: no ISAKMP policy to offer {}: pre-share needs a key for it (crypto isakmp key ... "
                  "address), rsa-sig a trustpoint with an RSA certificate and key, ecdsa-sig one with an ECDSA "
                  "certificate and key",
                  sa.remote.addr.str()));
    remove_sa(sa, false, out);
    return;
  }
  auto offer = phase1_sa(sa.offered);
  ByteWriter w;
  isakmp::write_sa(offer, w);
  sa.sa_i = w.take();
  std::vector<TypedPayload> p = {{PayloadType::kSa, std::move(offer)},
                                 {PayloadType::kVendorId, rfc3947_vid()}};
  if (policy_.fragmentation()) p.push_back({PayloadType::kVendorId, fragmentation_vid()});
  if (policy_.dpd_configured()) p.push_back({PayloadType::kVendorId, dpd_vid()});
  send(sa, sa.flight, isakmp::encode_message(header(sa), p), true, out);
}

void EngineImpl::mm_respond_sa(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  const TypedPayload* sa_p = nullptr;
  for (auto& p : m.payloads)
    if (p.type == PayloadType::kSa) sa_p = &p;
  if (!sa_p || m.payloads.front().type != PayloadType::kSa) {
    log::debug(fmt("IKEv1: Main Mode message 1 from {} without SA", sa.remote.str()));
    ++stats_.rx_dropped_malformed;
    remove_sa(sa, false, out);
    return;
  }
  auto& offer = std::get<isakmp::SaPayload>(sa_p->body);
  auto choice = choose_phase1(offer, usable_policies(sa, false));
  if (!choice) {
    ++stats_.no_proposal_chosen;
    log::debug(fmt("IKEv1: atts are not acceptable: no ISAKMP policy matches {}'s offer", sa.remote.addr.str()));
    mode_failure(sa);
    info_send(sa, {{PayloadType::kNotify, isakmp::NotifyPayload{isakmp::kDoiIpsec, isakmp::ProtocolId::kIsakmp, {},
                                                                uint16_t(isakmp::NotifyType::kNoProposalChosen), {}}}},
              out);
    remove_sa(sa, false, out);
    return;
  }
  sa.policy = choice->policy;
  sa.chosen = choice->transform;
  sa.sa_i.assign(raw.begin() + isakmp::kHeaderSize + sa_p->wire_offset + 4,
                 raw.begin() + isakmp::kHeaderSize + sa_p->wire_offset + sa_p->wire_size);
  sa.peer_natt = sent_rfc3947(m);
  isakmp::SaPayload reply;
  reply.doi = offer.doi;
  reply.situation = offer.situation;
  reply.proposals = {choice->proposal};
  std::vector<TypedPayload> p = {{PayloadType::kSa, std::move(reply)}};
  if (sa.peer_natt) p.push_back({PayloadType::kVendorId, rfc3947_vid()});
  sa.peer_frag = policy_.fragmentation() && sent_fragmentation_vid(m);
  if (sa.peer_frag) p.push_back({PayloadType::kVendorId, fragmentation_vid()});
  sa.peer_dpd = sent_dpd_vid(m);
  if (policy_.dpd_configured()) p.push_back({PayloadType::kVendorId, dpd_vid()});
  sa.state = MmState::kSaChosen;
  sa.flight.last_rx.assign(raw.begin(), raw.end());
  send(sa, sa.flight, isakmp::encode_message(header(sa), p), true, out);
}

bool EngineImpl::new_dh(IsakmpSa& sa) {
  auto dh = crypto::KeyExchange::generate(sa.policy.group);
  if (!dh) {
    log::warn(fmt("IKEv1: cannot generate a key pair for group {}: {}", group_number(sa.policy.group), dh.error().message));
    return false;
  }
  sa.dh = std::move(*dh);
  return true;
}

// RFC 3947 §3.2: the first NAT-D hashes where the peer sent the message
// (us), the others where it sent it from.
void EngineImpl::natd_check(IsakmpSa& sa, const std::vector<TypedPayload>& v) {
  std::vector<Bytes> d;
  for (auto& p : v)
    if (auto* n = std::get_if<isakmp::NatDPayload>(&p.body)) d.push_back(n->data);
  if (!sa.peer_natt || d.size() < 2) return;
  sa.nat_local = d[0] != natd_hash(sa, sa.local);
  sa.nat_remote = true;
  for (size_t i = 1; i < d.size(); ++i)
    if (d[i] == natd_hash(sa, sa.remote)) sa.nat_remote = false;
}

// Ours: where we send it, then where we send it from.
std::vector<TypedPayload> EngineImpl::natd_payloads(const IsakmpSa& sa) const {
  return {{PayloadType::kNatD, isakmp::NatDPayload{natd_hash(sa, sa.remote)}},
          {PayloadType::kNatD, isakmp::NatDPayload{natd_hash(sa, sa.local)}}};
}

std::vector<TypedPayload> EngineImpl::mm_ke_payloads(const IsakmpSa& sa, const Bytes& ke, const Bytes& nonce) const {
  std::vector<TypedPayload> p = {{PayloadType::kKe, isakmp::KePayload{ke}},
                                 {PayloadType::kNonce, isakmp::NoncePayload{nonce}}};
  if (signature_auth(sa.policy.auth))  // §5.1: whose certificates we can check
    for (auto& r : cert_requests()) p.push_back(std::move(r));
  if (sa.peer_natt)
    for (auto& d : natd_payloads(sa)) p.push_back(std::move(d));
  return p;
}

void EngineImpl::mm_respond_ke(IsakmpSa& sa, crypto::DhResponse dh, std::vector<Action>& out) {
  if (!dh.kx) {
    log::warn(fmt("IKEv1: cannot generate a key pair for group {}: {}", group_number(sa.policy.group),
                  dh.shared.error().message));
    return remove_sa(sa, false, out);
  }
  sa.dh = std::move(dh.kx);
  sa.g_xr = sa.dh->public_value();
  if (auto k = dh.shared ? derive_keys(sa, *dh.shared) : std::unexpected(dh.shared.error()); !k) {
    log::warn(fmt("IKEv1: Main Mode with {}: {}", sa.remote.addr.str(), k.error().message));
    mode_failure(sa);
    return remove_sa(sa, false, out);
  }
  sa.state = MmState::kKeDone;
  send(sa, sa.flight, isakmp::encode_message(header(sa), mm_ke_payloads(sa, sa.g_xr, sa.nr)), true, out);
}

void EngineImpl::mm_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  auto bad = [&](const std::string& why) {
    ++stats_.rx_dropped_malformed;
    log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
               fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
    log::debug(fmt("IKEv1: {}: {}", sa.remote.str(), why));
  };
  // The KE and nonce exchange (messages 3 and 4): both sides the same.
  auto take_ke = [&](Bytes& peer_ke, Bytes& peer_nonce) -> bool {
    auto* ke = isakmp::find_payload<isakmp::KePayload>(m.payloads, PayloadType::kKe);
    auto* n = isakmp::find_payload<isakmp::NoncePayload>(m.payloads, PayloadType::kNonce);
    if (!ke || !n || m.header.encrypted()) {
      bad("Main Mode key exchange without KE or nonce");
      return false;
    }
    peer_ke = ke->data;
    peer_nonce = n->data;
    note_cert_requests(sa, m.payloads);
    natd_check(sa, m.payloads);
    return true;
  };
  // Messages 5 and 6: decrypt, check HASH_I / HASH_R with the peer's ID as sent.
  auto authenticate = [&](bool peer_is_initiator) -> bool {
    if (!m.header.encrypted()) {
      log::event("CRYPTO", log::Level::kInfo, "IKMP_NOT_ENCRYPTED",
                 fmt("IKE packet from {} was not encrypted and it should've been.", sa.remote.addr.str()));
      ++stats_.rx_dropped_malformed;
      return false;
    }
    Bytes next_iv;
    auto plain = open(sa, m, sa.iv, next_iv);
    if (!plain) {
      bad(plain.error().message);
      return false;
    }
    auto chain = isakmp::parse_payload_chain(m.header.next_payload, *plain, true);
    if (!chain) {
      // A wrong pre-shared key decrypts to garbage: IOS says the same.
      bad("decrypted Main Mode message does not parse (pre-shared key mismatch?): " + chain.error().message);
      ++stats_.rx_dropped_auth;
      return false;
    }
    const TypedPayload* id = nullptr;
    for (auto& p : *chain)
      if (p.type == PayloadType::kId && !id) id = &p;
    if (!id) {
      bad("Main Mode authentication without ID");
      return false;
    }
    if (!check_proof(sa, *chain, peer_is_initiator, std::get<isakmp::IdPayload>(id->body), body_of(*plain, *id)))
      return false;
    sa.iv = std::move(next_iv);
    if (peer_is_initiator) {
      const auto& idp = std::get<isakmp::IdPayload>(id->body);
      sa.profile = policy_.match_profile(sa.local.addr, sa.remote.addr, idp.type, id_text(idp));
    }
    if (peer_is_initiator && isakmp::find_notify(*chain, isakmp::NotifyType::kInitialContact)) initial_contact(sa, out);
    return true;
  };
  auto auth_payloads = [&](bool initiator) -> Result<std::vector<TypedPayload>> {
    if (signature_auth(sa.policy.auth)) sa.signer = pick_signer(sa, sa.policy.auth);
    auto id = our_id(sa);
    auto proof = auth_proof(sa, initiator, id.body());
    if (!proof) return std::unexpected(proof.error());
    std::vector<TypedPayload> p = {{PayloadType::kId, std::move(id)}};
    for (auto& x : *proof) p.push_back(std::move(x));
    if (initiator && !sa.replaces) p.push_back(initial_contact_payload(sa));
    return p;
  };
  auto seal_send = [&](std::vector<TypedPayload> p, bool awaiting) {
    auto data = seal(sa, header(sa), p, sa.iv);
    if (!data) {
      log::warn(fmt("IKEv1: cannot encrypt for {}: {}", sa.remote.str(), data.error().message));
      return;
    }
    send(sa, sa.flight, std::move(*data), awaiting, out);
  };

  switch (sa.state) {
    case MmState::kSaSent: {  // I: message 2
      auto* reply = isakmp::find_payload<isakmp::SaPayload>(m.payloads, PayloadType::kSa);
      auto chosen = reply ? accepted_phase1(*reply, sa.offered) : std::nullopt;
      if (!chosen) {
        ++stats_.no_proposal_chosen;
        mode_failure(sa);
        remove_sa(sa, false, out);
        return;
      }
      sa.policy = *chosen;
      sa.expires = clock_.now() + std::chrono::seconds(sa.policy.lifetime_s);
      sa.peer_natt = sent_rfc3947(m);
      sa.peer_frag = policy_.fragmentation() && sent_fragmentation_vid(m);
      sa.peer_dpd = sent_dpd_vid(m);
      if (!new_dh(sa)) return remove_sa(sa, false, out);
      sa.g_xi = sa.dh->public_value();
      sa.ni = random_bytes(kNonceSize);
      sa.state = MmState::kKeSent;
      sa.flight.last_rx.assign(raw.begin(), raw.end());
      send(sa, sa.flight, isakmp::encode_message(header(sa), mm_ke_payloads(sa, sa.g_xi, sa.ni)), true, out);
      return;
    }
    case MmState::kSaChosen: {  // R: message 3
      if (!take_ke(sa.g_xi, sa.ni)) return;
      sa.nr = random_bytes(kNonceSize);
      sa.flight.last_rx.assign(raw.begin(), raw.end());
      if (options_.dh_off_loop) {  // message 4 once resume() brings our key pair and g^xy
        sa.dh_work = next_work_id_++;
        waiting_[sa.dh_work] = sa.conn_id;
        out.push_back(ike::WorkRequest{sa.dh_work, ike::DhWork{sa.policy.group, sa.g_xi}});
        return;
      }
      return mm_respond_ke(sa, crypto::dh_respond(sa.policy.group, sa.g_xi), out);
    }
    case MmState::kKeSent: {  // I: message 4
      if (!take_ke(sa.g_xr, sa.nr)) return;
      if (auto k = derive_keys_with(sa, sa.g_xr); !k) {
        log::warn(fmt("IKEv1: Main Mode with {}: {}", sa.remote.addr.str(), k.error().message));
        mode_failure(sa);
        return remove_sa(sa, false, out);
      }
      if (sa.nat()) {  // RFC 3947 §4: float to port 4500 from message 5 on
        sa.local = natt_port(sa.local);
        sa.remote = natt_port(sa.remote);
      }
      auto p = auth_payloads(true);
      if (!p) return remove_sa(sa, false, out);
      sa.state = MmState::kAuthSent;
      sa.flight.last_rx.assign(raw.begin(), raw.end());
      seal_send(std::move(*p), true);
      return;
    }
    case MmState::kKeDone: {  // R: message 5
      if (!authenticate(true)) return;
      auto p = auth_payloads(false);
      if (!p) return remove_sa(sa, false, out);
      sa.state = MmState::kReady;
      sa.flight.last_rx.assign(raw.begin(), raw.end());
      seal_send(std::move(*p), false);
      log::debug(fmt("IKEv1: ISAKMP SA {} with {} authenticated (responder{})", sa.conn_id, sa.remote.str(),
                     sa.profile.empty() ? "" : ", ISAKMP profile " + sa.profile));
      dpd_note(sa);
      return;
    }
    case MmState::kAuthSent: {  // I: message 6
      if (!authenticate(false)) return;
      sa.state = MmState::kReady;
      // Message 6 ends the exchange: it answers nothing, so its repeat must
      // not be answered either (last_rx stays message 4).
      sa.flight.awaiting = false;
      log::debug(fmt("IKEv1: ISAKMP SA {} with {} authenticated (initiator{})", sa.conn_id, sa.remote.str(),
                     sa.profile.empty() ? "" : ", ISAKMP profile " + sa.profile));
      phase1_initiator_done(sa, out);
      return;
    }
    case MmState::kReady:
      return;  // a late duplicate: handled by the retransmission check
  }
}

}  // namespace kg::ikev1
