// crypto key commands on the router's own key pairs (seed 000, seed 001's
// index): generate, zeroize, export, import, encrypt/decrypt, lock/unlock,
// and show crypto key mypubkey. Keys are never in the running-config: they
// live in the KeyStore (key_store.h, sealed in the state directory), which is
// also where another storage (keygated's PKCS#11 tokens) plugs in: generate
// ... storage TOKEN, crypto key storage TOKEN and crypto key move reach a
// token only through it. IOS takes most of
// these in global configuration mode (seed 000 generates there); they are
// registered in exec mode too, and write nothing back.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "config/session.h"
#include "crypto/key_pair.h"
#include "crypto/x509.h"

namespace kg::config {

Result<std::string> resolve_url(const Config& cfg, const std::string& url);  // commands_pki.cc

namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

const char* kind_word(bool ec) { return ec ? "EC" : "RSA"; }

// A shell that can answer a question (a configuration file cannot).
bool interactive(C c) { return c.terminal && !c.terminal->from_file; }

bool said_yes(std::string_view answer) {
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back()))) answer.remove_suffix(1);
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.front()))) answer.remove_prefix(1);
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
}

bool has_label(const KeyStore& ks, const std::string& label, std::optional<bool> ec = std::nullopt) {
  for (auto& e : ks.entries())
    if (e.label == label && (!ec || e.info.ecdsa() == *ec)) return true;
  return false;
}

// Trustpoints whose key pair is `label` (any label when empty): what a
// zeroize leaves without a key.
std::string users_of(const Model& m, const std::string& label) {
  std::string s;
  for (auto& [name, tp] : m.trustpoints)
    if (label.empty() || key_label(name, tp) == label) s += (s.empty() ? "" : ", ") + name;
  return s;
}

// --- crypto key generate ----------------------------------------------------

// Where a new pair goes: `storage NAME` when given, else the configured
// `crypto key storage TOKEN` (IOS: the default for new keys), else the
// state directory.
Result<KeyStorage*> target_storage(C c, const std::string& named) {
  std::string n = !named.empty() ? named : c.model.key_storage;
  if (n.empty()) return &c.config.keys();
  if (auto* s = c.config.keys().storage(n)) return s;
  return fail(Errc::kNotFound, "Storage " + n + " not found (a token's label, usbtokenN or pkcs11: URI, or " +
                                   KeyStore::kDevice + ")" +
                                   (named.empty() ? " (from crypto key storage " + n + ")" : std::string()));
}

Result<std::string> do_generate(KeyStorage& to, const std::string& label, KeySpec spec, bool usage_keys, bool exportable) {
  std::string out;
  if (!spec.ec) out += "% The key modulus size is " + std::to_string(spec.bits) + " bits\n";
  std::string line = "% Generating " + std::to_string(spec.bits) + " bit " + kind_word(spec.ec) + " keys, keys will be " +
                     (exportable ? "exportable" : "non-exportable") + "...";
  if (auto r = to.generate(label, spec, usage_keys, exportable); !r)
    return fail(r.error().code, out + line + "\n% " + r.error().message);
  out += line + "[OK]";
  if (to.name() != KeyStore::kDevice) out += " (on " + to.name() + ")";
  out += "\n";
  if (usage_keys) out += line + "[OK]\n";
  if (!spec.ec && spec.bits < 2048) out += "% Warning: RSA keys under 2048 bits are insecure and kept only for legacy peers\n";
  return out;
}

// The words after the key size: [exportable] [storage NAME].
struct GenTail {
  bool exportable = false;
  std::string storage;
};
GenTail gen_tail(A a, size_t from) {
  GenTail t;
  for (size_t i = from; i < a.size(); ++i) {
    if (a.at(i) == "exportable") t.exportable = true;
    else if (a.at(i) == "storage" && i + 1 < a.size()) t.storage = a.at(++i);
  }
  return t;
}

