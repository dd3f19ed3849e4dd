// IKEv2 keyring and profile commands.
#include "common/ip.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {


namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

std::string join(A a, size_t from) {
  std::string s;
  for (size_t i = from; i < a.size(); ++i) s += (s.empty() ? "" : " ") + a.at(i);
  return s;
}

void set_or_clear(std::string& field, A a, size_t from) { field = a.negated ? "" : join(a, from); }

// An identity line's words from `from` on, parsed once here.
Result<std::string> set_identity(std::optional<IkeIdentity>& field, A a, size_t from) {
  if (a.negated) { field.reset(); return std::string(); }
  field = IkeIdentity::parse(join(a, from));
  if (!field) return fail(Errc::kInvalidArgument, "Invalid identity: " + join(a, from));
  return std::string();
}

}  // namespace

// match identity remote ID: each rule once, in the order typed.
void toggle_identity(std::vector<IkeIdentity>& v, const IkeIdentity& id, bool negated) {
  std::erase(v, id);
  if (!negated) v.push_back(id);
}

// authentication remote METHOD: IOS keeps each method given (pre-share and
// rsa-sig, ...); the responder accepts whichever the peer uses.
void set_remote_method(std::vector<AuthMethod>& methods, AuthMethod m, bool negated) {
  std::erase(methods, m);
  if (!negated) methods.push_back(m);
}

namespace {

void add_keyring(CommandTable& t) {
  t.add(Mode::kConfig, "crypto ikev2 keyring WORD",
        {"Encryption module", "Configure IKEv2 parameters", "Define IKEv2 keyrings", "Keyring name"},
        [](C c, A a) {
          if (a.negated || a.defaulted) { c.model.keyrings.erase(a.at(3)); return ok(); }
          c.model.keyrings[a.at(3)];
          c.next_mode = Mode::kIkev2Keyring;
          c.next_object = a.at(3);
          return ok();
        })
      .writes(section::kIkev2Keyring, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, kr] : s.model.keyrings) {
          out += "crypto ikev2 keyring " + n + "\n";
          s.sub(Mode::kIkev2Keyring, n, out);
          out += "!\n";
        }
      });
  t.add(Mode::kIkev2Keyring, "peer WORD", {"Configure a peer", "Peer name"}, [](C c, A a) {
    auto& kr = c.model.keyrings[c.object];
    if (a.negated) { kr.peers.erase(a.at(1)); return ok(); }
    kr.peers[a.at(1)];
    c.next_mode = Mode::kKeyringPeer;
    c.next_object = c.object;
    c.next_sub_object = a.at(1);
    return ok();
  }).writes(0, [](const WriteScope& s, std::string& out) {
    for (const auto& [pn, p] : s.model.keyrings.at(s.object).peers) {
      out += " peer " + pn + "\n";
      s.sub(Mode::kKeyringPeer, s.object, out, pn);
      out += " !\n";
    }
  });
  auto peer = [](C c) -> KeyringPeer& { return c.model.keyrings[c.object].peers[c.sub_object]; };
  auto peer_of = [](const WriteScope& s) -> const KeyringPeer& { return s.model.keyrings.at(s.object).peers.at(s.sub_object); };
  t.add(Mode::kKeyringPeer, "address A.B.C.D [A.B.C.D]", {"Peer address", "IPv4 address", "Mask"},
        [peer](C c, A a) -> Result<std::string> {
          auto& addr = peer(c).address;
          if (a.negated) { addr.reset(); return ok(); }
          addr = AddressMatch::parse(join(a, 1));
          if (!addr) return fail(Errc::kInvalidArgument, "Bad mask " + a.at(2));
          if (a.size() < 3) return ok();
          // Seed 004 marks this BAD: one key for every peer.
          if (addr->prefix.len == 0)
            return "% Warning: peer " + c.sub_object + " (address 0.0.0.0 0.0.0.0) matches every peer: its pre-shared " +
                   "key is used by any peer no other keyring peer matches; prefer one key per peer\n";
          return ok();
        })
      .writes(1, [peer_of](const WriteScope& s, std::string& out) {
        if (auto& p = peer_of(s); p.address) out += "  address " + p.address->str() + "\n";
      });
  t.add(Mode::kKeyringPeer, "hostname WORD", {"Peer hostname", "Hostname"},
        [peer](C c, A a) { set_or_clear(peer(c).hostname, a, 1); return ok(); })
      .writes(2, [peer_of](const WriteScope& s, std::string& out) {
        if (auto& p = peer_of(s); !p.hostname.empty()) out += "  hostname " + p.hostname + "\n";
      });
  // One identity per peer (a new line replaces it); `domain` matches every
  // FQDN in the domain, or every email address @domain.
  auto identity = t.add(Mode::kKeyringPeer, "identity {address|fqdn|email|key-id} WORD",
                        {"Peer identity", "Identity type", "Identity value"},
                        [peer](C c, A a) { return set_identity(peer(c).identity, a, 1); })
                      .writes(3, [peer_of](const WriteScope& s, std::string& out) {
                        if (auto& p = peer_of(s); p.identity) out += "  identity " + p.identity->words() + "\n";
                      });
  t.add(Mode::kKeyringPeer, "identity {fqdn|email} domain WORD",
        {"Peer identity", "Identity type", "Match the domain only", "Domain name"},
        [peer](C c, A a) { return set_identity(peer(c).identity, a, 1); })
      .writes(identity);
  t.add(Mode::kKeyringPeer, "pre-shared-key LINE", {"Pre-shared key", "Key"}, [peer](C c, A a) -> Result<std::string> {
    std::string k = a.at(1);
    auto& p = peer(c);
    Secret* field = &p.psk;
    if (k.rfind("local ", 0) == 0) { field = &p.psk_local; k = k.substr(6); }
    else if (k.rfind("remote ", 0) == 0) { field = &p.psk_remote; k = k.substr(7); }
    if (a.negated) { *field = Secret(); return ok(); }
    auto key = c.config.key_from_config(k);
    if (!key) return std::unexpected(key.error());
    *field = Secret(std::string_view(*key));
    return ok();
  }).writes(4, [peer_of](const WriteScope& s, std::string& out) {
    auto& p = peer_of(s);
    if (!p.psk.empty()) out += "  pre-shared-key " + s.ctx.key(p.psk) + "\n";
    if (!p.psk_local.empty()) out += "  pre-shared-key local " + s.ctx.key(p.psk_local) + "\n";
    if (!p.psk_remote.empty()) out += "  pre-shared-key remote " + s.ctx.key(p.psk_remote) + "\n";
  });
}

