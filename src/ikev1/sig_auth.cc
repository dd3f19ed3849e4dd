// Main Mode authenticated with signatures (RFC 2409 §5.1), both roles:
//
//   HDR, KE, Ni [, CERTREQ]            -->  / <-- HDR, KE, Nr [, CERTREQ]
//   HDR*, IDii, [CERT,] SIG_I          -->  / <-- HDR*, IDir, [CERT,] SIG_R
//
// SIG_I / SIG_R are HASH_I / HASH_R (the same prf as with pre-shared keys,
// keyed with SKEYID = prf(Ni_b | Nr_b, g^xy)) signed "with the negotiated
// signature algorithm". For RSA (rsa-sig, method 3) that is PKCS#1 v1.5
// padding of the bare hash, with no DigestInfo: strongSwan signs and
// verifies IKEv1 with SIGN_RSA_EMSA_PKCS1_NULL (pubkey_v1_authenticator.c),
// as IOS does.
//
// ECDSA (ecdsa-sig; RFC 4754 §4 methods 9, 10, 11 for P-256/384/521): the
// method's own hash (SHA-256/384/512) is the prf of HASH_I / HASH_R
// (transform_ids.h auth_hash_prf), the hash is signed as the ECDSA digest,
// not hashed again, and SIG carries r | s, each as wide as the curve's
// coordinates (RFC 4754 §7). So strongSwan 5.9 does it (keymat_v1.c picks
// the prf by method; SIGN_ECDSA_WITH_NULL; the r|s encoding). The method
// we offer is our key's curve; the peer's key may be on another curve, as
// strongSwan accepts any ECDSA key for any of the three.
//
// Certificates are those of the crypto pki trustpoints, validated with the
// same trust stores as IKEv2's (crypto/trustpoint.h); the peer's ID must be
// in its certificate (RFC 4945 §3.1). A CERTREQ in IKEv1 names a CA by its
// DER subject (RFC 2408 §3.10, RFC 4945 §3.2.4), unlike IKEv2's key hashes.
#include <algorithm>

#include "common/log.h"
#include "ike/auth_peer.h"
#include "crypto/auth_sig.h"
#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

using isakmp::PayloadType;
using isakmp::TypedPayload;

namespace {

constexpr uint8_t kX509Signature = 4;  // RFC 2408 §3.9 Cert Encoding

crypto::NameKind name_kind(isakmp::IdType t) {
  switch (t) {
    case isakmp::IdType::kDerAsn1Dn: return crypto::NameKind::kDn;
    case isakmp::IdType::kFqdn: return crypto::NameKind::kDnsName;
    case isakmp::IdType::kUserFqdn: return crypto::NameKind::kEmail;
    case isakmp::IdType::kIpv4Addr:
    case isakmp::IdType::kIpv6Addr: return crypto::NameKind::kIpAddress;
    default: return crypto::NameKind::kOther;
  }
}

// The key family a method signs with.
bool fits(const crypto::KeyInfo& k, isakmp::P1Auth auth) { return ecdsa_auth(auth) ? k.ecdsa() : k.rsa(); }

bool signs_with(const crypto::Trustpoint& tp, isakmp::P1Auth auth) {
  return tp.can_sign() && fits(tp.signer->key(), auth);
}

crypto::SigScheme scheme_of(isakmp::P1Auth auth) {
  return {ecdsa_auth(auth) ? crypto::SigAlg::kEcdsaRaw : crypto::SigAlg::kRsaPkcs1Raw, crypto::SignHash::kSha1};
}

}  // namespace

const char* auth_word(isakmp::P1Auth auth) {
  return ecdsa_auth(auth) ? "ecdsa-sig" : auth == isakmp::P1Auth::kRsaSig ? "rsa-sig" : "pre-share";
}

std::string needs_key_text(isakmp::P1Auth auth) {
  return ecdsa_auth(auth) ? "ecdsa-sig needs a trustpoint with an ECDSA certificate and key (crypto key generate ec "
                            "keysize 256|384)"
                          : "rsa-sig needs a trustpoint with an RSA certificate and key";
}

