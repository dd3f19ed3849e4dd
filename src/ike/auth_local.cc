#include "ike/auth_local.h"

#include <algorithm>

#include "crypto/auth.h"
#include "crypto/auth_sig.h"
#include "ike/fmt.h"

namespace kg::ike {
namespace {

bool signature_kind(AuthKind k) { return k == AuthKind::kRsaSig || k == AuthKind::kEcdsaSig; }

const char* kind_word(AuthKind k) { return k == AuthKind::kEcdsaSig ? "ecdsa-sig" : "rsa-sig"; }

// The trustpoint whose key and certificate we sign with: one that can sign
// with the key type the method names, preferring a CA the peer asked for in
// its CERTREQ (§3.7), else the first configured.
const crypto::Trustpoint* pick_signer(const ProfileConfig& p, const std::vector<Bytes>& wanted) {
  const crypto::Trustpoint* first = nullptr;
  for (auto& tp : p.sign_trustpoints) {
    if (!tp || !tp->can_sign()) continue;
    auto k = tp->signer->key();
    if (p.local_auth == AuthKind::kRsaSig ? !k.rsa() : !k.ecdsa()) continue;
    if (!first) first = tp.get();
    for (auto& h : tp->ca_hashes())
      if (std::find(wanted.begin(), wanted.end(), h) != wanted.end()) return tp.get();
  }
  return first;
}

}  // namespace

Result<Bytes> auth_octets(const IkeSa& sa, bool signer_is_initiator, const Identity& id) {
  const auto& k = sa.keys;
  Bytes body = id.payload().body();
  return signer_is_initiator ? crypto::signed_octets(sa.suite.prf, sa.init_request, sa.nr, k.sk_pi.view(), body)
                             : crypto::signed_octets(sa.suite.prf, sa.init_response, sa.ni, k.sk_pr.view(), body);
}

Result<Bytes> psk_auth(const IkeSa& sa, bool signer_is_initiator, const Identity& id, const Secret& psk) {
  auto octets = auth_octets(sa, signer_is_initiator, id);
  if (!octets) return octets;
  return crypto::psk_auth(sa.suite.prf, psk.view(), *octets);
}

Identity local_identity(const ProfileConfig& p, const IpAddress& local, const crypto::Trustpoint* signer) {
  Identity id = p.local_id;
  if (!id.data.empty()) return id;
  if (id.type == IdType::kDerAsn1Dn) {
    if (signer && signer->cert) id.data = signer->cert->subject_der();
    return id;
  }
  id.type = local.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr;
  id.data.assign(local.bytes().begin(), local.bytes().end());
  return id;
}

Identity local_identity(const ProfileConfig& p, const IpAddress& local) {
  return local_identity(p, local, signature_kind(p.local_auth) ? pick_signer(p, {}) : nullptr);
}

Result<Bytes> eap_auth(const IkeSa& sa, bool signer_is_initiator, const Identity& id, const Secret& msk) {
  const Secret& key = !msk.empty() ? msk : signer_is_initiator ? sa.keys.sk_pi : sa.keys.sk_pr;
  return psk_auth(sa, signer_is_initiator, id, key);
}

Result<void> local_auth_ready(const ProfileConfig& p) {
  if (p.local_auth == AuthKind::kEap) {
    if (p.eap_username.empty()) return fail(Errc::kState, fmt("profile {}: authentication local eap needs an EAP username", p.name));
    return {};
  }
  if (!signature_kind(p.local_auth)) {
    if (p.local_psk.empty() && !p.aaa_keys)  // keyring aaa: asked before IKE_AUTH
      return fail(Errc::kState, fmt("profile {}: no local pre-shared key{}", p.name,
                                    p.psk_missing.empty() ? std::string() : ": " + p.psk_missing));
    return {};
  }
  if (!pick_signer(p, {}))
    return fail(Errc::kState, fmt("profile {}: authentication local {} needs a trustpoint with a{} certificate and its key "
                                  "(pki trustpoint NAME; crypto pki import)",
                                  p.name, kind_word(p.local_auth), p.local_auth == AuthKind::kRsaSig ? "n RSA" : "n ECDSA"));
  return {};
}

Result<LocalAuth> local_auth(IkeSa& sa, bool initiator) {
  if (!sa.profile) return fail(Errc::kState, "no ikev2 profile");
  const ProfileConfig& p = *sa.profile;
  PayloadType idt = initiator ? PayloadType::kIdi : PayloadType::kIdr;
  if (p.local_auth == AuthKind::kEap)  // §2.16: only the initiator is an EAP peer
    return fail(Errc::kState, fmt("profile {}: authentication local eap on a responder", p.name));
  if (auto ready = local_auth_ready(p); !ready) return std::unexpected(ready.error());
  if (!signature_kind(p.local_auth)) {
    if (p.local_psk.empty())  // keyring aaa not (yet) answered: never sign with no key
      return fail(Errc::kState, fmt("profile {}: no local pre-shared key", p.name));
    Identity id = local_identity(p, sa.local.addr, nullptr);
    auto a = psk_auth(sa, initiator, id, p.local_psk);
    if (!a) return std::unexpected(a.error());
    sa.auth.local_method = "PSK";
    return LocalAuth{{idt, id.payload()}, {}, {PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, std::move(*a)}}};
  }
  const crypto::Trustpoint* tp = pick_signer(p, sa.auth.peer_certreq);  // non-null: local_auth_ready
  // identity local dn: the subject of the certificate we actually send.
  Identity id = local_identity(p, sa.local.addr, tp);
  auto octets = auth_octets(sa, initiator, id);
  if (!octets) return std::unexpected(octets.error());
  auto choice = crypto::choose_auth(tp->signer->key(), sa.auth.peer_sign_hashes, p.rsa_pss);
  if (!choice) return std::unexpected(choice.error());
  // The one place a private-key operation happens (see crypto/signer.h):
  // here when the signer answers at once, else by whoever does the SignWork.
  LocalAuth out{{idt, id.payload()}, {}, {PayloadType::kAuth, AuthPayload{auth_method(choice->format), {}}}};
  if (tp->signer->completes_at_once()) {
    auto data = crypto::auth_sign(*tp->signer, *choice, *octets);
    if (!data) return std::unexpected(data.error());
    out.set_auth_data(std::move(*data));
  } else {
    out.sign = SignWork{tp->signer, *choice, std::move(*octets)};
  }
  for (auto& c : tp->chain_to_send())
    out.certs.push_back({PayloadType::kCert, CertPayload{uint8_t(CertEncoding::kX509Signature), Bytes(c.der().begin(), c.der().end())}});
  sa.auth.local_method = crypto::auth_method_label(choice->format, tp->signer->key());
  sa.auth.local_trustpoint = tp->name;
  return out;
}

std::optional<TypedPayload> cert_request(const ProfileConfig& p) {
  if (!p.remote_auth.any_signature()) return std::nullopt;
  CertReqPayload r;
  for (auto& tp : p.verify_trustpoints)
    if (tp)
      for (auto& h : tp->ca_hashes())
        if (std::find(r.authorities.begin(), r.authorities.end(), h) == r.authorities.end()) r.authorities.push_back(h);
  return TypedPayload{PayloadType::kCertReq, std::move(r)};
}

}  // namespace kg::ike
