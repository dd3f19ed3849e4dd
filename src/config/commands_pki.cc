// crypto pki commands: trustpoints, the certificate chain blocks IOS writes
// into the running-config (so write memory + reload keep the certificates),
// PEM import of CA certificate, router certificate and key from files,
// certificate maps; and the IKEv2 profile commands that use them
// (authentication rsa-sig|ecdsa-sig, pki trustpoint, identity local dn,
// match certificate).
#include <fstream>
#include <sstream>

#include "config/session.h"
#include "config/writer.h"
#include "crypto/trust_store.h"

namespace kg::config {

void set_remote_method(std::vector<AuthMethod>& methods, AuthMethod m, bool negated);  // commands_profile.cc

// IOS URLs (also crypto key export/import, commands_keys.cc).
// file:PATH, or flash:/nvram:NAME inside the state directory.
Result<std::string> resolve_url(const Config& cfg, const std::string& url) {
  if (url.rfind("file:", 0) == 0 && url.size() > 5) return url.substr(5);
  for (const char* fs : {"flash:", "nvram:"}) {
    std::string f = fs;
    if (url.rfind(f, 0) != 0 || url.size() == f.size()) continue;
    if (cfg.state_dir().empty()) return fail(Errc::kInvalidArgument, f + " needs a state directory (keygated -d)");
    std::string name = url.substr(f.size());
    if (name.find("..") != std::string::npos) return fail(Errc::kInvalidArgument, "Invalid URL " + url);
    return cfg.state_dir() + "/" + (name.front() == '/' ? name.substr(1) : name);
  }
  return fail(Errc::kInvalidArgument, "Unsupported URL " + url + " (use file:PATH or flash:NAME)");
}

namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

std::string join(A a, size_t from) {
  std::string s;
  for (size_t i = from; i < a.size(); ++i) s += (s.empty() ? "" : " ") + a.at(i);
  return s;
}

std::string upper(std::string s) {
  for (char& ch : s) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

void enter(C c, Mode m, std::string obj, std::string sub = "") {
  c.next_mode = m;
  c.next_object = std::move(obj);
  c.next_sub_object = std::move(sub);
}

// --- crypto pki trustpoint ------------------------------------------------

void add_trustpoint(CommandTable& t) {
  t.add(Mode::kConfig, "crypto pki trustpoint WORD",
        {"Encryption module", "Public Key components", "Define a CA trustpoint", "Trustpoint name"},
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated || a.defaulted) {
            // IOS: removing a trustpoint destroys the certificates it holds.
            c.model.trustpoints.erase(n);
            c.model.cert_chains.erase(n);
            return ok();
          }
          c.model.trustpoints[n];
          enter(c, Mode::kPkiTrustpoint, n);
          return ok();
        })
      .writes(section::kPki, [](const WriteScope& s, std::string& out) {
        for (auto& [n, tp] : s.model.trustpoints) {
          out += "crypto pki trustpoint " + n + "\n";
          s.sub(Mode::kPkiTrustpoint, n, out);
          out += "!\n";
        }
      });
  auto tp = [](C c) -> PkiTrustpoint& { return c.model.trustpoints[c.object]; };
  // The writer of one optional word field of the trustpoint.
  auto line = [](std::string PkiTrustpoint::*f, std::string head) {
    return [f, head](const WriteScope& s, std::string& out) {
      if (auto& v = s.model.trustpoints.at(s.object).*f; !v.empty()) out += " " + head + " " + v + "\n";
    };
  };
  t.add(Mode::kPkiTrustpoint, "enrollment terminal [pem]", {"Enrollment parameters", "Enroll via the terminal (cut-and-paste)", "PEM format"},
        [tp](C c, A a) { tp(c).enrollment = a.negated ? "" : join(a, 1); return ok(); })
      .writes(1, line(&PkiTrustpoint::enrollment, "enrollment"));
  t.add(Mode::kPkiTrustpoint, "revocation-check {crl|none} [crl|none]",
        {"Revocation checking options", "Revocation check method", "Fallback method"}, [tp](C c, A a) {
          auto& r = tp(c).revocation;
          r.clear();
          if (!a.negated && !a.defaulted)
            for (size_t i = 1; i < a.size(); ++i) r.push_back(a.at(i));
          return ok();
        })
      .writes(3, [](const WriteScope& s, std::string& out) {
        if (auto& r = s.model.trustpoints.at(s.object).revocation; !r.empty()) out += " revocation-check" + join_words(r) + "\n";
      });
  t.add(Mode::kPkiTrustpoint, "subject-name LINE", {"Subject Name", "Subject name (e.g. cn=router,o=example)"},
        [tp](C c, A a) { tp(c).subject_name = a.negated ? "" : a.at(1); return ok(); })
      .writes(2, line(&PkiTrustpoint::subject_name, "subject-name"));
  t.add(Mode::kPkiTrustpoint, "rsakeypair WORD [<512-4096>]", {"Specify the key pair", "RSA key pair label", "Key size"},
        [tp](C c, A a) -> Result<std::string> {
          if (!a.negated && !KeyStore::valid_label(a.at(1))) return fail(Errc::kInvalidArgument, "Invalid key pair label");
          tp(c).rsakeypair = a.negated ? "" : join(a, 1);
          return ok();
        })
      .writes(4, line(&PkiTrustpoint::rsakeypair, "rsakeypair"));
  t.add(Mode::kPkiTrustpoint, "eckeypair WORD", {"Specify the EC key pair", "EC key pair label"},
        [tp](C c, A a) -> Result<std::string> {
          if (!a.negated && !KeyStore::valid_label(a.at(1))) return fail(Errc::kInvalidArgument, "Invalid key pair label");
          tp(c).eckeypair = a.negated ? "" : a.at(1);
          return ok();
        })
      .writes(5, line(&PkiTrustpoint::eckeypair, "eckeypair"));
}