Result<std::string> generate(C c, const std::string& label, KeySpec spec, bool usage_keys, GenTail tail) {
  if (!KeyStore::valid_label(label)) return fail(Errc::kInvalidArgument, "Invalid key pair label " + label);
  auto to = target_storage(c, tail.storage);
  if (!to) return std::unexpected(to.error());
  KeyStorage* dest = *to;
  bool exportable = tail.exportable;
  std::string head = "The name for the keys will be: " + label + "\n";
  if (!has_label(c.config.keys(), label)) {
    auto r = do_generate(*dest, label, spec, usage_keys, exportable);
    if (!r) return r;
    return head + *r;
  }
  // A token keeps the pair it has: replacing works in the state directory.
  if (dest != &c.config.keys())
    return fail(Errc::kState, "You already have keys named " + label + " (crypto key zeroize first)");
  // IOS asks before replacing a pair; a configuration file cannot answer.
  if (!interactive(c))
    return fail(Errc::kState, "You already have keys named " + label + " (crypto key zeroize first)");
  c.question = SecretQuestion{"% Do you really want to replace them? [yes/no]: ",
                              [dest, label, spec, usage_keys, exportable, head](std::string_view a) -> Result<std::string> {
                                if (!said_yes(a)) return std::string("% Keys not replaced.\n");
                                auto r = do_generate(*dest, label, spec, usage_keys, exportable);
                                if (!r) return r;
                                return head + *r;
                              }};
  return "% You already have " + std::string(kind_word(spec.ec)) + " keys defined named " + label + ".\n";
}

void add_generate(CommandTable& t, Mode m) {
  // The command table takes one optional word at the end, so the storage
  // variants are registered apart: ... [exportable], ... [exportable]
  // storage TOKEN.
  std::vector<std::string> rsa_help = {"Encryption module", "Public key commands", "Generate new keys", "Generate RSA keys",
                                       "One pair for signing and encryption, or one pair for each", "Provide a label",
                                       "Key pair label", "Provide number of modulus bits on the command line",
                                       "Modulus size in bits"};
  std::vector<std::string> ec_help = {"Encryption module", "Public key commands", "Generate new keys", "Generate EC keys",
                                      "Size of the key", "P-256 or P-384", "Provide a label", "Key pair label"};
  const std::string exp = "Allow the key to be exported";
  const std::string sto = "Store the keys on a token (default: crypto key storage)";
  const std::string tok = "Token name: label, usbtokenN or pkcs11: URI";
  auto with = [](std::vector<std::string> h, std::initializer_list<std::string> more) {
    h.insert(h.end(), more);
    return h;
  };
  auto rsa = [](C c, A a) {
    return generate(c, a.at(6), KeySpec{false, std::stoi(a.at(8))}, a.at(4) == "usage-keys", gen_tail(a, 9));
  };
  auto ec = [](C c, A a) { return generate(c, a.at(7), KeySpec{true, std::stoi(a.at(5))}, false, gen_tail(a, 8)); };
  const std::string rsa_g = "crypto key generate rsa {general-keys|usage-keys} label WORD modulus <512-4096>";
  const std::string ec_g = "crypto key generate ec keysize {256|384} label WORD";
  std::vector<CommandTable::Registration> regs;
  regs.push_back(t.add(m, rsa_g + " [exportable]", with(rsa_help, {exp}), rsa));
  regs.push_back(t.add(m, rsa_g + " storage WORD", with(rsa_help, {sto, tok}), rsa));
  regs.push_back(t.add(m, rsa_g + " exportable storage WORD", with(rsa_help, {exp, sto, tok}), rsa));
  regs.push_back(t.add(m, ec_g + " [exportable]", with(ec_help, {exp}), ec));
  regs.push_back(t.add(m, ec_g + " storage WORD", with(ec_help, {sto, tok}), ec));
  regs.push_back(t.add(m, ec_g + " exportable storage WORD", with(ec_help, {exp, sto, tok}), ec));
  if (m != Mode::kExec)
    for (auto& r : regs) r.not_persisted();
}

// --- crypto key move --------------------------------------------------------

// IOS: crypto key move rsa LABEL [non-exportable] storage TOKEN moves a pair
// from the router's storage onto a token; trustpoints naming the label keep
// signing, now inside the token. keygate takes `ec` too.
Result<std::string> move_key(C c, A a) {
  const std::string& label = a.at(4);
  bool non_exportable = a.at(5) == "non-exportable";
  const std::string& name = a.at(a.size() - 1);
  auto* to = c.config.keys().storage(name);
  if (!to) return fail(Errc::kNotFound, "Storage " + name + " not found (a token's label, usbtokenN or pkcs11: URI)");
  if (auto r = c.config.keys().move(label, a.at(3) == "ec", *to, !non_exportable); !r) return std::unexpected(r.error());
  return "% Key pair " + label + " moved to " + to->name() + (non_exportable ? ", not exportable" : "") +
         "; removed from " + KeyStore::kDevice + ".\n";
}

