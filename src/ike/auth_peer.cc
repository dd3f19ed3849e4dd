#include "ike/auth_peer.h"

#include "common/log.h"
#include "crypto/auth_sig.h"
#include "ike/auth_local.h"
#include "ike/fmt.h"

namespace kg::ike {
namespace {

const char* kind_word(AuthKind k) {
  switch (k) {
    case AuthKind::kPsk: return "pre-share";
    case AuthKind::kRsaSig: return "rsa-sig";
    case AuthKind::kEcdsaSig: return "ecdsa-sig";
    case AuthKind::kEap: return "eap";
  }
  return "?";
}

std::string who(const IkeSa& sa) { return sa.remote.addr.str() + " Id: " + sa.remote_id.str(); }

bool refuse(const IkeSa& sa, const std::string& why) {
  log::warn(fmt("IKEv2: AUTHENTICATION_FAILED from {} (profile {}): {}", who(sa), sa.profile->name, why));
  return false;
}

std::string names_in(const crypto::Certificate& c) {
  std::string s = "subject " + c.subject();
  for (auto& d : c.dns_names()) s += ", dns " + d;
  for (auto& e : c.emails()) s += ", email " + e;
  for (auto& a : c.ip_addresses())
    if (auto ip = IpAddress::from_bytes(a)) s += ", ip " + ip->str();
  return s;
}

// "pre-share", "pre-share and rsa-sig": what `authentication remote` allows.
std::string methods_words(AuthMethods m) {
  std::string s;
  for (AuthKind k : {AuthKind::kPsk, AuthKind::kRsaSig, AuthKind::kEcdsaSig, AuthKind::kEap})
    if (m.has(k)) s += (s.empty() ? "" : " and ") + std::string(kind_word(k));
  return s.empty() ? "none" : s;
}

bool verify_psk(IkeSa& sa, bool peer_is_initiator, const AuthPayload& auth) {
  const ProfileConfig& p = *sa.profile;
  if (p.remote_psk.empty())
    return refuse(sa, "no pre-shared key for this peer" + (p.psk_missing.empty() ? std::string() : ": " + p.psk_missing));
  auto expect = psk_auth(sa, peer_is_initiator, sa.remote_id, p.remote_psk);
  if (!expect || !Secret(*expect).equals(auth.data)) return refuse(sa, "pre-shared key mismatch");
  sa.auth.remote_method = "PSK";
  sa.auth.peer_kind = AuthKind::kPsk;
  return true;
}

// crypto key pubkey-chain rsa: the peer's raw key, by its address first,
// then by the identity it claims.
const EVP_PKEY* raw_key_of(const ProfileConfig& p, const IkeSa& sa) {
  for (auto& k : p.peer_raw_keys)
    if (k.address && *k.address == sa.remote.addr) return k.key.get();
  std::string id = sa.remote_id.str();
  for (auto& k : p.peer_raw_keys)
    if (!k.address && k.identity == id) return k.key.get();
  return nullptr;
}

// rsa-sig from a peer that sent no certificate, against its pubkey-chain key.
bool verify_raw_key(IkeSa& sa, bool peer_is_initiator, const AuthPayload& auth, const EVP_PKEY* key) {
  const ProfileConfig& p = *sa.profile;
  if (!p.remote_auth.has(AuthKind::kRsaSig))
    return refuse(sa, "the peer sent no certificate; its pubkey-chain key needs authentication remote rsa-sig");
  auto octets = auth_octets(sa, peer_is_initiator, sa.remote_id);
  if (!octets) return refuse(sa, octets.error().message);
  auto format = sig_format(auth.method);
  if (!format)
    return refuse(sa, fmt("AUTH method {} is not a signature method we support", int(auth.method)));
  auto used = crypto::auth_verify(key, *format, auth.data, *octets, crypto::kOurSignHashes);
  if (!used) return refuse(sa, "signature does not verify with its crypto key pubkey-chain key: " + used.error().message);
  sa.auth.peer_trustpoint.clear();
  sa.auth.remote_method = crypto::auth_method_label(*format, crypto::key_info(key));
  sa.auth.peer_kind = AuthKind::kRsaSig;
  log::debug(fmt("IKEv2: {} authenticated with {} ({}), raw public key from crypto key pubkey-chain rsa", who(sa),
                 sa.auth.remote_method, crypto::scheme_name(*used)));
  return true;
}

bool verify_signature(IkeSa& sa, TaskEnv& env, bool peer_is_initiator, const AuthPayload& auth,
                      const PeerCerts& certs) {
  const ProfileConfig& p = *sa.profile;
  if (!certs.leaf && certs.error.empty()) {
    if (const EVP_PKEY* raw = raw_key_of(p, sa)) return verify_raw_key(sa, peer_is_initiator, auth, raw);
  }
  if (!certs.leaf)
    return refuse(sa, certs.error.empty() ? "the peer sent no X.509 certificate (CERT payload) and crypto key "
                                            "pubkey-chain rsa has no key for " + sa.remote.addr.str() + " or " + sa.remote_id.str()
                                          : "the peer's certificate does not parse: " + certs.error);
  const crypto::Certificate& leaf = *certs.leaf;
  auto key = leaf.key();
  // rsa-sig accepts an RSA certificate, ecdsa-sig an ECDSA one.
  AuthKind used_kind = key.rsa() ? AuthKind::kRsaSig : AuthKind::kEcdsaSig;
  if ((!key.rsa() && !key.ecdsa()) || !p.remote_auth.has(used_kind))
    return refuse(sa, fmt("the peer's certificate has an {} key; authentication remote {} expects {}", key.str(),
                          methods_words(p.remote_auth), p.remote_auth.has(AuthKind::kRsaSig) ? "RSA" : "ECDSA"));
  if (p.verify_trustpoints.empty()) return refuse(sa, "no trustpoint to verify certificates with (pki trustpoint NAME)");
  std::optional<crypto::ChainError> first_error;
  const crypto::Trustpoint* ok_tp = nullptr;
  for (auto& tp : p.verify_trustpoints) {
    if (!tp) continue;
    auto r = tp->validate(leaf, certs.intermediates, env.clock.wall_time());
    if (r) {
      ok_tp = tp.get();
      break;
    }
    if (!first_error) first_error = r.error();
  }
  if (!ok_tp) {
    crypto::ChainError e = first_error.value_or(crypto::ChainError{});
    log_chain_failure(e);
    return refuse(sa, fmt("certificate {} (serial {}) failed validation against trustpoint {}: {}", e.subject, e.serial,
                          p.verify_trustpoints.front() ? p.verify_trustpoints.front()->name : "?", e.reason));
  }
  // RFC 4945 §3.1: the identity the peer claims must be in its certificate.
  if (!leaf.has_identity(name_kind(sa.remote_id.type), sa.remote_id.data))
    return refuse(sa, "identity " + sa.remote_id.str() + " is not in its certificate (" + names_in(leaf) + ")");
  auto octets = auth_octets(sa, peer_is_initiator, sa.remote_id);
  if (!octets) return refuse(sa, octets.error().message);
  auto format = sig_format(auth.method);
  if (!format)
    return refuse(sa, fmt("signature does not verify with its certificate: AUTH method {} is not a signature method we support",
                          int(auth.method)));
  auto used = crypto::auth_verify(leaf.public_key(), *format, auth.data, *octets, crypto::kOurSignHashes);
  if (!used) return refuse(sa, "signature does not verify with its certificate: " + used.error().message);
  sa.auth.peer_cert = leaf;
  sa.auth.peer_trustpoint = ok_tp->name;
  sa.auth.remote_method = crypto::auth_method_label(*format, key);
  sa.auth.peer_kind = used_kind;
  log::debug(fmt("IKEv2: {} authenticated with {} ({}), certificate {} via trustpoint {}", who(sa),
                 sa.auth.remote_method, crypto::scheme_name(*used), leaf.subject(), ok_tp->name));
  return true;
}

}  // namespace

void log_chain_failure(const crypto::ChainError& e) {
  using K = crypto::ChainError::Kind;
  std::string sn = "The certificate (SN: " + e.serial + ", " + e.subject + ")";
  if (e.kind == K::kExpired)
    log::event("PKI", log::Level::kError, "CERTIFICATE_INVALID_EXPIRED",
               "Certificate chain validation has failed.  " + sn + " has expired.    Validity period ended on " +
                   crypto::ios_time(e.not_after));
  else if (e.kind == K::kNotYetValid)
    log::event("PKI", log::Level::kError, "CERTIFICATE_INVALID_NOT_YET_VALID",
               "Certificate chain validation has failed.  " + sn + " is not yet valid   Validity period starts on " +
                   crypto::ios_time(e.not_before));
  else
    log::event("PKI", log::Level::kError, "CERTIFICATE_INVALID",
               "Certificate chain validation has failed.  " + sn + ": " + e.reason);
}

PeerCerts peer_certificates(const std::vector<TypedPayload>& in, crypto::CertCache* cache) {
  PeerCerts out;
  for (auto& p : in) {
    auto* c = std::get_if<CertPayload>(&p.body);
    if (!c || c->encoding != uint8_t(CertEncoding::kX509Signature)) continue;
    auto cert = cache ? cache->parse(c->data) : crypto::Certificate::from_der(c->data);
    if (!cert) {
      if (out.error.empty()) out.error = cert.error().message;
      if (!out.leaf) return out;  // without its own certificate the peer cannot be verified
      continue;
    }
    if (!out.leaf) out.leaf = std::move(*cert);
    else out.intermediates.push_back(std::move(*cert));
  }
  return out;
}

void note_cert_requests(IkeSa& sa, const std::vector<TypedPayload>& in) {
  for (auto& p : in)
    if (auto* r = std::get_if<CertReqPayload>(&p.body))
      sa.auth.peer_certreq.insert(sa.auth.peer_certreq.end(), r->authorities.begin(), r->authorities.end());
}

bool verify_peer(IkeSa& sa, TaskEnv& env, bool peer_is_initiator, const AuthPayload& auth, const PeerCerts& certs) {
  const ProfileConfig& p = *sa.profile;
  // Whichever of the allowed methods the peer used (IOS: several
  // `authentication remote` lines).
  if (auth.method == AuthMethod::kSharedKeyMic) {
    if (!p.remote_auth.has(AuthKind::kPsk))
      return refuse(sa, "the peer authenticates with a pre-shared key; authentication remote " +
                            methods_words(p.remote_auth));
    return verify_psk(sa, peer_is_initiator, auth);
  }
  if (!p.remote_auth.any_signature())
    return refuse(sa, fmt("the peer authenticates with a signature (AUTH method {}); authentication remote {}",
                          int(auth.method), methods_words(p.remote_auth)));
  return verify_signature(sa, env, peer_is_initiator, auth, certs);
}

}  // namespace kg::ike