// --- crypto pki certificate chain -----------------------------------------

PkiCertificate* find_cert(PkiCertChain& ch, bool ca, const std::string& serial) {
  for (auto& c : ch.certs)
    if (c.ca == ca && c.serial == serial) return &c;
  return nullptr;
}

// sub-object "ca 01" or "01": which block the hex lines belong to.
std::pair<bool, std::string> block_of(const std::string& sub) {
  if (sub.rfind("ca ", 0) == 0) return {true, sub.substr(3)};
  return {false, sub};
}

// IOS layout: eight groups of eight hex digits per line.
void write_hex(const std::string& der, std::string& out) {
  std::string hex = upper(to_hex(as_bytes(der)));
  for (size_t i = 0; i < hex.size(); i += 64) {
    out += " ";
    for (size_t j = i; j < std::min(hex.size(), i + 64); j += 8) out += " " + hex.substr(j, 8);
    out += "\n";
  }
}

void add_chain(CommandTable& t) {
  t.add(Mode::kConfig, "crypto pki certificate chain WORD",
        {"Encryption module", "Public Key components", "Actions on certificates", "Certificate chain", "Trustpoint name"},
        [](C c, A a) {
          const std::string& n = a.at(4);
          if (a.negated || a.defaulted) {
            c.model.cert_chains.erase(n);
            return ok();
          }
          c.model.cert_chains[n];
          enter(c, Mode::kCertChain, n);
          return ok();
        })
      .writes(section::kPki + 2, [](const WriteScope& s, std::string& out) {
        for (auto& [n, ch] : s.model.cert_chains) {
          out += "crypto pki certificate chain " + n + "\n";
          s.sub(Mode::kCertChain, n, out);
          out += "!\n";
        }
      });
  auto cert = [](bool ca) {
    return [ca](C c, A a) -> Result<std::string> {
      std::string serial = upper(a.at(ca ? 2 : 1));
      if (!ca && serial == "CA") return fail(Errc::kInvalidArgument, "Incomplete command.");
      auto& ch = c.model.cert_chains[c.object];
      if (a.negated) {
        std::erase_if(ch.certs, [&](const PkiCertificate& p) { return p.ca == ca && p.serial == serial; });
        return ok();
      }
      PkiCertificate* p = find_cert(ch, ca, serial);
      if (!p) p = &ch.certs.emplace_back(PkiCertificate{serial, ca, ""});
      p->der.clear();  // a new block replaces the old data
      enter(c, Mode::kCertHex, c.object, (ca ? "ca " : "") + serial);
      return ok();
    };
  };
  // Each certificate block: the hex lines and quit, which its data-entry
  // mode's commands read.
  auto certs = t.add(Mode::kCertChain, "certificate WORD", {"Certificate", "Certificate serial number (hex)"}, cert(false))
                   .writes(0, [](const WriteScope& s, std::string& out) {
                     for (auto& c : s.model.cert_chains.at(s.object).certs) {
                       out += std::string(" certificate ") + (c.ca ? "ca " : "") + c.serial + "\n";
                       write_hex(c.der, out);
                       out += "  \tquit\n";
                     }
                   });
  t.add(Mode::kCertChain, "certificate ca WORD", {"Certificate", "A CA certificate", "Certificate serial number (hex)"},
        cert(true))
      .writes(certs);
  t.add(Mode::kCertHex, "quit", {"Exit data entry mode"}, [](C c, A) -> Result<std::string> {
    auto [ca, serial] = block_of(c.sub_object);
    auto& ch = c.model.cert_chains[c.object];
    enter(c, Mode::kCertChain, c.object);
    PkiCertificate* p = find_cert(ch, ca, serial);
    if (!p) return ok();
    auto parsed = crypto::Certificate::from_der(as_bytes(p->der));
    if (parsed && parsed->is_ca() == ca) return ok();
    std::erase_if(ch.certs, [&](const PkiCertificate& x) { return x.ca == ca && x.serial == serial; });
    return ok(std::string("% Error in saving certificate ") + serial + ": " +
              (parsed ? (ca ? "not a CA certificate" : "a CA certificate, use certificate ca") : parsed.error().message) + "\n");
  }).writes(certs);
  t.add(Mode::kCertHex, "LINE", {"Hex data of the certificate"}, [](C c, A a) -> Result<std::string> {
    auto bytes = from_hex(a.at(0));
    if (!bytes) return fail(Errc::kInvalidArgument, "Invalid hex data; end the certificate with quit");
    auto [ca, serial] = block_of(c.sub_object);
    PkiCertificate* p = find_cert(c.model.cert_chains[c.object], ca, serial);
    if (p) p->der.append(bytes->begin(), bytes->end());
    return ok();
  }).writes(certs);
}

