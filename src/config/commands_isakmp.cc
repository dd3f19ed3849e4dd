// IKEv1 (ISAKMP) configuration, as seed 001 describes it: protection suites
// (crypto isakmp policy N), the default policy table (65507-65514, on unless
// `no crypto isakmp default policy`), pre-shared keys by peer address
// (crypto isakmp key [0|6] KEY address A [MASK]) and the identity we show
// (crypto isakmp identity address|dn|hostname), fragmentation; DPD, NAT
// keepalives and invalid-SPI recovery (crypto isakmp keepalive, nat
// keepalive, invalid-spi-recovery); the peers we initiate Aggressive Mode
// to (crypto isakmp peer address A | fqdn NAME: set aggressive-mode
// password and client-endpoint); show crypto isakmp policy.
#include <cctype>
#include <cstring>
#include <sstream>

#include "config/isakmp_defaults.h"
#include "config/session.h"
#include "config/writer.h"
#include "crypto/algorithms.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

const std::vector<std::string> kHead = {"Encryption module", "Configure ISAKMP policy"};
std::vector<std::string> help(std::vector<std::string> rest) {
  auto h = kHead;
  h.insert(h.end(), rest.begin(), rest.end());
  return h;
}

std::string key_line(const WriteContext& ctx, const IsakmpKey& k) {
  if (!k.hostname.empty()) return "crypto isakmp key " + ctx.key(k.key) + " hostname " + k.hostname + "\n";
  std::string s = "crypto isakmp key " + ctx.key(k.key);
  if (k.mask.empty()) {
    s += " ipv6 " + k.address;
  } else {
    s += " address " + k.address;
    if (k.mask != "255.255.255.255") s += " " + k.mask;
  }
  if (k.no_xauth) s += " no-xauth";
  return s + "\n";
}

std::string policy_lines(const IsakmpPolicy& p) {
  IsakmpPolicy d;
  std::string s;
  if (p.encryption != d.encryption || p.key_bits != d.key_bits)
    s += " encr " + p.encryption + (p.encryption == "aes" && p.key_bits != 128 ? " " + std::to_string(p.key_bits) : "") + "\n";
  if (p.hash != d.hash) s += " hash " + p.hash + "\n";
  if (p.authentication != d.authentication) s += " authentication " + p.authentication + "\n";
  if (p.group != d.group) s += " group " + std::to_string(p.group) + "\n";
  if (p.lifetime != d.lifetime) s += " lifetime " + std::to_string(p.lifetime) + "\n";
  return s;
}

