// ConfigPolicy, certificate part: IOS profile commands (authentication
// rsa-sig|ecdsa-sig, pki trustpoint NAME [sign|verify], identity local dn,
// match certificate MAP) turned into the engine's ProfileConfig, crypto pki
// certificate maps evaluated against a peer's certificate, and the CAs our
// IKE_SA_INIT response asks for (CERTREQ).
#include <openssl/evp.h>

#include <algorithm>

#include "crypto/key_pair.h"
#include "daemon/config_policy.h"

namespace kg::daemon {

using namespace kg::ike;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The text a certificate map field compares against (IOS compares lower-case).
std::string field_text(const std::string& field, const crypto::Certificate& c) {
  if (field == "subject-name") return lower(c.subject());
  if (field == "issuer-name") return lower(c.issuer());
  if (field == "serial-number") return lower(c.serial_hex());
  std::string alt;  // alt-subject-name: every subjectAltName entry
  for (auto& d : c.dns_names()) alt += d + ",";
  for (auto& e : c.emails()) alt += e + ",";
  for (auto& a : c.ip_addresses())
    if (auto ip = IpAddress::from_bytes(a)) alt += ip->str() + ",";
  return lower(alt);
}

bool rule_holds(const config::CertMapRule& r, const crypto::Certificate& c) {
  std::string have = field_text(r.field, c), want = lower(r.value);
  bool contains = have.find(want) != std::string::npos;
  if (r.op == "eq") return r.field == "alt-subject-name" ? contains : have == want;
  if (r.op == "ne") return have != want;
  if (r.op == "co") return contains;
  if (r.op == "nc") return !contains;
  return false;
}

}  // namespace

AuthKind auth_kind(config::AuthMethod method) {
  switch (method) {
    case config::AuthMethod::kRsaSig: return AuthKind::kRsaSig;
    case config::AuthMethod::kEcdsaSig: return AuthKind::kEcdsaSig;
    case config::AuthMethod::kEap: return AuthKind::kEap;
    case config::AuthMethod::kPreShare:
    case config::AuthMethod::kNone: break;  // IOS's default: pre-share
  }
  return AuthKind::kPsk;
}

AuthMethods auth_methods(const std::vector<config::AuthMethod>& methods) {
  if (methods.empty()) return AuthKind::kPsk;
  AuthMethods m;
  for (auto w : methods) m.add(auth_kind(w));
  return m;
}

bool cert_map_matches(const config::CertMap& map, const crypto::Certificate& cert) {
  // One sequence whose every rule holds is enough (IOS: rules of a sequence
  // are ANDed, sequences ORed).
  for (auto& [seq, rules] : map) {
    if (rules.empty()) continue;
    if (std::all_of(rules.begin(), rules.end(), [&](auto& r) { return rule_holds(r, cert); })) return true;
  }
  return false;
}

bool ConfigPolicy::cert_matches(const config::Ikev2Profile& p, const crypto::Certificate& cert) const {
  for (auto& name : p.match_certificate) {
    auto it = model_.cert_maps.find(name);
    if (it != model_.cert_maps.end() && cert_map_matches(it->second, cert)) return true;
  }
  return false;
}

// crypto key pubkey-chain rsa (the config accepted only RSA SubjectPublicKeyInfo).
void ConfigPolicy::add_raw_keys(ProfileConfig& c) const {
  auto parse = [](const std::string& der) {
    return std::shared_ptr<EVP_PKEY>(crypto::public_key_from_der(as_bytes(der)), EVP_PKEY_free);
  };
  for (auto& [addr, k] : model_.pubkey_chain.addressed)
    if (auto key = parse(k.der); key && IpAddress::parse(addr))
      c.peer_raw_keys.push_back({IpAddress::parse(addr), "", key});
  for (auto& [name, k] : model_.pubkey_chain.named)
    if (auto key = parse(k.der)) c.peer_raw_keys.push_back({std::nullopt, name, key});
}

void ConfigPolicy::apply_pki(ProfileConfig& c, const config::Ikev2Profile& p) const {
  c.local_auth = auth_kind(p.auth_local);
  c.remote_auth = auth_methods(p.auth_remote);
  // identity local dn, and IOS's default when we sign with a certificate.
  bool signs = c.local_auth == AuthKind::kRsaSig || c.local_auth == AuthKind::kEcdsaSig;
  bool dn = p.identity_local && p.identity_local->kind == config::IkeIdentity::Kind::kDn;
  if (dn || (!p.identity_local && signs)) c.local_id = Identity{IdType::kDerAsn1Dn, {}};
  add_raw_keys(c);
  if (!pki_) return;
  if (p.pki_trustpoints.empty()) {
    // No pki trustpoint in the profile: every trustpoint serves, as in IOS.
    for (auto& [name, tp] : pki_->all()) {
      c.sign_trustpoints.push_back(tp);
      c.verify_trustpoints.push_back(tp);
    }
  }
  for (auto& line : p.pki_trustpoints) {
    std::string name = line.substr(0, line.find(' '));
    std::string use = line.size() > name.size() ? line.substr(name.size() + 1) : "";
    auto tp = pki_->trustpoint(name);
    if (!tp) continue;
    if (use != "verify") c.sign_trustpoints.push_back(tp);
    if (use != "sign") c.verify_trustpoints.push_back(tp);
  }
  // identity local dn: the subject of the certificate we sign with.
  if (c.local_id.type == IdType::kDerAsn1Dn)
    for (auto& tp : c.sign_trustpoints)
      if (tp->cert) {
        c.local_id.data = tp->cert->subject_der();
        break;
      }
}

std::vector<Bytes> ConfigPolicy::certreq_authorities(const IpAddress& local) const {
  std::vector<Bytes> out;
  for (auto& [name, p] : model_.profiles) {
    if (!auth_methods(p.auth_remote).any_signature()) continue;
    if (!local_matches(p, local)) continue;
    ProfileConfig c;
    apply_pki(c, p);
    for (auto& tp : c.verify_trustpoints)
      for (auto& h : tp->ca_hashes())
        if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
  }
  return out;
}

}  // namespace kg::daemon