// --- crypto pki import NAME pem url PREFIX [password PASS] ----------------

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, "cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> import_pem(C c, A a) {
  const std::string& name = a.at(3);
  std::string pass;
  if (a.size() >= 8) {
    if (a.size() < 9) return fail(Errc::kInvalidArgument, "Incomplete command.");
    pass = a.at(8);
  }
  auto prefix = resolve_url(c.config, a.at(6));
  if (!prefix) return std::unexpected(prefix.error());
  std::string out = "% Importing CA certificate...\n";
  auto ca_text = read_file(*prefix + ".ca");
  if (!ca_text) return fail(Errc::kNotFound, "PEM files import failed: " + ca_text.error().message);
  auto cas = crypto::Certificate::from_pem(*ca_text);
  if (!cas) return fail(Errc::kInvalidArgument, "PEM files import failed: " + *prefix + ".ca: " + cas.error().message);
  for (auto& ca : *cas)
    if (!ca.is_ca()) return fail(Errc::kInvalidArgument, "PEM files import failed: " + ca.subject() + " in " + *prefix + ".ca is not a CA certificate");
  std::optional<crypto::Certificate> mine;
  std::shared_ptr<crypto::KeySigner> key;
  auto crt_text = read_file(*prefix + ".crt");
  auto prv_text = read_file(*prefix + ".prv");
  if (crt_text.has_value() != prv_text.has_value())
    return fail(Errc::kInvalidArgument, "PEM files import failed: " + *prefix + (crt_text ? ".prv" : ".crt") + " is missing");
  if (crt_text) {
    out += "% Importing private key PEM file...\n";
    auto k = crypto::KeySigner::from_pem(as_bytes(*prv_text), pass);
    if (!k) return fail(Errc::kInvalidArgument, "PEM files import failed: " + *prefix + ".prv: " + k.error().message);
    key = *k;
    out += "% Importing certificate PEM file...\n";
    auto certs = crypto::Certificate::from_pem(*crt_text);
    if (!certs) return fail(Errc::kInvalidArgument, "PEM files import failed: " + *prefix + ".crt: " + certs.error().message);
    mine = certs->front();
    if (!key->matches(*mine))
      return fail(Errc::kInvalidArgument, "PEM files import failed: the private key does not match the certificate " + mine->subject());
    // The router certificate must chain to the imported CA(s); its dates are
    // only reported (a renewal may be imported before it starts).
    auto store = crypto::TrustStore::create(*cas);
    if (!store) return std::unexpected(store.error());
    auto v = (*store)->verify(*mine, *cas, std::time(nullptr));
    if (!v && v.error().kind != crypto::ChainError::Kind::kExpired &&
        v.error().kind != crypto::ChainError::Kind::kNotYetValid)
      return fail(Errc::kInvalidArgument, "PEM files import failed: " + mine->subject() + ": " + v.error().reason);
    if (!v) out += "% Warning: " + v.error().reason + " (" + mine->subject() + ")\n";
  }
  auto& tp = c.model.trustpoints[name];
  PkiCertChain chain;
  for (auto& ca : *cas) chain.certs.push_back({ca.serial_hex(), true, std::string(ca.der().begin(), ca.der().end())});
  if (mine) chain.certs.insert(chain.certs.begin(), {mine->serial_hex(), false, std::string(mine->der().begin(), mine->der().end())});
  c.model.cert_chains[name] = std::move(chain);
  // The key goes last, once everything else is known to be good.
  if (key) {
    if (key->key().rsa() && tp.rsakeypair.empty() && tp.eckeypair.empty()) tp.rsakeypair = name;
    if (key->key().ecdsa() && tp.rsakeypair.empty() && tp.eckeypair.empty()) tp.eckeypair = name;
    if (auto r = c.config.keys().put(key_label(name, tp), *key); !r) return std::unexpected(r.error());
  }
  return out + "% PEM files import succeeded.\n";
}