void add_policy(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp policy <1-10000>", help({"Set policy for an ISAKMP protection suite", "Priority of protection suite"}),
        [](C c, A a) {
          int n = std::stoi(a.at(3));
          if (a.negated || a.defaulted) { c.model.isakmp.policies.erase(n); return ok(); }
          c.model.isakmp.policies[n];
          c.next_mode = Mode::kIsakmpPolicy;
          c.next_object = a.at(3);
          return ok();
        })
      .writes(section::kIsakmp + 1, [](const WriteScope& s, std::string& out) {
        for (auto& [n, p] : s.model.isakmp.policies) {
          out += "crypto isakmp policy " + std::to_string(n) + "\n";
          s.sub(Mode::kIsakmpPolicy, std::to_string(n), out);
          out += "!\n";
        }
      });
  auto pol = [](C c) -> IsakmpPolicy& { return c.model.isakmp.policies[std::stoi(c.object)]; };
  auto pol_of = [](const WriteScope& s) -> const IsakmpPolicy& { return s.model.isakmp.policies.at(std::stoi(s.object)); };
  auto lines = t.add(Mode::kIsakmpPolicy, "encryption {aes|3des} [128|192|256]",
        {"Set encryption algorithm for protection suite", "Encryption algorithm", "Key length in bits"},
        [pol](C c, A a) -> Result<std::string> {
          auto& p = pol(c);
          if (a.negated || a.defaulted) { p.encryption = IsakmpPolicy{}.encryption; p.key_bits = 128; return ok(); }
          p.encryption = a.at(1);
          p.key_bits = p.encryption == "3des" ? 192 : a.size() > 2 ? std::stoi(a.at(2)) : 128;
          if (p.encryption == "3des") return crypto::legacy_warning("3des");
          return ok();
        })
      .writes(0, [pol_of](const WriteScope& s, std::string& out) { out += policy_lines(pol_of(s)); });
  t.add(Mode::kIsakmpPolicy, "hash {sha|sha256|sha384|sha512|md5}", {"Set hash algorithm for protection suite", "Hash algorithm"},
        [pol](C c, A a) -> Result<std::string> {
          pol(c).hash = a.negated || a.defaulted ? IsakmpPolicy{}.hash : a.at(1);
          if (pol(c).hash == "md5") return crypto::legacy_warning("md5");
          return ok();
        })
      .writes(lines);  // the suite's lines are one writer
  t.add(Mode::kIsakmpPolicy, "authentication {pre-share|rsa-sig|ecdsa-sig}", {"Set authentication method for protection suite", "Method"},
        [pol](C c, A a) { pol(c).authentication = a.negated || a.defaulted ? IsakmpPolicy{}.authentication : a.at(1); return ok(); })
      .writes(lines);
  t.add(Mode::kIsakmpPolicy, "group {2|5|14|15|16|19|20|21}", {"Set the Diffie-Hellman group", "Group number"},
        [pol](C c, A a) -> Result<std::string> {
          int g = a.negated || a.defaulted ? IsakmpPolicy{}.group : std::stoi(a.at(1));
          if (!crypto::find_dh_by_ikev2_id(uint16_t(g)))
            return fail(Errc::kInvalidArgument, "% Diffie-Hellman group " + std::to_string(g) + " is not supported");
          pol(c).group = g;
          if (g == 2 || g == 5) return crypto::legacy_warning("group " + std::to_string(g));
          return ok();
        })
      .writes(lines);
  t.add(Mode::kIsakmpPolicy, "lifetime <60-86400>", {"Set lifetime for ISAKMP security association", "lifetime in seconds"},
        [pol](C c, A a) { pol(c).lifetime = a.negated || a.defaulted ? 86400 : std::stoi(a.at(1)); return ok(); })
      .writes(lines);
}

