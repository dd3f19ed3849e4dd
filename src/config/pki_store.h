// The PKI part of the configuration in usable form: every crypto pki
// trustpoint with its parsed CA and router certificates (crypto pki
// certificate chain), its key pair from the KeyStore and a trust store for
// path validation. Rebuilt only when the PKI configuration or a key changes,
// then shared (immutable) with the IKE engine through ConfigPolicy.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/key_store.h"
#include "config/model.h"
#include "crypto/trustpoint.h"

namespace kg::config {

// The key pair label a trustpoint uses: rsakeypair / eckeypair, else its name
// (what IOS names the key pair of an imported PEM trustpoint).
std::string key_label(const std::string& trustpoint, const PkiTrustpoint& tp);

class PkiStore {
 public:
  explicit PkiStore(const KeyStore& keys) : keys_(keys) {}
  void update(const Model& m);
  [[nodiscard]] std::shared_ptr<const crypto::Trustpoint> trustpoint(const std::string& name) const;
  [[nodiscard]] const std::map<std::string, std::shared_ptr<const crypto::Trustpoint>>& all() const {
    return tps_;
  }

 private:
  const KeyStore& keys_;
  std::map<std::string, PkiTrustpoint> seen_tps_;
  std::map<std::string, PkiCertChain> seen_chains_;
  uint64_t seen_generation_ = ~uint64_t(0);
  std::map<std::string, std::shared_ptr<const crypto::Trustpoint>> tps_;
};

}  // namespace kg::config
