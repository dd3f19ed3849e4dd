#include "config/pki_store.h"

#include <algorithm>

#include "common/log.h"

namespace kg::config {

std::string key_label(const std::string& trustpoint, const PkiTrustpoint& tp) {
  auto first_word = [](const std::string& s) { return s.substr(0, s.find(' ')); };
  if (!tp.rsakeypair.empty()) return first_word(tp.rsakeypair);
  if (!tp.eckeypair.empty()) return first_word(tp.eckeypair);
  return trustpoint;
}

namespace {

std::shared_ptr<const crypto::Trustpoint> build(const std::string& name, const PkiTrustpoint& cfg,
                                                const PkiCertChain* chain, const KeyStore& keys) {
  auto tp = std::make_shared<crypto::Trustpoint>();
  tp->name = name;
  // revocation-check: crl unless the first method is none (or "crl none",
  // which IOS reads as "accept when no CRL can be had").
  auto& r = cfg.revocation;
  tp->crl_check = r.empty() || (r.front() == "crl" && std::find(r.begin(), r.end(), "none") == r.end());
  if (chain) {
    for (auto& c : chain->certs) {
      // A block still being typed (no quit yet) or a broken one is skipped;
      // the quit handler already told the user.
      auto cert = crypto::Certificate::from_der(as_bytes(c.der));
      if (!cert) continue;
      if (c.ca) tp->ca_certs.push_back(*cert);
      else tp->cert = *cert;
    }
  }
  if (!tp->ca_certs.empty()) {
    auto store = crypto::TrustStore::create(tp->ca_certs);
    if (store) tp->trust = *store;
    else log::warn("trustpoint " + name + ": " + store.error().message);
  }
  if (tp->cert) {
    auto signer = keys.get(key_label(name, cfg));
    if (signer && signer->matches(*tp->cert)) tp->signer = signer;
  }
  return tp;
}

}  // namespace

void PkiStore::update(const Model& m) {
  if (m.trustpoints == seen_tps_ && m.cert_chains == seen_chains_ && keys_.generation() == seen_generation_) return;
  seen_tps_ = m.trustpoints;
  seen_chains_ = m.cert_chains;
  seen_generation_ = keys_.generation();
  tps_.clear();
  for (auto& [name, tp] : m.trustpoints) {
    auto ch = m.cert_chains.find(name);
    tps_[name] = build(name, tp, ch == m.cert_chains.end() ? nullptr : &ch->second, keys_);
  }
}

std::shared_ptr<const crypto::Trustpoint> PkiStore::trustpoint(const std::string& name) const {
  auto it = tps_.find(name);
  return it == tps_.end() ? nullptr : it->second;
}

}  // namespace kg::config
