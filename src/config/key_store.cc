#include "config/key_store.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "crypto/key_pair.h"

namespace kg::config {

const char* usage_text(KeyUsage u) {
  switch (u) {
    case KeyUsage::kGeneral: return "General Purpose Key";
    case KeyUsage::kSignature: return "Signature Key";
    case KeyUsage::kEncryption: return "Encryption Key";
  }
  return "";
}

namespace {

constexpr const char* kEncSuffix = "+enc";  // '+' is never in a label
constexpr const char* kRecordHead = "kgkey 1";

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };

const char* usage_word(KeyUsage u) {
  return u == KeyUsage::kSignature ? "signature" : u == KeyUsage::kEncryption ? "encryption" : "general";
}

std::string stem_of(const std::string& label, KeyUsage u) {
  return u == KeyUsage::kEncryption ? label + kEncSuffix : label;
}

}  // namespace

// The private key in memory: null while a protected key is locked.
struct KeyStore::Slot {
  std::shared_ptr<crypto::KeySigner> key;
};

struct KeyStore::Stored {
  KeyEntry entry;
  Secret priv;  // PKCS#8 DER: clear, or encrypted (PBES2) when protected
  std::shared_ptr<Slot> slot = std::make_shared<Slot>();
  std::shared_ptr<const crypto::Signer> signer;
  bool is_protected() const { return entry.protection != KeyProtection::kNone; }
};

namespace {

// What trustpoints hold: the public key always, the private one while the
// slot has it. A locked key says so instead of signing.
class StoredSigner final : public crypto::Signer {
 public:
  StoredSigner(std::string label, EVP_PKEY* pub, std::shared_ptr<const void> slot,
               std::function<const crypto::KeySigner*()> key)
      : label_(std::move(label)), pub_(pub), slot_(std::move(slot)), key_(std::move(key)) {}
  crypto::KeyInfo key() const override { return crypto::key_info(pub_.get()); }
  Result<Bytes> sign(crypto::SigScheme scheme, ByteView data) const override {
    const crypto::KeySigner* k = key_();
    if (!k)
      return fail(Errc::kState, std::string(key().rsa() ? "RSA" : "EC") + " key pair " + label_ +
                                    " is locked (crypto key unlock rsa name " + label_ + " passphrase ...)");
    return k->sign(scheme, data);
  }
  bool matches(const crypto::Certificate& cert) const override {
    return EVP_PKEY_eq(pub_.get(), cert.public_key()) == 1;
  }

 private:
  std::string label_;
  std::unique_ptr<EVP_PKEY, PkeyFree> pub_;
  std::shared_ptr<const void> slot_;
  std::function<const crypto::KeySigner*()> key_;
};

std::shared_ptr<const crypto::Signer> make_signer(const KeyEntry& e, const std::shared_ptr<void>& slot_any,
                                                  std::function<const crypto::KeySigner*()> key) {
  EVP_PKEY* pub = crypto::public_key_from_der(e.public_der);
  if (!pub) return nullptr;
  return std::make_shared<StoredSigner>(e.label, pub, slot_any, std::move(key));
}

std::string record_text(const KeyEntry& e, const Secret& priv) {
  std::string s = std::string(kRecordHead) + "\nusage " + usage_word(e.usage) + "\nexportable " +
                  (e.exportable ? "1" : "0") + "\ncreated " + std::to_string(e.created) + "\nprotected " +
                  (e.protection != KeyProtection::kNone ? "1" : "0") + "\npublic " + to_hex(e.public_der) +
                  "\nprivate " + to_hex(priv.view()) + "\n";
  return s;
}

}  // namespace

bool KeyStore::valid_label(const std::string& label) {
  if (label.empty() || label.size() > 64 || label[0] == '.') return false;
  for (char c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::string KeyStore::path(const std::string& stem) const { return dir_ + "/pki/" + stem + ".key"; }

Result<void> KeyStore::write(const std::string& stem, const Stored& s) {
  std::string clear = record_text(s.entry, s.priv);
  std::string sealed = cipher_.seal(clear);
  OPENSSL_cleanse(clear.data(), clear.size());
  if (dir_.empty()) {
    memory_[stem] = sealed;
    return {};
  }
  ::mkdir((dir_ + "/pki").c_str(), 0700);
  std::string tmp = path(stem) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::kIo, "cannot write " + tmp);
  bool ok = ::write(fd, sealed.data(), sealed.size()) == ssize_t(sealed.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path(stem).c_str()) != 0) return fail(Errc::kIo, "cannot write " + path(stem));
  return {};
}


