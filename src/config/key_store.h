// Router key pairs (IOS keeps them in private NVRAM, never in running-config):
// each key is sealed with the daemon's master key (key_cipher.h) into
// <statedir>/pki/<label>.key (mode 0600), so write memory + reload keeps
// working while the clear key never reaches a config text, a log or a show.
// Without a state directory keys stay in memory only (tests).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "config/key_cipher.h"
#include "crypto/signer.h"

namespace kg::config {

class KeyStore {
 public:
  KeyStore(std::string state_dir, const KeyCipher& cipher) : dir_(std::move(state_dir)), cipher_(cipher) {}
  // Labels are IOS key pair names: letters, digits, '.', '_', '-'.
  [[nodiscard]] static bool valid_label(const std::string& label);
  [[nodiscard]] Result<void> put(const std::string& label, const crypto::KeySigner& key);
  // The key, read and unsealed once then cached; null when there is none.
  [[nodiscard]] std::shared_ptr<const crypto::Signer> get(const std::string& label) const;
  // Bumped by every put, so holders of derived state know to refresh.
  [[nodiscard]] uint64_t generation() const { return generation_; }
  // Keys held outside the state directory: keygated's hardware tokens
  // (src/daemon/tokens.h) answer for the labels of their active keys (and
  // pkcs11: URIs). Asked before the sealed files; external_changed() says
  // that its answers changed (a login, a deactivation).
  using ExternalKeys = std::function<std::shared_ptr<const crypto::Signer>(const std::string& label)>;
  void set_external(ExternalKeys f) { external_ = std::move(f); }
  void external_changed() { ++generation_; }

 private:
  std::string path(const std::string& label) const;
  std::string dir_;
  const KeyCipher& cipher_;
  mutable std::map<std::string, std::shared_ptr<const crypto::Signer>> cache_;
  std::map<std::string, std::string> memory_;  // sealed text, when there is no state dir
  uint64_t generation_ = 0;
  ExternalKeys external_;
};

}  // namespace kg::config