void add_import(CommandTable& t) {
  t.add(Mode::kConfig, "crypto pki import WORD pem url WORD [password] [WORD]",
        {"Encryption module", "Public Key components", "Import certificate and key pair", "Trustpoint name",
         "Privacy Enhanced Mail (PEM) files PREFIX.ca, PREFIX.crt, PREFIX.prv", "Read the files from a URL",
         "URL prefix (file:PATH or flash:NAME)", "Passphrase of the private key", "Passphrase"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated || a.defaulted) return fail(Errc::kInvalidArgument, "Incomplete command.");
          return import_pem(c, a);
        })
      // What it imports is written by the trustpoint and chain commands.
      .not_persisted();
}

// --- crypto pki certificate map -------------------------------------------

void add_cert_map(CommandTable& t) {
  t.add(Mode::kConfig, "crypto pki certificate map WORD <1-65535>",
        {"Encryption module", "Public Key components", "Actions on certificates", "Certificate map",
         "Map name", "Sequence number"},
        [](C c, A a) {
          const std::string& n = a.at(4);
          int seq = std::stoi(a.at(5));
          if (a.negated || a.defaulted) {
            auto it = c.model.cert_maps.find(n);
            if (it != c.model.cert_maps.end()) {
              it->second.erase(seq);
              if (it->second.empty()) c.model.cert_maps.erase(it);
            }
            return ok();
          }
          c.model.cert_maps[n][seq];
          enter(c, Mode::kCertMap, n, a.at(5));
          return ok();
        })
      .writes(section::kPki + 1, [](const WriteScope& s, std::string& out) {
        for (auto& [n, map] : s.model.cert_maps)
          for (auto& [seq, rules] : map) {
            out += "crypto pki certificate map " + n + " " + std::to_string(seq) + "\n";
            s.sub(Mode::kCertMap, n, out, std::to_string(seq));
            out += "!\n";
          }
      });
  auto rule_lines = std::make_shared<const WriteBack>(WriteBack{0, [](const WriteScope& s, std::string& out) {
    for (auto& r : s.model.cert_maps.at(s.object).at(std::stoi(s.sub_object))) out += " " + r.field + " " + r.op + " " + r.value + "\n";
  }});
  for (const char* field : {"subject-name", "issuer-name", "alt-subject-name", "serial-number"}) {
    std::string f = field;
    t.add(Mode::kCertMap, f + " {eq|ne|co|nc} LINE", {"Certificate field", "Comparison (equal, not equal, contains, does not contain)", "Value"},
          [f](C c, A a) {
            auto& rules = c.model.cert_maps[c.object][std::stoi(c.sub_object)];
            CertMapRule r{f, a.at(1), a.at(2)};
            std::erase(rules, r);
            if (!a.negated) rules.push_back(r);
            return ok();
          }).writes(rule_lines);
  }
}