void add_move(CommandTable& t, Mode m) {
  std::vector<std::string> h = {"Encryption module", "Public key commands", "Move keys to another storage",
                                "RSA key pair, or EC key pair", "Key pair label"};
  auto with = [&](std::initializer_list<std::string> more) {
    auto v = h;
    v.insert(v.end(), more);
    return v;
  };
  auto a = t.add(m, "crypto key move {rsa|ec} WORD storage WORD",
                 with({"Where the keys go", "Token name: label, usbtokenN or pkcs11: URI"}), move_key);
  auto b = t.add(m, "crypto key move {rsa|ec} WORD non-exportable storage WORD",
                 with({"The key can never be exported from the token", "Where the keys go",
                       "Token name: label, usbtokenN or pkcs11: URI"}),
                 move_key);
  if (m != Mode::kExec) { a.not_persisted(); b.not_persisted(); }
}

// --- crypto key zeroize -----------------------------------------------------

Result<std::string> zeroize(C c, A a) {
  bool ec = a.at(3) == "ec";
  std::string label = a.size() > 4 ? a.at(4) : "";
  bool any = false;
  for (auto& e : c.config.keys().entries())
    if (e.info.ecdsa() == ec && (label.empty() || e.label == label)) any = true;
  if (!any)
    return fail(Errc::kNotFound, label.empty() ? std::string("No ") + kind_word(ec) + " keys found in configuration."
                                               : std::string("No ") + kind_word(ec) + " keys named " + label + " found.");
  if (!interactive(c)) return fail(Errc::kState, "crypto key zeroize asks for confirmation: run it from the shell");
  std::string head = label.empty() ? "% All " + std::string(kind_word(ec)) + " keys will be removed.\n"
                                   : "% Keys to be removed are named '" + label + "'.\n";
  if (auto users = users_of(c.model, label); !users.empty())
    head += "% Trustpoints using these keys can no longer sign: " + users + "\n";
  Config* cfg = &c.config;
  c.question = SecretQuestion{"% Do you really want to remove these keys? [yes/no]: ",
                              [cfg, label, ec](std::string_view answer) -> Result<std::string> {
                                if (!said_yes(answer)) return std::string();
                                auto n = cfg->keys().remove_everywhere(label, ec);
                                if (!n) return std::unexpected(n.error());
                                return std::string();
                              }};
  return head;
}

// --- crypto key export / import ---------------------------------------------

// IOS names: aes and 3des; OpenSSL's ciphers behind them (PKCS#8 PBES2).
Result<std::string> pem_cipher(const std::string& word, std::string& warning) {
  if (word == "aes") return std::string("AES-256-CBC");
  // IOS offers single DES too; its 56-bit key would protect a private key
  // no better than no passphrase, and OpenSSL 3 keeps it in the legacy
  // provider only, so keygate refuses it rather than export a weak file.
  if (word == "des") return fail(Errc::kUnsupported, "des (56-bit) is refused for private keys; use 3des or aes");
  if (!crypto::pem_cipher_available("DES-EDE3-CBC"))
    return fail(Errc::kUnsupported, "3des is not available in this OpenSSL; use aes");
  warning = "% Warning: 3des is insecure and kept only for legacy peers\n";
  return std::string("DES-EDE3-CBC");
}

Result<void> write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail(Errc::kIo, "cannot write " + path);
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(Errc::kIo, "cannot write " + path);
  }
  return {};
}

