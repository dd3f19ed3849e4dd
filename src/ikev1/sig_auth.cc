// Main Mode authenticated with signatures (RFC 2409 §5.1), both roles:
//
//   HDR, KE, Ni [, CERTREQ]            -->  / <-- HDR, KE, Nr [, CERTREQ]
//   HDR*, IDii, [CERT,] SIG_I          -->  / <-- HDR*, IDir, [CERT,] SIG_R
//
// SIG_I / SIG_R are HASH_I / HASH_R (the same prf as with pre-shared keys,
// keyed with SKEYID = prf(Ni_b | Nr_b, g^xy)) signed "with the negotiated
// signature algorithm". For RSA that is PKCS#1 v1.5 padding of the bare
// hash, with no DigestInfo: strongSwan signs and verifies IKEv1 with
// SIGN_RSA_EMSA_PKCS1_NULL (pubkey_v1_authenticator.c), as IOS does.
//
// Certificates are those of the crypto pki trustpoints, validated with the
// same trust stores as IKEv2's (crypto/trustpoint.h); the peer's ID must be
// in its certificate (RFC 4945 §3.1). A CERTREQ in IKEv1 names a CA by its
// DER subject (RFC 2408 §3.10, RFC 4945 §3.2.4), unlike IKEv2's key hashes.
#include <algorithm>

#include "common/log.h"
#include "ike/auth_peer.h"
#include "ikev1/engine_impl.h"

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

bool signs_rsa(const crypto::Trustpoint& tp) { return tp.can_sign() && tp.signer->key().rsa(); }

}  // namespace

bool EngineImpl::can_sign() const {
  for (auto& tp : policy_.trustpoints())
    if (tp && signs_rsa(*tp)) return true;
  return false;
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

// A trustpoint with an RSA certificate and key; one whose CA the peer asked
// for first (a CA certificate of it has the subject the CERTREQ names).
std::shared_ptr<const crypto::Trustpoint> EngineImpl::pick_signer(const IsakmpSa& sa) const {
  std::shared_ptr<const crypto::Trustpoint> first;
  for (auto& tp : policy_.trustpoints()) {
    if (!tp || !signs_rsa(*tp)) continue;
    if (!first) first = tp;
    for (auto& ca : tp->ca_certs)
      if (std::find(sa.peer_certreq.begin(), sa.peer_certreq.end(), ca.subject_der()) != sa.peer_certreq.end())
        return tp;
  }
  return first;
}

Result<std::vector<TypedPayload>> EngineImpl::sig_payloads(IsakmpSa& sa, ByteView hash) {
  if (!sa.signer) return fail(Errc::kState, "no trustpoint with an RSA certificate and key (crypto pki import)");
  // A key on a token signs here too, on the loop: IKEv1 has no pending
  // signature state yet (IKEv2 hands it to a worker, ike/engine.h SignWork).
  auto sig = sa.signer->signer->sign({crypto::SigAlg::kRsaPkcs1Raw, crypto::SignHash::kSha1}, hash);
  if (!sig) return std::unexpected(sig.error());
  std::vector<TypedPayload> out;
  for (auto& c : sa.signer->chain_to_send())
    out.push_back({PayloadType::kCert, isakmp::CertPayload{kX509Signature, Bytes(c.der().begin(), c.der().end())}});
  out.push_back({PayloadType::kSig, isakmp::SigPayload{std::move(*sig)}});
  return out;
}

bool EngineImpl::verify_sig(IsakmpSa& sa, const std::vector<TypedPayload>& chain, const isakmp::IdPayload& id,
                            ByteView hash) {
  auto refuse = [&](const std::string& why) {
    ++stats_.rx_dropped_auth;
    log::warn(fmt("IKEv1: rsa-sig authentication of {} failed: {}", sa.remote.addr.str(), why));
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
  if (!leaf->key().rsa()) return refuse("its certificate has an " + leaf->key().str() + " key; rsa-sig needs RSA");
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
  if (auto v = crypto::verify_signature(leaf->public_key(), {crypto::SigAlg::kRsaPkcs1Raw, crypto::SignHash::kSha1},
                                        hash, sig->data);
      !v)
    return refuse("SIG does not verify with its certificate " + leaf->subject());
  log::debug(fmt("IKEv1: {} authenticated with rsa-sig, certificate {} via trustpoint {}", sa.remote.addr.str(),
                 leaf->subject(), ok_tp->name));
  sa.peer_cert = std::move(*leaf);
  sa.peer_trustpoint = ok_tp->name;
  return true;
}

}  // namespace kg::ikev1