// --- IKEv2 profile: certificate authentication ----------------------------

void add_profile_pki(CommandTable& t) {
  auto prof = [](C c) -> Ikev2Profile& { return c.model.profiles[c.object]; };
  t.add(Mode::kIkev2Profile, "authentication {local|remote} {rsa-sig|ecdsa-sig}",
        {"Set authentication method", "Local or remote authentication", "Certificate (RSA or ECDSA signature)"},
        [prof](C c, A a) {
          auto& p = prof(c);
          AuthMethod m = auth_method_from_word(a.at(2));
          if (a.at(1) == "remote") {  // one of several methods the peer may use
            set_remote_method(p.auth_remote, m, a.negated);
            return ok();
          }
          if (a.negated) {
            if (p.auth_local == m) p.auth_local = AuthMethod::kNone;
            return ok();
          }
          p.auth_local = m;
          p.auth_local_key = Secret();
          return ok();
        })
      .writes(t.write_back_of(Mode::kIkev2Profile, "authentication local pre-share"));
  t.add(Mode::kIkev2Profile, "pki trustpoint WORD [sign|verify]",
        {"Public Key Infrastructure", "Trustpoint for certificates", "Trustpoint name", "Use for signing only, or verifying only"},
        [prof](C c, A a) {
          auto& v = prof(c).pki_trustpoints;
          std::erase_if(v, [&](const std::string& s) { return s.substr(0, s.find(' ')) == a.at(2); });
          if (!a.negated) v.push_back(join(a, 2));
          return ok();
        })
      .writes(profile_line::kPkiTrustpoint, [](const WriteScope& s, std::string& out) {
        for (auto& tp : s.model.profiles.at(s.object).pki_trustpoints) out += " pki trustpoint " + tp + "\n";
      });
  t.add(Mode::kIkev2Profile, "identity local dn", {"Specify IKE identity to use", "Local identity", "Distinguished name of the local certificate"},
        [prof](C c, A a) {
          auto& id = prof(c).identity_local;
          if (!a.negated) id = IkeIdentity{IkeIdentity::Kind::kDn};
          else if (id && id->kind == IkeIdentity::Kind::kDn) id.reset();
          return ok();
        })
      .writes(t.write_back_of(Mode::kIkev2Profile, "identity local {address|fqdn|email|key-id} WORD"));
  t.add(Mode::kIkev2Profile, "match certificate WORD", {"Match values", "Peer certificate attributes", "Certificate map"},
        [prof](C c, A a) {
          auto& v = prof(c).match_certificate;
          std::erase(v, a.at(2));
          if (!a.negated) v.push_back(a.at(2));
          return ok();
        })
      .writes(profile_line::kMatchCertificate, [](const WriteScope& s, std::string& out) {
        for (auto& mc : s.model.profiles.at(s.object).match_certificate) out += " match certificate " + mc + "\n";
      });
}

void add_exits(CommandTable& t) {
  for (Mode m : {Mode::kPkiTrustpoint, Mode::kCertChain, Mode::kCertMap}) {
    t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); }).not_persisted();
    t.add(m, "exit", {"Exit from the current mode"}, [](C c, A) { enter(c, Mode::kConfig, ""); return ok(); })
        .not_persisted();
  }
}

}  // namespace

void register_pki_commands(CommandTable& t) {
  add_trustpoint(t);
  add_chain(t);
  add_import(t);
  add_cert_map(t);
  add_profile_pki(t);
  add_exits(t);
}

}  // namespace kg::config