Result<std::string> export_key(C c, A a) {
  const std::string& label = a.at(4);
  bool to_url = a.at(6) == "url";
  std::string warning;
  auto cipher = pem_cipher(a.at(to_url ? 8 : 7), warning);
  if (!cipher) return std::unexpected(cipher.error());
  auto ex = c.config.keys().export_pem(label, *cipher, a.at(to_url ? 9 : 8));
  if (!ex) return std::unexpected(ex.error());
  std::string out = warning;
  if (!to_url) {
    for (auto& e : *ex) {
      out += "% Key name: " + label + "\n   Usage: " + usage_text(e.entry.usage) + "\nKey data:\n";
      out += e.public_pem + e.private_pem;
    }
    return out;
  }
  auto prefix = resolve_url(c.config, a.at(7));
  if (!prefix) return std::unexpected(prefix.error());
  for (auto& e : *ex) {
    // Usage keys go to PREFIX-sign.* and PREFIX-encr.*, as IOS names them.
    std::string base = *prefix + (e.entry.usage == KeyUsage::kSignature    ? "-sign"
                                  : e.entry.usage == KeyUsage::kEncryption ? "-encr"
                                                                           : "");
    out += "% Key name: " + label + "\n   Usage: " + usage_text(e.entry.usage) + "\n";
    out += "Exporting public key...\nWriting file to " + base + ".pub\n";
    if (auto r = write_file(base + ".pub", e.public_pem, 0644); !r) return std::unexpected(r.error());
    out += "Exporting private key...\nWriting file to " + base + ".prv\n";
    if (auto r = write_file(base + ".prv", e.private_pem, 0600); !r) return std::unexpected(r.error());
  }
  return out;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, "cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The private key (PEM, encrypted under `passphrase`) and, when given, the
// public key that must belong to it. Nothing is stored unless all is good.
Result<std::string> import_key(Config& cfg, const std::string& label, const std::string& prv, const std::string* pub,
                               const std::string& passphrase, bool exportable) {
  if (!KeyStore::valid_label(label)) return fail(Errc::kInvalidArgument, "Invalid key pair label " + label);
  auto key = crypto::KeySigner::from_pem(as_bytes(prv), passphrase);
  if (!key) return fail(Errc::kInvalidArgument, "Import of key pair " + label + " failed: " + key.error().message);
  if (pub) {
    EVP_PKEY* p = crypto::public_key_from_pem(*pub);
    Bytes want = crypto::public_der(**key);
    unsigned char* der = nullptr;
    int n = p ? i2d_PUBKEY(p, &der) : 0;
    bool same = n > 0 && Bytes(der, der + n) == want;
    OPENSSL_free(der);
    EVP_PKEY_free(p);
    if (!same) return fail(Errc::kInvalidArgument, "Import of key pair " + label + " failed: the public key does not belong to the private key");
  }
  if (auto r = cfg.keys().import(label, **key, exportable); !r) return std::unexpected(r.error());
  return "% Key pair import succeeded.\n";
}

// crypto key import rsa LABEL [exportable] pem {terminal | url URL}
// [exportable] PASSPHRASE, and keygate's older order PASSPHRASE exportable.
struct ImportWords {
  std::string label, url, passphrase;
  bool exportable = false;
};
ImportWords import_words(A a) {
  ImportWords w{a.at(4), "", "", false};
  std::vector<std::string> rest(a.words.begin() + 5, a.words.end());
  if (rest.size() > 1 && rest.back() == "exportable") { w.exportable = true; rest.pop_back(); }
  w.passphrase = rest.back();
  rest.pop_back();
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == "exportable") w.exportable = true;
    if (rest[i] == "url" && i + 1 < rest.size()) w.url = rest[++i];
  }
  return w;
}

Result<std::string> import_url(C c, A a) {
  ImportWords w = import_words(a);
  const std::string& label = w.label;
  auto prefix = resolve_url(c.config, w.url);
  if (!prefix) return std::unexpected(prefix.error());
  auto prv = read_text(*prefix + ".prv");
  if (!prv) return fail(Errc::kNotFound, "Import of key pair " + label + " failed: " + prv.error().message);
  auto pub = read_text(*prefix + ".pub");
  std::string out = "% Importing public key from " + *prefix + ".pub...\n% Importing private key from " + *prefix + ".prv...\n";
  if (!pub) out = "% Importing private key from " + *prefix + ".prv...\n";
  auto r = import_key(c.config, label, *prv, pub ? &*pub : nullptr, w.passphrase, w.exportable);
  if (!r) return r;
  return out + *r;
}

// Terminal import: the PEM lines are read like a secret (never echoed, never
// kept), one question per line, until "quit".
struct PemPaste {
  std::string label, passphrase, text;
  bool exportable = false;
};

SecretQuestion next_pem_line(Config* cfg, std::shared_ptr<PemPaste> p) {
  SecretQuestion q{"", [cfg, p](std::string_view line) -> Result<std::string> {
                          std::string_view l = line;
                          while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.remove_suffix(1);
                          if (l != "quit") {
                            p->text.append(l);
                            p->text += "\n";
                            return std::string();
                          }
                          auto r = import_key(*cfg, p->label, p->text, nullptr, p->passphrase, p->exportable);
                          OPENSSL_cleanse(p->text.data(), p->text.size());
                          OPENSSL_cleanse(p->passphrase.data(), p->passphrase.size());
                          return r;
                        }};
  q.again = [](std::string_view line) { return line != "quit"; };
  return q;
}