void KeyStore::load_all() const {
  if (loaded_) return;
  loaded_ = true;
  std::map<std::string, std::pair<std::string, std::time_t>> sealed;  // stem -> text, mtime
  if (dir_.empty()) {
    for (auto& [stem, text] : memory_) sealed[stem] = {text, std::time(nullptr)};
  } else {
    std::error_code ec;
    for (auto& f : std::filesystem::directory_iterator(dir_ + "/pki", ec)) {
      std::string name = f.path().filename().string();
      if (name.size() < 5 || name.substr(name.size() - 4) != ".key") continue;
      std::string stem = name.substr(0, name.size() - 4);
      std::ifstream in(f.path());
      std::stringstream ss;
      ss << in.rdbuf();
      struct stat st {};
      std::time_t mtime = ::stat(f.path().c_str(), &st) == 0 ? st.st_mtime : std::time(nullptr);
      sealed[stem] = {ss.str(), mtime};
    }
  }
  for (auto& [stem, v] : sealed) {
    std::string label = stem;
    bool enc = label.size() > 4 && label.substr(label.size() - 4) == kEncSuffix;
    if (enc) label.resize(label.size() - 4);
    if (!valid_label(label)) continue;
    auto clear = cipher_.open(v.first);
    if (!clear) {
      log::warn("key pair " + label + ": " + clear.error().message);
      continue;
    }
    bool ok = false;
    auto s = parse_record(label, std::move(*clear), v.second, ok);
    if (!ok) {
      log::warn("key pair " + label + ": the stored key does not parse");
      continue;
    }
    if (enc) s->entry.usage = KeyUsage::kEncryption;
    keys_[stem] = s;
  }
}

// One sealed record (or a bare PKCS#8 key from an older keygate).
std::shared_ptr<KeyStore::Stored> KeyStore::parse_record(const std::string& label, std::string clear, std::time_t mtime,
                                                         bool& ok) {
  auto s = std::make_shared<KeyStore::Stored>();
  s->entry.label = label;
  s->entry.device = KeyStore::kDevice;
  s->entry.created = mtime;
  ok = false;
  if (!clear.empty() && uint8_t(clear[0]) == 0x30) {  // bare PKCS#8: an older keygate's file
    s->priv = Secret(std::string_view(clear));
  } else {
    std::istringstream in(clear);
    std::string line;
    if (!std::getline(in, line) || line != kRecordHead) { OPENSSL_cleanse(clear.data(), clear.size()); return s; }
    while (std::getline(in, line)) {
      auto sp = line.find(' ');
      std::string k = line.substr(0, sp), v = sp == std::string::npos ? "" : line.substr(sp + 1);
      if (k == "usage") s->entry.usage = v == "signature" ? KeyUsage::kSignature : v == "encryption" ? KeyUsage::kEncryption : KeyUsage::kGeneral;
      else if (k == "exportable") s->entry.exportable = v == "1";
      else if (k == "created") s->entry.created = std::time_t(std::strtoll(v.c_str(), nullptr, 10));
      else if (k == "protected") s->entry.protection = v == "1" ? KeyProtection::kLocked : KeyProtection::kNone;
      else if (k == "public") {
        if (auto b = from_hex(v)) s->entry.public_der = *b;
      } else if (k == "private") {
        if (auto b = from_hex(v)) {
          s->priv = Secret(std::span<const uint8_t>(*b));
          OPENSSL_cleanse(b->data(), b->size());
        }
      }
      OPENSSL_cleanse(line.data(), line.size());
    }
  }
  OPENSSL_cleanse(clear.data(), clear.size());
  if (!s->is_protected()) {
    auto k = crypto::KeySigner::from_pkcs8(s->priv.view());
    if (!k) return s;
    s->slot->key = *k;
    s->entry.public_der = crypto::public_der(**k);
  }
  EVP_PKEY* pub = crypto::public_key_from_der(s->entry.public_der);
  if (!pub) return s;
  s->entry.info = crypto::key_info(pub);
  EVP_PKEY_free(pub);
  s->signer = make_signer(s->entry, s->slot, [slot = s->slot.get()]() -> const crypto::KeySigner* { return slot->key.get(); });
  ok = s->signer != nullptr;
  return s;
}

