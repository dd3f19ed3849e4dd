// crypto key pubkey-chain rsa: peers' raw RSA public keys, so a peer without a
// certificate can authenticate with rsa-sig (the IKE side looks the key up by
// the peer's address, then by its identity: ike/auth_peer.cc). As IOS writes
// them in the running-config:
//   crypto key pubkey-chain rsa
//    addressed-key 198.51.100.2
//     key-string
//      30820122 300D0609 ...
//     quit
//    named-key site-b.example.net
//     key-string
//      ...
//     quit
// A key-string that is not an RSA SubjectPublicKeyInfo is refused at quit and
// the entry keeps its previous key (a new entry is dropped).
#include <openssl/evp.h>

#include "config/session.h"
#include "config/writer.h"
#include "crypto/key_pair.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

void enter(C c, Mode m, std::string obj) {
  c.next_mode = m;
  c.next_object = std::move(obj);
  c.next_sub_object.clear();
}

// The sub-mode object: "addressed 198.51.100.2" or "named site-b.example.net".
std::map<std::string, PeerPublicKey>& keys_of(Model& m, const std::string& object) {
  return object.rfind("addressed ", 0) == 0 ? m.pubkey_chain.addressed : m.pubkey_chain.named;
}
std::string name_of(const std::string& object) { return object.substr(object.find(' ') + 1); }

bool rsa_public_key(const std::string& der) {
  EVP_PKEY* k = crypto::public_key_from_der(as_bytes(der));
  bool rsa = k && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA;
  EVP_PKEY_free(k);
  return rsa;
}

// IOS's key-string layout: groups of eight hex digits, eight groups a line.
void write_key(const std::string& head, const PeerPublicKey& k, std::string& out) {
  out += " " + head + "\n  key-string\n";
  std::string hex = to_hex(as_bytes(k.der));
  for (char& ch : hex) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  for (size_t i = 0; i < hex.size(); i += 64) {
    out += "  ";
    for (size_t j = i; j < std::min(hex.size(), i + 64); j += 8) out += " " + hex.substr(j, 8);
    out += "\n";
  }
  out += "  quit\n";
}

}  // namespace

void register_pubkey_chain_commands(CommandTable& t) {
  auto chain = t.add(Mode::kConfig, "crypto key pubkey-chain rsa",
                     {"Encryption module", "Public key commands", "Peers' public keys", "RSA public keys"},
                     [](C c, A a) {
                       if (a.negated || a.defaulted) {
                         c.model.pubkey_chain = {};
                         return ok();
                       }
                       enter(c, Mode::kPubkeyChain, "");
                       return ok();
                     })
                   .writes(section::kPki + 3, [](const WriteScope& s, std::string& out) {
                     auto& pc = s.model.pubkey_chain;
                     if (pc.addressed.empty() && pc.named.empty()) return;
                     out += "crypto key pubkey-chain rsa\n";
                     for (auto& [a, k] : pc.addressed)
                       if (!k.der.empty()) write_key("addressed-key " + a, k, out);
                     for (auto& [n, k] : pc.named)
                       if (!k.der.empty()) write_key("named-key " + n, k, out);
                     out += "!\n";
                   });
  auto key = [](bool addressed) {
    return [addressed](C c, A a) -> Result<std::string> {
      const std::string& id = a.at(1);
      if (addressed && !IpAddress::parse(id)) return fail(Errc::kInvalidArgument, "Invalid address " + id);
      auto& m = addressed ? c.model.pubkey_chain.addressed : c.model.pubkey_chain.named;
      if (a.negated || a.defaulted) {
        m.erase(id);
        return ok();
      }
      m[id];
      enter(c, Mode::kPubkeyKey, std::string(addressed ? "addressed " : "named ") + id);
      return ok();
    };
  };
  t.add(Mode::kPubkeyChain, "addressed-key WORD", {"Assign a key to the peer's address", "Peer's IP address"}, key(true))
      .writes(chain);
  t.add(Mode::kPubkeyChain, "named-key WORD", {"Assign a key to the peer's identity", "Peer's FQDN, email or DN"},
        key(false))
      .writes(chain);
  t.add(Mode::kPubkeyKey, "key-string", {"Enter a public key as hex lines, end with quit"}, [](C c, A a) {
     if (a.negated) {
       keys_of(c.model, c.object).erase(name_of(c.object));
       return ok();
     }
     keys_of(c.model, c.object)[name_of(c.object)].typing.clear();
     enter(c, Mode::kPubkeyHex, c.object);
     return ok();
   }).writes(chain);
  t.add(Mode::kPubkeyHex, "quit", {"Exit data entry mode"}, [](C c, A) -> Result<std::string> {
     auto& m = keys_of(c.model, c.object);
     enter(c, Mode::kPubkeyKey, c.object);
     auto it = m.find(name_of(c.object));
     if (it == m.end()) return ok();
     std::string der = std::move(it->second.typing);
     it->second.typing.clear();
     if (rsa_public_key(der)) {
       it->second.der = std::move(der);
       return ok();
     }
     if (it->second.der.empty()) m.erase(it);
     return ok("% Error in key-string of " + name_of(c.object) + ": not an RSA public key (DER SubjectPublicKeyInfo); key not changed\n");
   }).writes(chain);
  t.add(Mode::kPubkeyHex, "LINE", {"Hex data of the public key"}, [](C c, A a) -> Result<std::string> {
     std::string hex;
     for (char ch : a.at(0))
       if (!std::isspace(static_cast<unsigned char>(ch))) hex += ch;
     auto bytes = from_hex(hex);
     if (!bytes) return fail(Errc::kInvalidArgument, "Invalid hex data in key-string; end the key with quit");
     auto& m = keys_of(c.model, c.object);
     auto it = m.find(name_of(c.object));
     if (it != m.end()) it->second.typing.append(bytes->begin(), bytes->end());
     return ok();
   }).writes(chain);
  for (Mode m : {Mode::kPubkeyChain, Mode::kPubkeyKey}) {
    t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); }).not_persisted();
    t.add(m, "exit", {"Exit from the current mode"}, [m](C c, A) {
       enter(c, m == Mode::kPubkeyKey ? Mode::kPubkeyChain : Mode::kConfig, "");
       return ok();
     }).not_persisted();
  }
}

}  // namespace kg::config