void add_export_import(CommandTable& t, Mode m) {
  std::vector<std::string> head = {"Encryption module", "Public key commands"};
  auto h = [&](std::vector<std::string> rest) {
    auto v = head;
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
  };
  std::vector<CommandTable::Registration> regs;
  regs.push_back(t.add(m, "crypto key export rsa WORD pem terminal {aes|3des|des} WORD",
                       h({"Export keys", "RSA key pair", "Key pair label", "PEM format (PKCS#8, encrypted)",
                          "Print the keys on the terminal", "Cipher of the private key", "Passphrase"}),
                       export_key));
  regs.push_back(t.add(m, "crypto key export rsa WORD pem url WORD {aes|3des|des} WORD",
                       h({"Export keys", "RSA key pair", "Key pair label", "PEM format (PKCS#8, encrypted)",
                          "Write PREFIX.pub and PREFIX.prv", "URL prefix (file:PATH or flash:NAME)",
                          "Cipher of the private key", "Passphrase"}),
                       export_key));
  // IOS puts exportable after the label or before the passphrase; keygate
  // also takes it last, as it first did.
  const std::string exp = "Allow the key to be exported", url = "URL prefix (file:PATH or flash:NAME)",
                    pass = "Passphrase of the private key";
  const std::vector<std::string> im = {"Import keys", "RSA key pair", "Key pair label"};
  auto ih = [&](std::vector<std::string> rest) {
    auto v = im;
    v.insert(v.end(), rest.begin(), rest.end());
    return h(v);
  };
  const std::string from_url = "Read PREFIX.prv (and PREFIX.pub)", from_term = "Paste the private key on the terminal";
  regs.push_back(t.add(m, "crypto key import rsa WORD pem url WORD WORD [exportable]",
                       ih({"PEM format", from_url, url, pass, exp}), import_url));
  regs.push_back(t.add(m, "crypto key import rsa WORD pem url WORD exportable WORD",
                       ih({"PEM format", from_url, url, exp, pass}), import_url));
  regs.push_back(t.add(m, "crypto key import rsa WORD exportable pem url WORD WORD",
                       ih({exp, "PEM format", from_url, url, pass}), import_url));
  auto import_terminal = [](C c, A a) -> Result<std::string> {
    if (!interactive(c)) return fail(Errc::kState, "crypto key import terminal needs the shell");
    ImportWords w = import_words(a);
    if (!KeyStore::valid_label(w.label)) return fail(Errc::kInvalidArgument, "Invalid key pair label " + w.label);
    auto p = std::make_shared<PemPaste>(PemPaste{w.label, w.passphrase, "", w.exportable});
    c.question = next_pem_line(&c.config, p);
    c.question->prompt = "% Enter PEM-formatted encrypted private key.\n% End with \"quit\" on a line by itself.\n";
    return std::string();
  };
  regs.push_back(t.add(m, "crypto key import rsa WORD pem terminal WORD [exportable]",
                       ih({"PEM format", from_term, pass, exp}), import_terminal));
  regs.push_back(t.add(m, "crypto key import rsa WORD pem terminal exportable WORD",
                       ih({"PEM format", from_term, exp, pass}), import_terminal));
  regs.push_back(t.add(m, "crypto key import rsa WORD exportable pem terminal WORD",
                       ih({exp, "PEM format", from_term, pass}), import_terminal));
  if (m != Mode::kExec)
    for (auto& r : regs) r.not_persisted();
}

// --- crypto key encrypt / decrypt / lock / unlock ---------------------------

Result<std::string> protect(C c, A a) {
  const std::string& verb = a.at(2);
  KeyStore::Protect op = verb == "encrypt" ? KeyStore::Protect::kEncrypt
                         : verb == "decrypt" ? KeyStore::Protect::kDecrypt
                         : verb == "lock"    ? KeyStore::Protect::kLock
                                             : KeyStore::Protect::kUnlock;
  bool named = a.at(4) == "label" || a.at(4) == "name";
  std::string label = named ? a.at(5) : "";
  auto r = c.config.keys().protect(op, label, a.at(a.size() - 1));
  if (!r) return std::unexpected(r.error());
  std::string out;
  for (auto& l : *r) {
    if (op == KeyStore::Protect::kEncrypt) out += "% Key pair " + l + " is now protected by the passphrase (unlocked until locked or reloaded).\n";
    if (op == KeyStore::Protect::kDecrypt) out += "% Key pair " + l + " is no longer protected by a passphrase.\n";
    if (op == KeyStore::Protect::kLock) out += "% Key pair " + l + " is locked: it cannot sign until crypto key unlock.\n";
    if (op == KeyStore::Protect::kUnlock) out += "% Key pair " + l + " is unlocked.\n";
  }
  return out;
}