const KeyStore::Stored* KeyStore::find(const std::string& stem) const {
  load_all();
  auto it = keys_.find(stem);
  return it == keys_.end() ? nullptr : it->second.get();
}

Result<Secret> KeyStore::private_pkcs8(const std::string& label) const {
  const Stored* s = valid_label(label) ? find(label) : nullptr;
  if (!s) return fail(Errc::kNotFound, "Key pair " + label + " not found");
  if (!s->slot->key) return fail(Errc::kState, "Key pair " + label + " is locked");
  return s->slot->key->to_pkcs8();
}

std::vector<KeyEntry> KeyStore::list() const {
  load_all();
  std::vector<KeyEntry> out;
  for (auto& [stem, s] : keys_) {
    KeyEntry e = s->entry;
    if (s->is_protected()) e.protection = s->slot->key ? KeyProtection::kUnlocked : KeyProtection::kLocked;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<KeyEntry> KeyStore::entries() const {
  auto out = list();
  for (auto& o : others_)
    for (auto& e : o->list()) out.push_back(std::move(e));
  return out;
}

KeyStorage* KeyStore::storage(const std::string& n) {
  if (n == kDevice) return this;
  for (auto& o : others_)
    if (auto* s = o->named(n)) return s;
  return nullptr;
}

namespace {
// A new record for a key held in memory.
KeyEntry entry_for(const std::string& label, KeyUsage u, const crypto::KeySigner& k, bool exportable) {
  KeyEntry e;
  e.label = label;
  e.usage = u;
  e.info = k.key();
  e.exportable = exportable;
  e.created = std::time(nullptr);
  e.public_der = crypto::public_der(k);
  e.device = KeyStore::kDevice;
  return e;
}
}  // namespace

Result<void> KeyStore::import(const std::string& label, const crypto::KeySigner& key, bool exportable) {
  if (!valid_label(label)) return fail(Errc::kInvalidArgument, "Invalid key pair label " + label);
  load_all();
  auto der = key.to_pkcs8();
  if (!der) return std::unexpected(der.error());
  auto s = std::make_shared<Stored>();
  s->entry = entry_for(label, KeyUsage::kGeneral, key, exportable);
  s->priv = std::move(*der);
  auto k = crypto::KeySigner::from_pkcs8(s->priv.view());
  if (!k) return std::unexpected(k.error());
  s->slot->key = *k;
  s->signer = make_signer(s->entry, s->slot, [slot = s->slot.get()]() -> const crypto::KeySigner* { return slot->key.get(); });
  if (auto r = write(label, *s); !r) return r;
  // A label names one pair or one usage-keys couple: the old ones go.
  if (keys_.erase(stem_of(label, KeyUsage::kEncryption))) {
    if (dir_.empty()) memory_.erase(stem_of(label, KeyUsage::kEncryption));
    else ::unlink(path(stem_of(label, KeyUsage::kEncryption)).c_str());
  }
  keys_[label] = s;
  ++generation_;
  return {};
}

Result<void> KeyStore::put(const std::string& label, const crypto::KeySigner& key) { return import(label, key, false); }

Result<void> KeyStore::generate(const std::string& label, KeySpec spec, bool usage_keys, bool exportable) {
  if (!valid_label(label)) return fail(Errc::kInvalidArgument, "Invalid key pair label " + label);
  auto make = [&] { return spec.ec ? crypto::generate_ec_key(spec.bits) : crypto::generate_rsa_key(spec.bits); };
  auto first = make();
  if (!first) return std::unexpected(first.error());
  if (auto r = import(label, **first, exportable); !r) return r;
  if (!usage_keys) return {};
  keys_[label]->entry.usage = KeyUsage::kSignature;
  if (auto r = write(label, *keys_[label]); !r) return r;
  auto second = make();
  if (!second) return std::unexpected(second.error());
  auto der = (*second)->to_pkcs8();
  if (!der) return std::unexpected(der.error());
  auto s = std::make_shared<Stored>();
  s->entry = entry_for(label, KeyUsage::kEncryption, **second, exportable);
  s->priv = std::move(*der);
  s->slot->key = *second;
  s->signer = make_signer(s->entry, s->slot, [slot = s->slot.get()]() -> const crypto::KeySigner* { return slot->key.get(); });
  std::string stem = stem_of(label, KeyUsage::kEncryption);
  if (auto r = write(stem, *s); !r) return r;
  keys_[stem] = s;
  ++generation_;
  return {};
}

Result<size_t> KeyStore::remove(const std::string& label, bool ec) {
  load_all();
  size_t n = 0;
  for (auto it = keys_.begin(); it != keys_.end();) {
    const KeyEntry& e = it->second->entry;
    bool match = label.empty() ? e.info.ecdsa() == ec : e.label == label && e.info.ecdsa() == ec;
    if (!match) { ++it; continue; }
    if (dir_.empty()) memory_.erase(it->first);
    else if (::unlink(path(it->first).c_str()) != 0) return fail(Errc::kIo, "cannot remove " + path(it->first));
    it->second->slot->key.reset();  // trustpoints holding it can no longer sign
    it = keys_.erase(it);
    ++n;
  }
  if (n) ++generation_;
  return n;
}

std::shared_ptr<const crypto::Signer> KeyStore::signer(const std::string& label) const {
  if (!valid_label(label)) return nullptr;
  const Stored* s = find(label);
  return s ? s->signer : nullptr;
}

std::shared_ptr<const crypto::Signer> KeyStore::get(const std::string& label) const {
  // The other storages first: a token answers for its active keys' labels
  // and for pkcs11: URIs.
  for (auto& o : others_)
    if (auto s = o->signer(label)) return s;
  return signer(label);
}

Result<size_t> KeyStore::remove_everywhere(const std::string& label, bool ec) {
  size_t n = 0;
  for (auto& o : others_) {
    auto r = o->remove(label, ec);
    if (!r) return r;
    n += *r;
  }
  auto r = remove(label, ec);
  if (!r) return r;
  if (n) ++generation_;
  return n + *r;
}

Result<void> KeyStore::import_pkcs8(const std::string& label, ByteView pkcs8, bool exportable) {
  auto k = crypto::KeySigner::from_pkcs8(pkcs8);
  if (!k) return std::unexpected(k.error());
  return import(label, **k, exportable);
}

Result<void> KeyStore::move(const std::string& label, bool ec, KeyStorage& to, bool exportable) {
  if (&to == this) return fail(Errc::kInvalidArgument, "Key pair " + label + " is already in " + kDevice);
  const Stored* s = valid_label(label) ? find(label) : nullptr;
  if (!s || s->entry.info.ecdsa() != ec)
    return fail(Errc::kNotFound, std::string("No ") + (ec ? "EC" : "RSA") + " keys named " + label + " found in " + kDevice);
  if (s->entry.usage != KeyUsage::kGeneral)
    return fail(Errc::kUnsupported, "Key pair " + label + " is a usage-keys pair; only general-purpose keys can be moved");
  if (find(stem_of(label, KeyUsage::kEncryption)))
    return fail(Errc::kUnsupported, "Key pair " + label + " is a usage-keys pair; only general-purpose keys can be moved");
  auto der = private_pkcs8(label);
  if (!der) return std::unexpected(der.error());
  // Never more exposed than it was: a non-exportable file key stays so.
  if (auto r = to.import_pkcs8(label, der->view(), exportable && s->entry.exportable); !r) return r;
  if (auto n = remove(label, s->entry.info.ecdsa()); !n) return std::unexpected(n.error());
  return {};
}

Result<std::vector<KeyStore::Exported>> KeyStore::export_pem(const std::string& label, std::string_view cipher,
                                                             std::string_view passphrase) const {
  load_all();
  std::vector<Exported> out;
  for (const char* suffix : {"", kEncSuffix}) {
    const Stored* s = find(label + suffix);
    if (!s) continue;
    // IOS: "% RSA keypair L is not exportable."
    if (!s->entry.exportable)
      return fail(Errc::kState, std::string(s->entry.info.rsa() ? "RSA" : "EC") + " keypair " + label + " is not exportable.");
    if (!s->slot->key) return fail(Errc::kState, "Key pair " + label + " is locked (crypto key unlock rsa name " + label + " passphrase ...)");
    auto pem = crypto::encrypted_pem(*s->slot->key, cipher, passphrase);
    if (!pem) return std::unexpected(pem.error());
    KeyEntry e = s->entry;
    out.push_back({e, crypto::public_pem(*s->slot->key), std::move(*pem)});
  }
  if (out.empty()) return fail(Errc::kNotFound, "Key pair " + label + " not found");
  return out;
}

Result<std::vector<std::string>> KeyStore::protect(Protect op, const std::string& label, std::string_view passphrase) {
  load_all();
  std::vector<std::shared_ptr<Stored>> targets;
  std::vector<std::string> stems;
  for (auto& [stem, s] : keys_)
    if ((label.empty() ? s->entry.info.rsa() : s->entry.label == label)) {
      targets.push_back(s);
      stems.push_back(stem);
    }
  if (targets.empty()) return fail(Errc::kNotFound, label.empty() ? "No RSA keys found" : "Key pair " + label + " not found");
  if (passphrase.empty()) return fail(Errc::kInvalidArgument, "The passphrase must not be empty");
  // Check every pair first, so a wrong passphrase changes nothing.
  std::vector<std::shared_ptr<crypto::KeySigner>> opened(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    auto& s = *targets[i];
    bool prot = s.is_protected();
    if (op == Protect::kEncrypt && prot)
      return fail(Errc::kState, "Key pair " + s.entry.label + " is already encrypted (crypto key decrypt rsa first)");
    if (op != Protect::kEncrypt && !prot) return fail(Errc::kState, "Key pair " + s.entry.label + " is not encrypted");
    if (op == Protect::kEncrypt) {
      if (!s.slot->key) return fail(Errc::kState, "Key pair " + s.entry.label + " is locked");
      continue;
    }
    auto k = crypto::from_encrypted_pkcs8(s.priv.view(), passphrase);
    if (!k) return fail(Errc::kAuthFailed, "Wrong passphrase for key pair " + s.entry.label + ", nothing changed");
    opened[i] = *k;
  }
  std::vector<std::string> changed;
  for (size_t i = 0; i < targets.size(); ++i) {
    auto& s = *targets[i];
    switch (op) {
      case Protect::kEncrypt: {
        auto enc = crypto::encrypted_pkcs8(*s.slot->key, "AES-256-CBC", passphrase);
        if (!enc) return std::unexpected(enc.error());
        Stored next = s;
        next.priv = Secret(std::span<const uint8_t>(*enc));
        next.entry.protection = KeyProtection::kUnlocked;
        if (auto r = write(stems[i], next); !r) return std::unexpected(r.error());
        s.priv = std::move(next.priv);
        s.entry.protection = KeyProtection::kUnlocked;  // IOS: usable until locked or reloaded
        break;
      }
      case Protect::kDecrypt: {
        auto der = opened[i]->to_pkcs8();
        if (!der) return std::unexpected(der.error());
        Stored next = s;
        next.priv = std::move(*der);
        next.entry.protection = KeyProtection::kNone;
        if (auto r = write(stems[i], next); !r) return std::unexpected(r.error());
        s.priv = std::move(next.priv);
        s.entry.protection = KeyProtection::kNone;
        s.slot->key = opened[i];
        break;
      }
      case Protect::kLock: s.slot->key.reset(); break;
      case Protect::kUnlock: s.slot->key = opened[i]; break;
    }
    if (std::find(changed.begin(), changed.end(), s.entry.label) == changed.end()) changed.push_back(s.entry.label);
  }
  ++generation_;
  return changed;
}

}  // namespace kg::config