void add_globals(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp default policy", help({"Enable the default ISAKMP policies", "Default policies"}),
        [](C c, A a) { c.model.isakmp.default_policy = !a.negated; return ok(); })
      .writes(section::kIsakmp + 0, [](const WriteScope& s, std::string& out) {
        if (!s.model.isakmp.default_policy) out += "no crypto isakmp default policy\n";
      });
  // no crypto isakmp enable: keygated neither answers nor starts ISAKMP
  // (IKEv1) exchanges; IKEv2 is not concerned (seed 001).
  t.add(Mode::kConfig, "crypto isakmp enable", help({"Enable ISAKMP"}),
        [](C c, A a) { c.model.isakmp.enabled = !a.negated; return ok(); })
      .writes(section::kIsakmp + 0, [](const WriteScope& s, std::string& out) {
        if (!s.model.isakmp.enabled) out += "no crypto isakmp enable\n";
      });
  auto ident = t.add(Mode::kConfig, "crypto isakmp identity {address|dn|hostname}",
        help({"Set the identifier for the ISAKMP SA", "Identity type"}),
        [](C c, A a) { c.model.isakmp.identity = a.negated || a.defaulted ? "address" : a.at(3); return ok(); })
      .writes(section::kIsakmp + 2, [](const WriteScope& s, std::string& out) {
        if (s.model.isakmp.identity != "address") out += "crypto isakmp identity " + s.model.isakmp.identity + "\n";
        if (s.model.isakmp.fragmentation) out += "crypto isakmp fragmentation\n";
      });
  // Cisco's proprietary IKEv1 fragmentation (vendor ID "FRAGMENTATION",
  // payload 132), which strongSwan speaks: off unless configured.
  t.add(Mode::kConfig, "crypto isakmp fragmentation", help({"IKE Fragmentation enable if required"}),
        [](C c, A a) { c.model.isakmp.fragmentation = !a.negated && !a.defaulted; return ok(); })
      .writes(ident);
  // The key is [0|6] KEY (key_from_config reads both), then address A
  // [MASK] [no-xauth], ipv6 A/P [no-xauth] or hostname FQDN (seed 001).
  t.add(Mode::kConfig, "crypto isakmp key LINE",
        help({"Set pre-shared key for remote peer",
              "Key, then address A.B.C.D [MASK] [no-xauth] | ipv6 X:X::X/P [no-xauth] | hostname FQDN"}),
        [](C c, A a) -> Result<std::string> {
          const std::string& line = a.at(3);
          // The last of the three keywords starts the peer (a key may
          // contain the words too).
          size_t at = std::string::npos;
          std::string form;
          for (const char* w : {" address ", " ipv6 ", " hostname "})
            if (auto p = line.rfind(w); p != std::string::npos && (at == std::string::npos || p > at)) {
              at = p;
              form = std::string(w).substr(1, std::strlen(w) - 2);
            }
          if (at == std::string::npos)
            return fail(Errc::kInvalidArgument,
                        "% Incomplete command: address A.B.C.D [MASK] | ipv6 X:X::X/P | hostname FQDN is required");
          std::vector<std::string> words;
          std::istringstream in(line.substr(at + form.size() + 2));
          for (std::string w; in >> w;) words.push_back(w);
          IsakmpKey k;
          if (form == "hostname") {
            // The peer's FQDN identity (Aggressive Mode), or, in Main Mode,
            // its addresses in the ip host table.
            if (words.size() != 1) return fail(Errc::kInvalidArgument, "% Invalid host name");
            k.hostname = words[0];
            k.mask = "255.255.255.255";
          } else {
            k.no_xauth = !words.empty() && words.back() == "no-xauth";
            if (k.no_xauth) words.pop_back();
            if (form == "ipv6") {
              auto p = words.size() == 1 ? Prefix::parse(words[0]) : std::nullopt;
              if (!p || p->addr.is_v4()) return fail(Errc::kInvalidArgument, "% Invalid IPv6 prefix (X:X::X/P)");
              k.address = words[0];
              k.mask.clear();
            } else {
              if (words.empty() || words.size() > 2) return fail(Errc::kInvalidArgument, "% Invalid address or mask");
              k.address = words[0];
              if (words.size() == 2) k.mask = words[1];
              auto ip = IpAddress::parse(k.address);
              auto m = IpAddress::parse(k.mask);
              if (!ip || !ip->is_v4() || !m || !mask_to_len(*m)) return fail(Errc::kInvalidArgument, "% Invalid address or mask");
            }
          }
          auto& keys = c.model.isakmp.keys;
          std::erase_if(keys, [&](const IsakmpKey& o) {
            return o.hostname == k.hostname && o.address == k.address && o.mask == k.mask;
          });
          if (a.negated) return ok();
          auto key = c.config.key_from_config(line.substr(0, at));
          if (!key) return std::unexpected(key.error());
          k.key = Secret(std::string_view(*key));
          keys.push_back(std::move(k));
          return ok();
        })
      .writes(section::kIsakmp + 3, [](const WriteScope& s, std::string& out) {
        for (auto& k : s.model.isakmp.keys) out += key_line(s.ctx, k);
        if (!s.model.isakmp.keys.empty() || !s.model.isakmp.default_policy || s.model.isakmp.identity != "address" ||
            s.model.isakmp.fragmentation)
          out += "!\n";
      });
}

// Liveness: DPD (crypto isakmp keepalive, seed 001: SECONDS 10-3600, RETRY
// 2-60 default 2, on-demand the default and never written), NAT keepalives
// (RFC 3948; IOS's 5-3600 s) and invalid-SPI recovery, after the keys.
std::string keepalive_line(const Dpd& d) {
  return "crypto isakmp keepalive " + std::to_string(d.interval) + (d.retry != 2 ? " " + std::to_string(d.retry) : "") +
         (d.periodic ? " periodic" : "") + "\n";
}