bool EngineImpl::can_sign(isakmp::P1Auth auth) const {
  for (auto& tp : policy_.trustpoints())
    if (tp && signs_with(*tp, auth)) return true;
  return false;
}

std::optional<isakmp::P1Auth> EngineImpl::our_ecdsa_method() const {
  for (auto& tp : policy_.trustpoints())
    if (tp && signs_with(*tp, isakmp::P1Auth::kEcdsa256))
      if (auto m = ecdsa_method(tp->signer->key().type)) return m;
  return std::nullopt;
}

std::vector<TypedPayload> EngineImpl::cert_requests() const {
  std::vector<TypedPayload> out;
  std::vector<Bytes> seen;
  for (auto& tp : policy_.trustpoints()) {
    if (!tp) continue;
    for (auto& ca : tp->ca_certs) {
      Bytes dn = ca.subject_der();
      if (std::find(seen.begin(), seen.end(), dn) != seen.end()) continue;
      seen.push_back(dn);
      out.push_back({PayloadType::kCertReq, isakmp::CertReqPayload{kX509Signature, std::move(dn)}});
    }
  }
  return out;
}

void EngineImpl::note_cert_requests(IsakmpSa& sa, const std::vector<TypedPayload>& in) {
  for (auto& p : in)
    if (auto* r = std::get_if<isakmp::CertReqPayload>(&p.body); r && !r->authority.empty())
      sa.peer_certreq.push_back(r->authority);
}

// A trustpoint whose certificate and key fit `auth`; best one whose CA the
// peer asked for (a CA certificate of it has the subject the CERTREQ
// names), then one on the curve the ECDSA method names; else the first.
std::shared_ptr<const crypto::Trustpoint> EngineImpl::pick_signer(const IsakmpSa& sa, isakmp::P1Auth auth) const {
  std::shared_ptr<const crypto::Trustpoint> best;
  int best_score = -1;
  for (auto& tp : policy_.trustpoints()) {
    if (!tp || !signs_with(*tp, auth)) continue;
    int score = ecdsa_method(tp->signer->key().type) == auth ? 1 : 0;
    for (auto& ca : tp->ca_certs)
      if (std::find(sa.peer_certreq.begin(), sa.peer_certreq.end(), ca.subject_der()) != sa.peer_certreq.end())
        score = 2 + score;
    if (score > best_score) {
      best = tp;
      best_score = score;
    }
  }
  return best;
}

Result<std::vector<TypedPayload>> EngineImpl::sig_payloads(IsakmpSa& sa, ByteView hash) {
  const isakmp::P1Auth auth = sa.policy.auth;
  // An Aggressive Mode initiator picked one before the responder chose.
  if (!sa.signer || !signs_with(*sa.signer, auth)) sa.signer = pick_signer(sa, auth);
  if (!sa.signer) return fail(Errc::kState, needs_key_text(auth));
  // A key on a token signs here too, on the loop: IKEv1 has no pending
  // signature state yet (IKEv2 hands it to a worker, ike/engine.h SignWork).
  auto sig = sa.signer->signer->sign(scheme_of(auth), hash);
  if (!sig) return std::unexpected(sig.error());
  if (ecdsa_auth(auth)) {  // RFC 4754 §7: r | s
    sig = crypto::ecdsa_der_to_raw(*sig, crypto::ecdsa_coord_size(sa.signer->signer->key().type));
    if (!sig) return std::unexpected(sig.error());
  }
  std::vector<TypedPayload> out;
  for (auto& c : sa.signer->chain_to_send())
    out.push_back({PayloadType::kCert, isakmp::CertPayload{kX509Signature, Bytes(c.der().begin(), c.der().end())}});
  out.push_back({PayloadType::kSig, isakmp::SigPayload{std::move(*sig)}});
  return out;
}

