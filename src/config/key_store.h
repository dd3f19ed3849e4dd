// Router key pairs (IOS keeps them in private NVRAM, never in running-config):
// each key is sealed with the daemon's master key (key_cipher.h) into
// <statedir>/pki/<label>.key (mode 0600; the Encryption pair of usage-keys in
// <label>+enc.key), so write memory + reload keeps working while the clear
// key never reaches a config text, a log or a show. Without a state directory
// keys stay in memory only (tests).
//
// KeyStore is also the one place every `crypto key` command and trustpoint
// goes through (key_storage.h): storages other than the state directory
// (keygated's PKCS#11 tokens) are added with add_storage and asked by get(),
// entries() and storage(); there is no other path to a key.
//
// A sealed file holds a small record: usage, exportable, creation time,
// protection, the public key and the private key as PKCS#8 (clear inside the
// seal, or encrypted with the crypto key encrypt passphrase). Files from
// before the record (bare PKCS#8) read as general-purpose, not exportable.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/key_cipher.h"
#include "config/key_storage.h"
#include "crypto/signer.h"

namespace kg::config {

class KeyStore final : public KeyStorage {
 public:
  static constexpr const char* kDevice = "private-config";
  KeyStore(std::string state_dir, const KeyCipher& cipher) : dir_(std::move(state_dir)), cipher_(cipher) {}
  // Labels are IOS key pair names: letters, digits, '.', '_', '-'.
  [[nodiscard]] static bool valid_label(const std::string& label);
  // A general-purpose, non-exportable pair (crypto pki import).
  [[nodiscard]] Result<void> put(const std::string& label, const crypto::KeySigner& key);
  // The signing key of `label` in any storage, read and unsealed once then
  // cached; null when there is none. A protected key that is locked still
  // gives a signer, whose sign() fails saying so (the log shows why a tunnel
  // does not come up).
  [[nodiscard]] std::shared_ptr<const crypto::Signer> get(const std::string& label) const;
  // Every pair in every storage, by label.
  [[nodiscard]] std::vector<KeyEntry> entries() const;
  // Bumped by every change, so holders of derived state know to refresh.
  [[nodiscard]] uint64_t generation() const { return generation_; }
  // Another storage's answers changed (a token logged in, its keys
  // deactivated): trustpoints rebuild.
  void touch() { ++generation_; }

  // Other storages (keygated's tokens), asked before the sealed files by
  // get(): a token key and a file key of one label means the token's (the
  // file is what crypto key move leaves behind only if it failed half way).
  void add_storage(std::shared_ptr<KeyStorage> s) { others_.push_back(std::move(s)); touch(); }
  // crypto key zeroize: the pairs of `label` (all RSA or all EC pairs when
  // empty) in every storage; how many went.
  [[nodiscard]] Result<size_t> remove_everywhere(const std::string& label, bool ec);
  // The storage `storage NAME` names, or null.
  [[nodiscard]] KeyStorage* storage(const std::string& name);

  // KeyStorage: the state directory.
  [[nodiscard]] std::string name() const override { return kDevice; }
  [[nodiscard]] std::vector<KeyEntry> list() const override;
  [[nodiscard]] Result<void> generate(const std::string& label, KeySpec spec, bool usage_keys, bool exportable) override;
  [[nodiscard]] Result<size_t> remove(const std::string& label, bool ec) override;
  [[nodiscard]] std::shared_ptr<const crypto::Signer> signer(const std::string& label) const override;

  // crypto key import: a general-purpose pair from a decoded key.
  [[nodiscard]] Result<void> import(const std::string& label, const crypto::KeySigner& key, bool exportable);
  [[nodiscard]] Result<void> import_pkcs8(const std::string& label, ByteView pkcs8, bool exportable) override;
  // crypto key move rsa LABEL [non-exportable] storage NAME: the general-
  // purpose pair goes into `to` and its file is removed; trustpoints naming
  // the label find it there. Nothing is removed unless `to` took it.
  [[nodiscard]] Result<void> move(const std::string& label, bool ec, KeyStorage& to, bool exportable);
  // crypto key export: the public key and the private key encrypted with
  // `cipher` under `passphrase` (PEM). Refused when not exportable or locked.
  struct Exported {
    KeyEntry entry;
    std::string public_pem, private_pem;
  };
  [[nodiscard]] Result<std::vector<Exported>> export_pem(const std::string& label, std::string_view cipher,
                                                         std::string_view passphrase) const;
  // The clear private key (PKCS#8 DER) of a state-directory pair that is
  // not locked, for the router's own services that run in a process of their
  // own (keygate-web's HTTPS key, daemon/web_service.h), whatever its
  // exportable flag: never for a user, who has export_pem.
  [[nodiscard]] Result<Secret> private_pkcs8(const std::string& label) const;
  // crypto key encrypt / decrypt / lock / unlock of one label's pairs (all
  // RSA pairs when empty). Each returns the labels it changed.
  enum class Protect { kEncrypt, kDecrypt, kLock, kUnlock };
  [[nodiscard]] Result<std::vector<std::string>> protect(Protect op, const std::string& label,
                                                         std::string_view passphrase);

 private:
  struct Stored;
  struct Slot;
  std::string path(const std::string& stem) const;
  Result<void> write(const std::string& stem, const Stored& s);
  void load_all() const;
  static std::shared_ptr<Stored> parse_record(const std::string& label, std::string clear, std::time_t mtime, bool& ok);
  const Stored* find(const std::string& stem) const;
  std::string dir_;
  const KeyCipher& cipher_;
  mutable bool loaded_ = false;
  mutable std::map<std::string, std::shared_ptr<Stored>> keys_;  // by file stem
  std::map<std::string, std::string> memory_;  // sealed text, when there is no state dir
  std::vector<std::shared_ptr<KeyStorage>> others_;
  uint64_t generation_ = 0;
};

// IOS words: "General Purpose Key", "RSA KEYS".
const char* usage_text(KeyUsage u);

}  // namespace kg::config