void add_liveness(CommandTable& t) {
  const std::vector<std::string> h = help({"Set a keepalive interval for use with IOS peers",
                                           "Number of seconds between keep alives",
                                           "Number of seconds between retries if keepalive fails",
                                           "Send DPD messages periodically, or on demand (the default)"});
  auto keepalive = [](C c, A a) -> Result<std::string> {
    auto& k = c.model.isakmp.keepalive;
    if (a.negated || a.defaulted) { k.reset(); return ok(); }
    if (a.size() < 4) return fail(Errc::kInvalidArgument, "% Incomplete command: the keepalive interval (10-3600 seconds) is required");
    Dpd d;
    d.interval = std::stoi(a.at(3));
    size_t mode_at = 4;
    if (a.size() > 4 && std::isdigit(static_cast<unsigned char>(a.at(4)[0]))) {
      d.retry = std::stoi(a.at(4));
      mode_at = 5;
    }
    d.periodic = a.size() > mode_at && a.at(mode_at) == "periodic";
    k = d;
    return ok();
  };
  auto w = t.add(Mode::kConfig, "crypto isakmp keepalive [<10-3600>] [<2-60>] [periodic|on-demand]", h, keepalive)
               .writes(section::kIsakmp + 3, [](const WriteScope& s, std::string& out) {
                 const auto& g = s.model.isakmp;
                 if (g.keepalive) out += keepalive_line(*g.keepalive);
                 if (g.nat_keepalive) out += "crypto isakmp nat keepalive " + std::to_string(*g.nat_keepalive) + "\n";
                 if (g.invalid_spi_recovery) out += "crypto isakmp invalid-spi-recovery\n";
                 if (g.keepalive || g.nat_keepalive || g.invalid_spi_recovery) out += "!\n";
               });
  // "keepalive 10 periodic": the mode without a retry interval.
  t.add(Mode::kConfig, "crypto isakmp keepalive <10-3600> {periodic|on-demand}", {h[0], h[1], h[2], h[3], h[5]}, keepalive)
      .writes(w);
  t.add(Mode::kConfig, "crypto isakmp nat keepalive [<5-3600>]",
        help({"Network Address Translation", "Set NAT keepalive interval", "Number of seconds between keepalives"}),
        [](C c, A a) -> Result<std::string> {
          auto& k = c.model.isakmp.nat_keepalive;
          if (a.negated || a.defaulted) { k.reset(); return ok(); }
          if (a.size() < 5) return fail(Errc::kInvalidArgument, "% Incomplete command: the interval (5-3600 seconds) is required");
          k = std::stoi(a.at(4));
          return ok();
        })
      .writes(w);
  t.add(Mode::kConfig, "crypto isakmp invalid-spi-recovery",
        help({"Initiate IKE and send Invalid SPI Notify"}),
        [](C c, A a) { c.model.isakmp.invalid_spi_recovery = !(a.negated || a.defaulted); return ok(); })
      .writes(w);
}

// crypto isakmp peer address A | fqdn NAME: Aggressive Mode with A (or the
// address NAME resolves to) as this identity (set aggressive-mode
// client-endpoint) and key (set aggressive-mode password), after the
// keepalives.
void peer_lines(const WriteScope& s, std::string& out) {
  const IsakmpPeer& p = s.model.isakmp.peers.at(s.object);
  if (!p.description.empty()) out += " description " + p.description + "\n";
  if (p.has_password) out += " set aggressive-mode password " + s.ctx.key(p.password) + "\n";
  if (!p.endpoint_type.empty()) out += " set aggressive-mode client-endpoint " + p.endpoint_type + " " + p.endpoint + "\n";
}