bool EngineImpl::verify_sig(IsakmpSa& sa, const std::vector<TypedPayload>& chain, const isakmp::IdPayload& id,
                            ByteView hash) {
  const isakmp::P1Auth auth = sa.policy.auth;
  auto refuse = [&](const std::string& why) {
    ++stats_.rx_dropped_auth;
    log::warn(fmt("IKEv1: {} authentication of {} failed: {}", auth_word(auth), sa.remote.addr.str(), why));
    return false;
  };
  auto* sig = isakmp::find_payload<isakmp::SigPayload>(chain, PayloadType::kSig);
  if (!sig) return refuse("no SIG payload");
  std::optional<crypto::Certificate> leaf;
  std::vector<crypto::Certificate> intermediates;
  for (auto& p : chain) {
    auto* c = std::get_if<isakmp::CertPayload>(&p.body);
    if (!c || c->encoding != kX509Signature) continue;
    auto cert = crypto::Certificate::from_der(c->data);
    if (!cert) return refuse("its certificate does not parse: " + cert.error().message);
    if (!leaf) leaf = std::move(*cert);
    else intermediates.push_back(std::move(*cert));
  }
  if (!leaf) return refuse("the peer sent no X.509 certificate (CERT payload)");
  if (!fits(leaf->key(), auth))
    return refuse(fmt("its certificate has an {} key; {} needs {}", leaf->key().str(), auth_word(auth),
                      ecdsa_auth(auth) ? "ECDSA" : "RSA"));
  auto tps = policy_.trustpoints();
  std::optional<crypto::ChainError> first_error;
  std::shared_ptr<const crypto::Trustpoint> ok_tp;
  for (auto& tp : tps) {
    if (!tp) continue;
    auto r = tp->validate(*leaf, intermediates, clock_.wall_time());
    if (r) {
      ok_tp = tp;
      break;
    }
    if (!first_error) first_error = r.error();
  }
  if (!ok_tp) {
    crypto::ChainError e = first_error.value_or(crypto::ChainError{});
    if (tps.empty()) e.reason = "no crypto pki trustpoint is configured";
    ike::log_chain_failure(e);
    log::event("CRYPTO", log::Level::kNotice, "IKMP_INVAL_CERT",
               fmt("Certificate received from {} failed validation", sa.remote.addr.str()));
    return refuse(fmt("certificate {} (serial {}) does not validate against any trustpoint: {}", leaf->subject(),
                      leaf->serial_hex(), e.reason.empty() ? "no trustpoint" : e.reason));
  }
  if (!leaf->has_identity(name_kind(id.type), id.data))
    return refuse(fmt("its identity ({}) is not in its certificate {}", sa.remote_id, leaf->subject()));
  Bytes sig_data = sig->data;
  if (ecdsa_auth(auth)) {  // RFC 4754 §7: r | s as wide as the curve's coordinates
    size_t n = crypto::ecdsa_coord_size(leaf->key().type);
    Result<Bytes> der = fail(Errc::kInvalidSyntax, "r | s of the wrong width");
    if (n && sig_data.size() == 2 * n) der = crypto::ecdsa_raw_to_der(sig_data);
    if (!der)
      return refuse(fmt("its SIG has {} octets; ECDSA {} takes r | s of {}", sig_data.size(), leaf->key().str(), 2 * n));
    sig_data = std::move(*der);
  }
  if (auto v = crypto::verify_signature(leaf->public_key(), scheme_of(auth), hash, sig_data); !v)
    return refuse("SIG does not verify with its certificate " + leaf->subject());
  log::debug(fmt("IKEv1: {} authenticated with {}, certificate {} via trustpoint {}", sa.remote.addr.str(),
                 auth_word(auth), leaf->subject(), ok_tp->name));
  sa.peer_cert = std::move(*leaf);
  sa.peer_trustpoint = ok_tp->name;
  return true;
}

}  // namespace kg::ikev1
