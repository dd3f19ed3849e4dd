// Where router key pairs live, as the `crypto key` commands and trustpoints
// see them. keygate's own storage is the state directory (KeyStore: sealed
// files, key_store.h); keygated's PKCS#11 tokens are another KeyStorage
// (daemon/token_storage.h), registered with KeyStore::add_storage. Commands
// and trustpoints only ever go through KeyStore, which asks each storage:
// that is the one place a new storage plugs in.
#pragma once
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/signer.h"

namespace kg::config {

// IOS key usages: general-keys give one General Purpose pair, usage-keys a
// Signature pair and an Encryption pair under one label.
enum class KeyUsage { kGeneral, kSignature, kEncryption };
// crypto key encrypt: the private key is kept under a passphrase; after a
// restart (or crypto key lock) it is locked until crypto key unlock.
enum class KeyProtection { kNone, kUnlocked, kLocked };

// What show crypto key mypubkey prints about a key pair: never the private key.
struct KeyEntry {
  std::string label;
  KeyUsage usage = KeyUsage::kGeneral;
  crypto::KeyInfo info;
  bool exportable = false;
  std::time_t created = 0;
  Bytes public_der;  // SubjectPublicKeyInfo
  KeyProtection protection = KeyProtection::kNone;
  std::string device;  // IOS "Storage Device": "private-config", "usbtoken0 (label=eToken)"
};

// What crypto key generate asks for: RSA of `bits`, or EC P-256 / P-384.
struct KeySpec {
  bool ec = false;
  int bits = 2048;
};

class KeyStorage {
 public:
  virtual ~KeyStorage() = default;
  // The storage's name as `storage NAME` would give it ("private-config").
  [[nodiscard]] virtual std::string name() const = 0;
  // The storage `storage NAME` means, when this one answers to NAME: itself,
  // or one of several devices it holds (a token by label, usbtokenN or URI).
  [[nodiscard]] virtual KeyStorage* named(const std::string& n) { return n == name() ? this : nullptr; }
  [[nodiscard]] virtual std::vector<KeyEntry> list() const = 0;
  // Replaces any pair with this label (the command asked first).
  [[nodiscard]] virtual Result<void> generate(const std::string& label, KeySpec spec, bool usage_keys,
                                              bool exportable) = 0;
  // The pairs of `label` (all RSA or all EC pairs when empty); how many went.
  [[nodiscard]] virtual Result<size_t> remove(const std::string& label, bool ec) = 0;
  // The signing key of `label` (general or signature usage), null if none.
  [[nodiscard]] virtual std::shared_ptr<const crypto::Signer> signer(const std::string& label) const = 0;
  // A general-purpose pair from a clear PKCS#8 private key (crypto key move):
  // kept sensitive, extractable only when `exportable`.
  [[nodiscard]] virtual Result<void> import_pkcs8(const std::string& label, ByteView pkcs8, bool exportable) {
    (void)label, (void)pkcs8, (void)exportable;
    return fail(Errc::kUnsupported, "storage " + name() + " cannot take a key pair");
  }
};

}  // namespace kg::config