// A host name as DNS and /etc/hosts take it (RFC 1123 §2.1): labels of
// letters, digits and hyphens, not starting or ending with a hyphen, at most
// 253 characters, and not an address.
bool valid_fqdn(const std::string& n) {
  if (n.empty() || n.size() > 253 || !is_fqdn_peer(n)) return false;
  size_t label = 0;
  for (size_t i = 0; i < n.size(); ++i) {
    char ch = n[i];
    if (ch == '.') {
      if (label == 0 || n[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') return false;
    if (ch == '-' && label == 0) return false;
    if (++label > 63) return false;
  }
  return n.back() != '-';
}

void add_peer(CommandTable& t) {
  // IOS: {ip-address A | fqdn NAME} (12.2(8)T), later address A; keygate
  // writes address A. No vrf: keygate has no VRFs, so `... vrf NAME` stops
  // at the marker like any other unknown word.
  auto enter = [](C c, A a) -> Result<std::string> {
    const std::string& key = a.at(4);
    if (a.at(3) == "fqdn" && !valid_fqdn(key)) return fail(Errc::kInvalidArgument, "% Invalid host name " + key);
    if (a.negated || a.defaulted) { c.model.isakmp.peers.erase(key); return ok(); }
    c.model.isakmp.peers[key];
    c.next_mode = Mode::kIsakmpPeer;
    c.next_object = key;
    return ok();
  };
  const auto h = help({"Set the ISAKMP peer policy (Aggressive Mode initiation)"});
  auto w = t.add(Mode::kConfig, "crypto isakmp peer address A.B.C.D", {h[0], h[1], h[2], "Peer by IP address", "Peer address"}, enter)
      .writes(section::kIsakmp + 9, [](const WriteScope& s, std::string& out) {
        for (auto& [key, p] : s.model.isakmp.peers) {
          out += "crypto isakmp peer " + std::string(is_fqdn_peer(key) ? "fqdn " : "address ") + key + "\n";
          s.sub(Mode::kIsakmpPeer, key, out);
          out += "!\n";
        }
      });
  t.add(Mode::kConfig, "crypto isakmp peer ip-address A.B.C.D", {h[0], h[1], h[2], "Peer by IP address", "Peer address"}, enter)
      .writes(w);
  t.add(Mode::kConfig, "crypto isakmp peer fqdn WORD",
        {h[0], h[1], h[2], "Peer by name (resolved when keygated initiates to it)", "Fully qualified domain name"}, enter)
      .writes(w);
  const Mode m = Mode::kIsakmpPeer;
  t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { c.next_mode = Mode::kExec; c.next_object.clear(); return ok(); })
      .not_persisted();
  t.add(m, "exit", {"Exit from the current mode"}, [](C c, A) { c.next_mode = Mode::kConfig; c.next_object.clear(); return ok(); })
      .not_persisted();
  auto peer = [](C c) -> IsakmpPeer& { return c.model.isakmp.peers[c.object]; };
  const std::vector<std::string> am = {"Set a parameter of the peer", "Aggressive Mode initiation"};
  auto lines = t.add(m, "description [LINE]", {"Description of this peer", "Up to 80 characters"},
        [peer](C c, A a) -> Result<std::string> {
          if (a.negated || a.defaulted) { peer(c).description.clear(); return ok(); }
          if (a.size() < 2 || a.at(1).empty()) return fail(Errc::kInvalidArgument, "% Incomplete command.");
          if (a.at(1).size() > 80) return fail(Errc::kInvalidArgument, "% Description is longer than 80 characters");
          peer(c).description = a.at(1);
          return ok();
        })
      .writes(0, peer_lines);
  t.add(m, "set aggressive-mode password [LINE]",
        {am[0], am[1], "Pre-shared key for Aggressive Mode (Tunnel-Password)", "[0|6] key"},
        [peer](C c, A a) -> Result<std::string> {
          auto& p = peer(c);
          if (a.negated || a.defaulted) { p.password = Secret(); p.has_password = false; return ok(); }
          if (a.size() < 4) return fail(Errc::kInvalidArgument, "% Incomplete command.");
          auto k = c.config.key_from_config(a.at(3));
          if (!k) return std::unexpected(k.error());
          if (k->empty()) return fail(Errc::kInvalidArgument, "% Incomplete command.");
          p.password = Secret(std::string_view(*k));
          p.has_password = true;
          return ok();
        })
      .writes(lines);
  // The identity sent in message 1 (Tunnel-Client-Endpoint): ID_IPV4_ADDR,
  // ID_IPV6_ADDR, ID_FQDN or ID_USER_FQDN (RFC 2407 §4.6.2.1).
  auto endpoint = [peer](C c, A a) -> Result<std::string> {
    auto& p = peer(c);
    if (a.negated || a.defaulted) { p.endpoint_type.clear(); p.endpoint.clear(); return ok(); }
    const std::string& type = a.at(3);
    const std::string& v = a.at(4);
    if (type == "fqdn" && v.find('@') != std::string::npos)
      return fail(Errc::kInvalidArgument, "% A fqdn has no '@': use user-fqdn for name@domain");
    if (type == "user-fqdn" && (v.find('@') == std::string::npos || v.front() == '@' || v.back() == '@'))
      return fail(Errc::kInvalidArgument, "% A user-fqdn is name@domain");
    p.endpoint_type = type;
    p.endpoint = v;
    return ok();
  };
  const std::string ce = "Identity sent in Aggressive Mode (Tunnel-Client-Endpoint)";
  t.add(m, "set aggressive-mode client-endpoint ipv4-address A.B.C.D", {am[0], am[1], ce, "ID_IPV4_ADDR", "Address"}, endpoint)
      .writes(lines);
  t.add(m, "set aggressive-mode client-endpoint ipv6-address X:X:X:X::X", {am[0], am[1], ce, "ID_IPV6_ADDR", "Address"}, endpoint)
      .writes(lines);
  t.add(m, "set aggressive-mode client-endpoint fqdn WORD", {am[0], am[1], ce, "ID_FQDN", "Fully qualified domain name"}, endpoint)
      .writes(lines);
  t.add(m, "set aggressive-mode client-endpoint user-fqdn WORD", {am[0], am[1], ce, "ID_USER_FQDN", "name@domain"}, endpoint)
      .writes(lines);
}

std::string suite_text(const std::string& head, const IsakmpPolicy& p) {
  std::string s = head + "\n";
  s += "        encryption algorithm:   " + isakmp_encryption_text(p) + "\n";
  s += "        hash algorithm:         " + isakmp_hash_text(p.hash) + "\n";
  s += "        authentication method:  " +
       std::string(p.authentication == "pre-share"   ? "Pre-Shared Key"
                   : p.authentication == "ecdsa-sig" ? "ECDSA Signature"
                                                     : "Rivest-Shamir-Adleman Signature") +
       "\n";
  s += "        Diffie-Hellman group:   " + isakmp_group_text(p.group) + "\n";
  s += "        lifetime:               " + std::to_string(p.lifetime) + " seconds, no volume limit\n";
  return s;
}

void add_show(CommandTable& t) {
  t.add(Mode::kExec, "show crypto isakmp policy", {"Show running system information", "Encryption module", "ISAKMP", "Show ISAKMP protection suite policy"},
        [](C c, A) -> Result<std::string> {
          std::string s = "\nGlobal IKE policy\n";
          for (auto& [n, p] : c.model.isakmp.policies) s += suite_text("Protection suite of priority " + std::to_string(n), p);
          if (c.model.isakmp.policies.empty() && c.model.isakmp.default_policy)
            for (auto& [n, p] : isakmp_default_table()) s += suite_text("Default protection suite of priority " + std::to_string(n), p);
          return s;
        });
  t.add(Mode::kExec, "show crypto isakmp default policy", {"Show running system information", "Encryption module", "ISAKMP", "Default", "Show the default ISAKMP policies"},
        [](C c, A) -> Result<std::string> {
          if (!c.model.isakmp.default_policy) return std::string();
          std::string s = "\nDefault IKE policy\n";
          for (auto& [n, p] : isakmp_default_table()) s += suite_text("Default protection suite of priority " + std::to_string(n), p);
          return s;
        });
}

}  // namespace

void register_isakmp_commands(CommandTable& t) {
  add_policy(t);
  add_globals(t);
  add_liveness(t);
  add_peer(t);
  add_show(t);
}

}  // namespace kg::config