void add_protect(CommandTable& t) {
  for (Mode m : {Mode::kExec, Mode::kConfig}) {
    // IOS: encrypt / decrypt in configuration mode, lock / unlock in exec.
    std::string verbs = m == Mode::kExec ? "{encrypt|decrypt|lock|unlock}" : "{encrypt|decrypt}";
    std::vector<std::string> help = {"Encryption module", "Public key commands",
                                     "Protect with a passphrase, remove it, lock or unlock the key", "RSA key pairs"};
    auto all = t.add(m, "crypto key " + verbs + " rsa passphrase WORD", {help[0], help[1], help[2], help[3], "Passphrase", "Passphrase"}, protect);
    auto one = t.add(m, "crypto key " + verbs + " rsa {label|name} WORD passphrase WORD",
                     {help[0], help[1], help[2], help[3], "One key pair", "Key pair label", "Passphrase", "Passphrase"}, protect);
    if (m != Mode::kExec) { all.not_persisted(); one.not_persisted(); }
  }
}

// --- show crypto key mypubkey -----------------------------------------------

// Seed 000's layout: eight groups of eight hex digits per line.
// A last, shorter group stays on the line before ("... 67020301 0001").
std::string key_data(ByteView der) {
  std::string hex = to_hex(der), out;
  for (char& ch : hex) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  size_t groups = (hex.size() + 7) / 8;
  for (size_t g = 0; g < groups; ++g) {
    bool short_last = g + 1 == groups && hex.size() % 8 != 0 && g % 8 == 0 && g > 0;
    if (g > 0) out += g % 8 == 0 && !short_last ? "\n" : " ";
    out += hex.substr(g * 8, 8);
  }
  return out + "\n";
}

std::string show_entry(const KeyEntry& e) {
  // A token's key carries no creation time.
  std::string s = e.created ? "% Key pair was generated at: " + crypto::ios_time(e.created) + "\n" : "";
  s += "Key name: " + e.label + "\n";
  s += std::string("Key type: ") + (e.info.ecdsa() ? "EC KEYS" : "RSA KEYS") + "\n";
  s += "Storage Device: " + e.device + "\n";
  s += std::string("Usage: ") + usage_text(e.usage) + "\n";
  if (e.protection == KeyProtection::kLocked) s += "*** The key is protected and LOCKED. ***\n";
  if (e.protection == KeyProtection::kUnlocked) s += "*** The key is protected and UNLOCKED. ***\n";
  s += e.exportable ? "Key is exportable.\n" : "Key is not exportable.\n";
  return s + "Key Data:\n" + key_data(e.public_der);
}

void add_show(CommandTable& t) {
  t.add(Mode::kExec, "show crypto key mypubkey {rsa|ec} [WORD]",
        {"Show running system information", "Encryption module", "Show long term public keys",
         "Show public keys of the router's key pairs", "RSA key pairs, or EC key pairs", "Key pair label"},
        [](C c, A a) -> Result<std::string> {
          bool ec = a.at(4) == "ec";
          std::string out;
          for (auto& e : c.config.keys().entries())
            if (e.info.ecdsa() == ec && (a.size() < 6 || e.label == a.at(5))) out += show_entry(e);
          return out;
        });
}

}  // namespace

void register_key_commands(CommandTable& t) {
  for (Mode m : {Mode::kConfig, Mode::kExec}) {
    add_generate(t, m);
    add_move(t, m);
    auto z = t.add(m, "crypto key zeroize {rsa|ec} [WORD]",
                   {"Encryption module", "Public key commands", "Remove keys", "RSA keys, or EC keys", "Key pair label"}, zeroize);
    if (m != Mode::kExec) z.not_persisted();
    add_export_import(t, m);
  }
  add_protect(t);
  add_show(t);
}

}  // namespace kg::config