void add_profile(CommandTable& t) {
  t.add(Mode::kConfig, "crypto ikev2 profile WORD",
        {"Encryption module", "Configure IKEv2 parameters", "Define IKEv2 profiles", "Profile name"},
        [](C c, A a) {
          if (a.negated || a.defaulted) { c.model.profiles.erase(a.at(3)); return ok(); }
          c.model.profiles[a.at(3)];
          c.next_mode = Mode::kIkev2Profile;
          c.next_object = a.at(3);
          return ok();
        })
      .writes(section::kIkev2Profile, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, p] : s.model.profiles) {
          out += "crypto ikev2 profile " + n + "\n";
          s.sub(Mode::kIkev2Profile, n, out);
          out += "!\n";
        }
      });
  auto prof = [](C c) -> Ikev2Profile& { return c.model.profiles[c.object]; };
  auto prof_of = [](const WriteScope& s) -> const Ikev2Profile& { return s.model.profiles.at(s.object); };
  auto add_remote = [prof](C c, A a) -> Result<std::string> {
    auto id = IkeIdentity::parse(join(a, 3));
    if (!id) return fail(Errc::kInvalidArgument, "Invalid identity: " + join(a, 3));
    toggle_identity(prof(c).match_identity_remote, *id, a.negated);
    return ok();
  };
  std::vector<std::string> h = {"Match values", "Match identity", "Remote identity"};
  auto remote = t.add(Mode::kIkev2Profile, "match identity remote address A.B.C.D [A.B.C.D]", h, add_remote)
                    .writes(profile_line::kMatchIdentity, [prof_of](const WriteScope& s, std::string& out) {
                      for (auto& r : prof_of(s).match_identity_remote) out += " match identity remote " + r.words() + "\n";
                    });
  for (const char* g : {"fqdn WORD", "fqdn domain WORD", "email WORD", "email domain WORD", "key-id WORD", "any"})
    t.add(Mode::kIkev2Profile, std::string("match identity remote ") + g, h, add_remote).writes(remote);
  t.add(Mode::kIkev2Profile, "match address local A.B.C.D", {"Match values", "Local address", "Local address"},
        [prof](C c, A a) {
          auto& v = prof(c).match_address_local;
          IpAddress addr = *IpAddress::parse(a.at(3));  // the grammar took only an address
          std::erase(v, addr);
          if (!a.negated) v.push_back(addr);
          return ok();
        })
      .writes(profile_line::kMatchAddress, [prof_of](const WriteScope& s, std::string& out) {
        for (auto& a : prof_of(s).match_address_local) out += " match address local " + a.str() + "\n";
      });
  t.add(Mode::kIkev2Profile, "identity local {address|fqdn|email|key-id} WORD",
        {"Specify IKE identity to use", "Local identity", "Identity type", "Identity value"},
        [prof](C c, A a) { return set_identity(prof(c).identity_local, a, 2); })
      .writes(profile_line::kIdentityLocal, [prof_of](const WriteScope& s, std::string& out) {
        if (auto& p = prof_of(s); p.identity_local) out += " identity local " + p.identity_local->words() + "\n";
      });
  // The authentication lines, local then remote, whichever command set them
  // (pre-share here, eap below, rsa-sig/ecdsa-sig in commands_pki.cc).
  auto auth_lines = std::make_shared<const WriteBack>(WriteBack{profile_line::kAuthentication,
      [prof_of](const WriteScope& s, std::string& out) {
        auto& p = prof_of(s);
        auto auth = [&](const char* side, AuthMethod meth, const Secret* k) {
          if (meth == AuthMethod::kNone) return;
          out += std::string(" authentication ") + side + " " + std::string(auth_method_word(meth));
          if (k && !k->empty()) out += " key " + s.ctx.key(*k);
          out += "\n";
        };
        if (p.auth_local == AuthMethod::kEap) {
          out += " authentication local eap";
          if (!p.eap_method.empty()) out += " " + p.eap_method;
          if (!p.eap_username.empty()) out += " username " + p.eap_username + " password " + s.ctx.key(p.eap_password);
          out += "\n";
        } else
          auth("local", p.auth_local, &p.auth_local_key);
        for (AuthMethod meth : p.auth_remote) {
          if (meth == AuthMethod::kEap) {  // commands_aaa.cc
            out += " authentication remote eap";
            if (p.eap_query_identity) out += " query-identity";
            if (p.eap_timeout) out += " timeout " + std::to_string(p.eap_timeout);
            out += "\n";
            continue;
          }
          auth("remote", meth, meth == AuthMethod::kPreShare ? &p.auth_remote_key : nullptr);
        }
      }});
  for (const char* side : {"local", "remote"}) {
    std::string s = side;
    auto set = [prof, s](C c, A a) -> Result<std::string> {
      auto& p = prof(c);
      if (s == "local") p.auth_local = a.negated ? AuthMethod::kNone : AuthMethod::kPreShare;
      else set_remote_method(p.auth_remote, AuthMethod::kPreShare, a.negated);
      Secret key;
      if (a.size() > 4 && !a.negated) {
        auto k = c.config.key_from_config(a.size() == 6 ? a.at(4) + " " + a.at(5) : a.at(4));
        if (!k) return std::unexpected(k.error());
        key = Secret(std::string_view(*k));
      }
      (s == "local" ? p.auth_local_key : p.auth_remote_key) = key;
      return ok();
    };
    std::vector<std::string> hh = {"Set authentication method", s + " authentication", "Pre-shared key", "Key", "Key string"};
    t.add(Mode::kIkev2Profile, "authentication " + s + " pre-share", hh, set).writes(auth_lines);
    t.add(Mode::kIkev2Profile, "authentication " + s + " pre-share key WORD", hh, set).writes(auth_lines);
    // The seed document spells it "pre-shared key"; accepted silently.
    t.add(Mode::kIkev2Profile, "authentication " + s + " pre-share key {0|6} WORD", hh, set).writes(auth_lines);
    t.add(Mode::kIkev2Profile, "authentication " + s + " pre-shared key WORD", hh, set, true).writes(auth_lines);
  }
  // IOS's EAP client (RFC 7296 §2.16): the initiator omits AUTH and answers
  // the responder's EAP requests: `authentication local eap [md5|mschapv2|gtc]
  // [username U password [0|6] P]`; no method named: whichever of the three
  // the server proposes (ike/eap_peer.h).
  auto set_eap = [prof](C c, A a) -> Result<std::string> {
    auto& p = prof(c);
    if (a.negated) {
      if (p.auth_local == AuthMethod::kEap) p.auth_local = AuthMethod::kNone;
      p.eap_method.clear();
      p.eap_username.clear();
      p.eap_password = Secret();
      return ok();
    }
    size_t i = 3;
    std::string method = a.size() > i && a.at(i) != "username" ? a.at(i++) : "";
    std::string user;
    Secret password;
    if (a.size() > i) {  // username U password [0|6] P
      auto pw = c.config.key_from_config(a.size() == i + 5 ? a.at(i + 3) + " " + a.at(i + 4) : a.at(i + 3));
      if (!pw) return std::unexpected(pw.error());
      user = a.at(i + 1);
      password = Secret(std::string_view(*pw));
    }
    p.auth_local = AuthMethod::kEap;
    p.auth_local_key = Secret();
    p.eap_method = method;
    p.eap_username = user;
    p.eap_password = password;
    return ok();
  };
  std::vector<std::string> eh = {"Set authentication method", "local authentication",
                                 "Extensible Authentication Protocol (as the EAP client)"};
  std::vector<std::string> mh = {eh[0], eh[1], eh[2], "EAP method: md5 (RFC 3748), mschapv2 (RFC 2759), gtc (RFC 3748)"};
  std::vector<std::string> uh = {"EAP username", "Username", "EAP password", "Password"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  std::vector<std::string> typed = {"0: the password follows in clear, 6: encrypted", "Password"};
  auto uh6 = with({uh[0], uh[1], uh[2]}, typed);
  t.add(Mode::kIkev2Profile, "authentication local eap", eh, set_eap).writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication local eap {md5|mschapv2|gtc}", mh, set_eap).writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication local eap username WORD password WORD", with(eh, uh), set_eap)
      .writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication local eap username WORD password {0|6} WORD", with(eh, uh6), set_eap)
      .writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication local eap {md5|mschapv2|gtc} username WORD password WORD", with(mh, uh),
        set_eap)
      .writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication local eap {md5|mschapv2|gtc} username WORD password {0|6} WORD",
        with(mh, uh6), set_eap)
      .writes(auth_lines);
  t.add(Mode::kIkev2Profile, "keyring local WORD", {"Keyring", "Local keyring", "Keyring name"},
        [prof](C c, A a) { set_or_clear(prof(c).keyring_local, a, 2); return ok(); })
      .writes(profile_line::kKeyring, [prof_of](const WriteScope& s, std::string& out) {
        if (auto& p = prof_of(s); !p.keyring_local.empty()) out += " keyring local " + p.keyring_local + "\n";
      });
  // IOS accepts 120-86400; keygate also takes down to 10 s (tests, labs).
  t.add(Mode::kIkev2Profile, "lifetime <10-86400>", {"Set IKE SA lifetime", "Seconds"},
        [prof](C c, A a) { prof(c).lifetime = a.negated ? 86400 : std::stoi(a.at(1)); return ok(); })
      .writes(profile_line::kLifetime, [prof_of](const WriteScope& s, std::string& out) {
        if (auto& p = prof_of(s); p.lifetime != 86400) out += " lifetime " + std::to_string(p.lifetime) + "\n";
      });
}

}  // namespace

void register_ikev2_profile_commands(CommandTable& t) {
  add_keyring(t);
  add_profile(t);
}

}  // namespace kg::config
