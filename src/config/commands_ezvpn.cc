// Easy VPN server configuration (seed 001): crypto isakmp client
// configuration group NAME|default (mode configuration attributes, the group
// key for Aggressive Mode, session limits), crypto isakmp client
// configuration address-pool local, crypto isakmp aggressive-mode disable,
// crypto isakmp profile NAME, crypto keyring NAME, named login lists for
// XAUTH (aaa authentication login LIST local) and show crypto isakmp profile.
#include "config/interface_names.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

const std::vector<std::string> kIsakmp = {"Encryption module", "Configure ISAKMP policy"};
std::vector<std::string> help(std::vector<std::string> rest) {
  auto h = kIsakmp;
  h.insert(h.end(), rest.begin(), rest.end());
  return h;
}

bool is_v4(const std::string& s) {
  auto a = IpAddress::parse(s);
  return a && a->is_v4();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += " " + x;
  return s;
}

// ---- crypto isakmp client configuration group ----

EzvpnGroup& grp(C c) { return c.model.ezvpn.groups[c.object]; }
const EzvpnGroup& grp(const WriteScope& s) { return s.model.ezvpn.groups.at(s.object); }

void group_lines(const WriteScope& s, std::string& out) {
  const EzvpnGroup& g = grp(s);
  if (g.has_key) out += " key " + s.ctx.key(g.key) + "\n";
  if (!g.dns.empty()) out += " dns" + join(g.dns) + "\n";
  if (!g.wins.empty()) out += " wins" + join(g.wins) + "\n";
  if (!g.domain.empty()) out += " domain " + g.domain + "\n";
  if (!g.pool.empty()) out += " pool " + g.pool + "\n";
  if (!g.acl.empty()) out += " acl " + g.acl + "\n";
  if (g.include_local_lan) out += " include-local-lan\n";
  if (g.save_password) out += " save-password\n";
  if (g.pfs) out += " pfs\n";
  for (auto& d : g.split_dns) out += " split-dns " + d + "\n";
  if (g.firewall_are_u_there) out += " firewall are-u-there\n";
  for (auto& b : g.backup_gateways) out += " backup-gateway " + b + "\n";
  if (g.max_users) out += " max-users " + std::to_string(g.max_users) + "\n";
  if (g.max_logins) out += " max-logins " + std::to_string(g.max_logins) + "\n";
  if (!g.netmask.empty()) out += " netmask " + g.netmask + "\n";
  if (!g.banner.empty()) out += " banner ^" + g.banner + "^\n";
  if (!g.attribute_list.empty()) out += " crypto aaa attribute list " + g.attribute_list + "\n";
  if (!g.browser_proxy.empty()) out += " browser-proxy " + g.browser_proxy + "\n";
  if (!g.firewall_policy.empty()) out += " firewall policy " + g.firewall_policy + "\n";
}

void add_group(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp client configuration group WORD",
        help({"Set client configuration policy", "Client configuration", "Group policy for clients",
              "Group name, or default for clients whose group matches no other"}),
        [](C c, A a) {
          const std::string& n = a.at(5);
          if (a.negated || a.defaulted) { c.model.ezvpn.groups.erase(n); return ok(); }
          c.model.ezvpn.groups[n];
          c.next_mode = Mode::kIsakmpGroup;
          c.next_object = n;
          return ok();
        })
      .writes(section::kIsakmp + 6, [](const WriteScope& s, std::string& out) {
        for (auto& [n, g] : s.model.ezvpn.groups) {
          out += "crypto isakmp client configuration group " + n + "\n";
          s.sub(Mode::kIsakmpGroup, n, out);
          out += "!\n";
        }
      });
  const Mode m = Mode::kIsakmpGroup;
  auto lines = t.add(m, "key LINE", {"pre-shared key for the group (Aggressive Mode)", "[0|6] key"},
        [](C c, A a) -> Result<std::string> {
          auto& g = grp(c);
          if (a.negated) { g.key = Secret(); g.has_key = false; return ok(); }
          auto k = c.config.key_from_config(a.at(1));
          if (!k) return std::unexpected(k.error());
          if (k->empty()) return invalid("% Incomplete command.");
          g.key = Secret(std::string_view(*k));
          g.has_key = true;
          return ok();
        })
      .writes(0, group_lines);
  auto addr_list = [](std::vector<std::string> EzvpnGroup::*f) {
    return [f](C c, A a) -> Result<std::string> {
      if (a.negated) { (grp(c).*f).clear(); return ok(); }
      for (size_t i = 1; i < a.size(); ++i)
        if (!is_v4(a.at(i))) return invalid("% Invalid address " + a.at(i));
      grp(c).*f = std::vector<std::string>(a.words.begin() + 1, a.words.end());
      return ok();
    };
  };
  t.add(m, "dns A.B.C.D [A.B.C.D]", {"DNS servers for the group", "Primary DNS server", "Secondary DNS server"},
        addr_list(&EzvpnGroup::dns)).writes(lines);
  t.add(m, "wins A.B.C.D [A.B.C.D]", {"WINS servers for the group", "Primary WINS server", "Secondary WINS server"},
        addr_list(&EzvpnGroup::wins)).writes(lines);
  auto word = [](std::string EzvpnGroup::*f) {
    return [f](C c, A a) { grp(c).*f = a.negated || a.defaulted ? "" : a.at(1); return ok(); };
  };
  t.add(m, "domain WORD", {"Default domain name for the group", "Domain name"}, word(&EzvpnGroup::domain)).writes(lines);
  t.add(m, "pool WORD", {"Local address pool for the group", "ip local pool name"}, word(&EzvpnGroup::pool)).writes(lines);
  t.add(m, "crypto aaa attribute list WORD",
        {"Encryption module", "AAA attributes", "Per-user attributes of the group's sessions (aaa attribute list)",
         "Attribute list name"},
        [](C c, A a) { grp(c).attribute_list = a.negated || a.defaulted ? "" : a.at(4); return ok(); })
      .writes(lines);
  t.add(m, "acl WORD", {"Split tunnelling: the networks reached through the tunnel",
                        "Access list number or name: standard, or extended (each permit entry's source)"},
        word(&EzvpnGroup::acl)).writes(lines);
  t.add(m, "netmask A.B.C.D", {"Subnet mask for the client's address", "Mask"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated) { grp(c).netmask.clear(); return ok(); }
          auto x = IpAddress::parse(a.at(1));
          if (!x || !x->is_v4() || !mask_to_len(*x)) return invalid("% Bad mask " + a.at(1));
          grp(c).netmask = a.at(1);
          return ok();
        }).writes(lines);
  auto flag = [](bool EzvpnGroup::*f) { return [f](C c, A a) { grp(c).*f = !a.negated && !a.defaulted; return ok(); }; };
  t.add(m, "include-local-lan", {"Let a client without split tunnelling reach its local LAN"},
        flag(&EzvpnGroup::include_local_lan)).writes(lines);
  t.add(m, "save-password", {"Let the client save its XAUTH password"}, flag(&EzvpnGroup::save_password)).writes(lines);
  t.add(m, "pfs", {"Tell the client that PFS is required"}, flag(&EzvpnGroup::pfs)).writes(lines);
  t.add(m, "split-dns WORD", {"Domain resolved through the tunnel's DNS servers (up to 10)", "Domain name"},
        [](C c, A a) -> Result<std::string> {
          auto& v = grp(c).split_dns;
          std::erase(v, a.at(1));
          if (a.negated) return ok();
          if (v.size() >= 10) return invalid("% At most 10 split-dns domains");
          if (a.at(1).find(',') != std::string::npos) return invalid("% A domain name may not contain ','");
          v.push_back(a.at(1));
          return ok();
        }).writes(lines);
  t.add(m, "firewall are-u-there", {"Client firewall policy", "Ask the client to check its personal firewall runs (Are-You-There)"},
        flag(&EzvpnGroup::firewall_are_u_there)).writes(lines);
  // Kept, not pushed (commands_ezvpn_policy.cc says why).
  t.add(m, "browser-proxy WORD", {"Browser proxy settings for the group's clients (not pushed)",
                                  "crypto isakmp client configuration browser-proxy name"},
        word(&EzvpnGroup::browser_proxy)).writes(lines);
  t.add(m, "firewall policy WORD", {"Client firewall policy", "Central Policy Push policy (not pushed)",
                                    "crypto isakmp client firewall name"},
        [](C c, A a) { grp(c).firewall_policy = a.negated || a.defaulted ? "" : a.at(2); return ok(); }).writes(lines);
  t.add(m, "backup-gateway WORD", {"Backup gateway pushed to the client (up to 10, in order)", "IP address or host name"},
        [](C c, A a) -> Result<std::string> {
          auto& v = grp(c).backup_gateways;
          std::erase(v, a.at(1));
          if (a.negated) return ok();
          if (v.size() >= 10) return invalid("% At most 10 backup gateways");
          v.push_back(a.at(1));
          return ok();
        }).writes(lines);
  t.add(m, "max-users <1-5000>", {"Maximum number of simultaneous connections to the group", "Number of users"},
        [](C c, A a) { grp(c).max_users = a.negated || a.defaulted ? 0 : std::stoi(a.at(1)); return ok(); }).writes(lines);
  t.add(m, "max-logins <1-10>", {"Maximum simultaneous logins of one user of the group", "Number of logins"},
        [](C c, A a) { grp(c).max_logins = a.negated || a.defaulted ? 0 : std::stoi(a.at(1)); return ok(); }).writes(lines);
  // IOS reads `banner c TEXT c` over several lines; keygate takes one line,
  // with or without the delimiter character around it.
  t.add(m, "banner LINE", {"Banner the client shows after connecting", "c banner-text c, where 'c' is a delimiting character"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated) { grp(c).banner.clear(); return ok(); }
          std::string b = a.at(1);
          if (b.size() >= 2 && b.front() == b.back() && !std::isalnum(static_cast<unsigned char>(b.front())))
            b = b.substr(1, b.size() - 2);
          if (b.find('^') != std::string::npos) return invalid("% The banner may not contain '^'");
          grp(c).banner = b;
          return ok();
        }).writes(lines);
}

// ---- globals ----

void add_globals(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp aggressive-mode disable",
        help({"Aggressive Mode", "Refuse Aggressive Mode, in both directions"}),
        [](C c, A a) { c.model.ezvpn.aggressive_disabled = !a.negated && !a.defaulted; return ok(); })
      .writes(section::kIsakmp + 4, [](const WriteScope& s, std::string& out) {
        if (s.model.ezvpn.aggressive_disabled) out += "crypto isakmp aggressive-mode disable\n";
      });
  t.add(Mode::kConfig, "crypto isakmp client configuration address-pool local WORD",
        help({"Set client configuration policy", "Client configuration", "Address pool for clients",
              "Local address pool (ip local pool)", "Pool name"}),
        [](C c, A a) { c.model.ezvpn.address_pool = a.negated || a.defaulted ? "" : a.at(6); return ok(); })
      .writes(section::kIsakmp + 5, [](const WriteScope& s, std::string& out) {
        if (!s.model.ezvpn.address_pool.empty())
          out += "crypto isakmp client configuration address-pool local " + s.model.ezvpn.address_pool + "\n!\n";
      });
  std::vector<std::string> login = {"Authentication, Authorization and Accounting.", "Authentication configurations parameters.",
                                    "Set authentication lists for logins.",
                                    "Named authentication list (XAUTH: client authentication list)"};
  auto h = [&](std::vector<std::string> rest) {
    auto v = login;
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
  };
  auto lists = t.add(Mode::kConfig, "aaa authentication login WORD local", h({"Use local username authentication."}),
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(3);
          if (n == "default") { c.model.aaa_login_local = !a.negated; return ok(); }
          if (a.negated) c.model.ezvpn.login_lists.erase(n);
          else c.model.ezvpn.login_lists[n] = "local";
          return ok();
        })
      .writes(section::kAaa + 2, [](const WriteScope& s, std::string& out) {
        for (auto& [n, how] : s.model.ezvpn.login_lists) out += "aaa authentication login " + n + " " + how + "\n";
        if (!s.model.ezvpn.login_lists.empty()) out += "!\n";
      });
  // XAUTH through RADIUS (PAP); `local` after the group: the local users
  // when no server of the group answers (not after a Reject).
  auto radius = [](C c, A a) -> Result<std::string> {
    const std::string& n = a.at(3);
    if (a.negated) { c.model.ezvpn.login_lists.erase(n); return ok(); }
    if (!c.model.aaa_new_model) return invalid("AAA is not enabled: configure 'aaa new-model' first");
    c.model.ezvpn.login_lists[n] = "group " + a.at(5) + (a.size() > 6 ? " local" : "");
    return ok();
  };
  t.add(Mode::kConfig, "aaa authentication login WORD group WORD", h({"Use Server-group", "Server-group name"}), radius)
      .writes(lists);
  t.add(Mode::kConfig, "aaa authentication login WORD group WORD local",
        h({"Use Server-group", "Server-group name", "Then local username authentication (server unreachable)"}), radius)
      .writes(lists);
}

// ---- crypto keyring ----

CryptoKeyring& ring(C c) { return c.model.ezvpn.keyrings[c.object]; }

Result<std::string> keyring_key(C c, A a) {
  auto& keys = ring(c).keys;
  CryptoKeyringKey k;
  size_t i = 2;
  if (a.at(1) == "address") {
    if (!is_v4(a.at(2))) return invalid("% Invalid address " + a.at(2));
    k.address = a.at(2);
    if (a.at(3) != "key") {
      auto m = IpAddress::parse(a.at(3));
      if (!m || !m->is_v4() || !mask_to_len(*m)) return invalid("% Bad mask " + a.at(3));
      k.mask = a.at(3);
      i = 3;
    }
  } else {
    k.hostname = a.at(2);
  }
  std::erase_if(keys, [&](const CryptoKeyringKey& x) {
    return x.address == k.address && x.mask == k.mask && x.hostname == k.hostname;
  });
  if (a.negated) return ok();
  auto key = c.config.key_from_config(a.at(i + 2));
  if (!key) return std::unexpected(key.error());
  k.key = Secret(std::string_view(*key));
  keys.push_back(std::move(k));
  return ok();
}

void add_keyring(CommandTable& t) {
  t.add(Mode::kConfig, "crypto keyring WORD", {"Encryption module", "Key ring of pre-shared keys", "Key ring name"},
        [](C c, A a) {
          if (a.negated || a.defaulted) { c.model.ezvpn.keyrings.erase(a.at(2)); return ok(); }
          c.model.ezvpn.keyrings[a.at(2)];
          c.next_mode = Mode::kCryptoKeyring;
          c.next_object = a.at(2);
          return ok();
        })
      .writes(section::kIsakmp + 7, [](const WriteScope& s, std::string& out) {
        for (auto& [n, r] : s.model.ezvpn.keyrings) {
          out += "crypto keyring " + n + "\n";
          for (auto& k : r.keys) {
            if (!k.hostname.empty()) out += "  pre-shared-key hostname " + k.hostname;
            else out += "  pre-shared-key address " + k.address + (k.mask != "255.255.255.255" ? " " + k.mask : "");
            out += " key " + s.ctx.key(k.key) + "\n";
          }
          out += "!\n";
        }
      });
  const Mode m = Mode::kCryptoKeyring;
  std::vector<std::string> h = {"Pre-shared key of a peer", "Peer by address", "Peer address"};
  auto w = t.add(m, "pre-shared-key address A.B.C.D key LINE", {h[0], h[1], h[2], "Key", "[0|6] key"}, keyring_key)
               .writes(0, [](const WriteScope&, std::string&) {});  // written by crypto keyring
  t.add(m, "pre-shared-key address A.B.C.D A.B.C.D key LINE", {h[0], h[1], h[2], "Mask", "Key", "[0|6] key"}, keyring_key)
      .writes(w);
  t.add(m, "pre-shared-key hostname WORD key LINE", {h[0], "Peer by host name", "Host name (FQDN)", "Key", "[0|6] key"},
        keyring_key)
      .writes(w);
}

// ---- crypto isakmp profile ----

IsakmpProfile& prof(C c) { return c.model.ezvpn.profiles[c.object]; }
const IsakmpProfile& prof(const WriteScope& s) { return s.model.ezvpn.profiles.at(s.object); }

void toggle(std::vector<std::string>& v, const std::string& x, bool negated) {
  std::erase(v, x);
  if (!negated) v.push_back(x);
}

void profile_lines(const WriteScope& s, std::string& out) {
  const IsakmpProfile& p = prof(s);
  if (!p.keyring.empty()) out += "   keyring " + p.keyring + "\n";
  for (auto& g : p.match_groups) out += "   match identity group " + g + "\n";
  for (auto& a : p.match_addresses) {
    auto sp = a.find(' ');
    std::string mask = a.substr(sp + 1);
    out += "   match identity address " + a.substr(0, sp) + (mask == "255.255.255.255" ? "" : " " + mask) + "\n";
  }
  for (auto& h : p.match_hosts) out += "   match identity host " + h + "\n";
  for (auto& u : p.match_users)
    out += "   match identity user " + (u.starts_with('@') ? "domain " + u.substr(1) : u) + "\n";
  if (!p.client_auth_list.empty()) out += "   client authentication list " + p.client_auth_list + "\n";
  if (!p.authorization_list.empty()) out += "   isakmp authorization list " + p.authorization_list + "\n";
  if (!p.accounting_list.empty()) out += "   accounting " + p.accounting_list + "\n";
  if (!p.config_address.empty()) out += "   client configuration address " + p.config_address + "\n";
  if (p.virtual_template) out += "   virtual-template " + std::to_string(p.virtual_template) + "\n";
  if (p.keepalive)
    out += "   keepalive " + std::to_string(p.keepalive) + " retry " + std::to_string(p.keepalive_retry) + "\n";
  if (p.initiate_aggressive) out += "   initiate mode aggressive\n";
  if (!p.self_identity_type.empty())
    out += "   self-identity " + p.self_identity_type + (p.self_identity.empty() ? "" : " " + p.self_identity) + "\n";
  if (!p.local_address.empty()) out += "   local-address " + p.local_address + "\n";
}

void add_profile(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp profile WORD", help({"Define ISAKMP profiles", "Profile name"}),
        [](C c, A a) {
          if (a.negated || a.defaulted) { c.model.ezvpn.profiles.erase(a.at(3)); return ok(); }
          c.model.ezvpn.profiles[a.at(3)];
          c.next_mode = Mode::kIsakmpProfile;
          c.next_object = a.at(3);
          return ok();
        })
      .writes(section::kIsakmp + 8, [](const WriteScope& s, std::string& out) {
        for (auto& [n, p] : s.model.ezvpn.profiles) {
          out += "crypto isakmp profile " + n + "\n";
          s.sub(Mode::kIsakmpProfile, n, out);
          out += "!\n";
        }
      });
  const Mode m = Mode::kIsakmpProfile;
  std::vector<std::string> mi = {"Match values of peer", "Peer identity"};
  auto lines = t.add(m, "match identity group WORD", {mi[0], mi[1], "Easy VPN group (ID_KEY_ID)", "Group name"},
                     [](C c, A a) { toggle(prof(c).match_groups, a.at(3), a.negated); return ok(); })
                   .writes(0, profile_lines);
  auto addr = [](C c, A a) -> Result<std::string> {
    if (!is_v4(a.at(3))) return invalid("% Invalid address " + a.at(3));
    std::string mask = a.size() > 4 ? a.at(4) : "255.255.255.255";
    auto mk = IpAddress::parse(mask);
    if (!mk || !mk->is_v4() || !mask_to_len(*mk)) return invalid("% Bad mask " + mask);
    toggle(prof(c).match_addresses, a.at(3) + " " + mask, a.negated);
    return ok();
  };
  t.add(m, "match identity address A.B.C.D [A.B.C.D]", {mi[0], mi[1], "IP address", "Address", "Mask"}, addr).writes(lines);
  t.add(m, "match identity host WORD", {mi[0], mi[1], "Fully qualified domain name", "Host name"},
        [](C c, A a) { toggle(prof(c).match_hosts, a.at(3), a.negated); return ok(); }).writes(lines);
  t.add(m, "local-address WORD", {"Interface or address to use as the local address of this profile's SAs",
                                  "Interface name or IP address"},
        [](C c, A a) {
          prof(c).local_address = a.negated ? "" : is_v4(a.at(1)) ? a.at(1) : canonical_interface_name(a.at(1));
          return ok();
        }).writes(lines);
  t.add(m, "match identity user WORD", {mi[0], mi[1], "User fully qualified domain name (user@domain)", "User name"},
        [](C c, A a) { toggle(prof(c).match_users, a.at(3), a.negated); return ok(); }).writes(lines);
  t.add(m, "match identity user domain WORD",
        {mi[0], mi[1], "User fully qualified domain name (user@domain)", "Any user of a domain", "Domain name"},
        [](C c, A a) { toggle(prof(c).match_users, "@" + a.at(4), a.negated); return ok(); }).writes(lines);
  t.add(m, "client authentication list WORD", {"Client parameters", "Extended authentication (XAUTH)", "AAA list", "List name"},
        [](C c, A a) { prof(c).client_auth_list = a.negated ? "" : a.at(3); return ok(); }).writes(lines);
  t.add(m, "isakmp authorization list WORD", {"ISAKMP parameters", "Group authorization", "AAA list", "List name"},
        [](C c, A a) { prof(c).authorization_list = a.negated ? "" : a.at(3); return ok(); }).writes(lines);
  t.add(m, "accounting WORD", {"Enable AAA Accounting for IPsec sessions", "Name of accounting list"},
        [](C c, A a) { prof(c).accounting_list = a.negated ? "" : a.at(1); return ok(); }).writes(lines);
  t.add(m, "client configuration address {respond|initiate}",
        {"Client parameters", "Mode configuration", "Address assignment", "Answer the client's request", "Push it to the client"},
        [](C c, A a) { prof(c).config_address = a.negated ? "" : a.at(3); return ok(); }).writes(lines);
  t.add(m, "keyring WORD", {"Key ring of pre-shared keys", "Key ring name"},
        [](C c, A a) { prof(c).keyring = a.negated ? "" : a.at(1); return ok(); }).writes(lines);
  // A crypto map entry with `set isakmp-profile` this profile opens phase 1
  // in Aggressive Mode (our identity, pre-share or rsa-sig as for Main Mode).
  t.add(m, "initiate mode aggressive", {"Initiator property", "Initiation mode", "Initiate Aggressive Mode"},
        [](C c, A a) { prof(c).initiate_aggressive = !a.negated && !a.defaulted; return ok(); }).writes(lines);
  // IOS: self-identity {address | fqdn | user-fqdn NAME}: the identity
  // sent in this profile's ID payloads, over crypto isakmp identity (fqdn:
  // the hostname, as crypto isakmp identity hostname).
  auto self_id = [](C c, A a) -> Result<std::string> {
    auto& p = prof(c);
    if (a.negated || a.defaulted) { p.self_identity_type.clear(); p.self_identity.clear(); return ok(); }
    const std::string v = a.size() > 2 ? a.at(2) : "";
    if (a.at(1) == "user-fqdn" && (v.find('@') == std::string::npos || v.front() == '@' || v.back() == '@'))
      return invalid("% A user-fqdn is name@domain");
    p.self_identity_type = a.at(1);
    p.self_identity = v;
    return ok();
  };
  const std::vector<std::string> si = {"Specify the identity to use for this profile"};
  t.add(m, "self-identity address", {si[0], "Use the IP address of the local endpoint (ID_IPV4_ADDR)"}, self_id).writes(lines);
  t.add(m, "self-identity fqdn", {si[0], "Use the hostname (ID_FQDN)"}, self_id).writes(lines);
  t.add(m, "self-identity user-fqdn WORD", {si[0], "Use a user FQDN (ID_USER_FQDN)", "name@domain"}, self_id).writes(lines);
  t.add(m, "virtual-template <1-1000>", {"Virtual-Template the sessions are cloned from", "Template number"},
        [](C c, A a) { prof(c).virtual_template = a.negated ? 0 : std::stoi(a.at(1)); return ok(); }).writes(lines);
  // IOS: keepalive SECONDS retry RETRY (both required; no periodic form).
  t.add(m, "keepalive <10-3600> retry <2-60>",
        {"Set a keepalive interval for use with IOS peers", "Number of seconds between keep alives",
         "Retry interval if keepalive fails", "Number of seconds between retries if keepalive fails"},
        [](C c, A a) {
          auto& p = prof(c);
          p.keepalive = a.negated ? 0 : std::stoi(a.at(1));
          p.keepalive_retry = a.negated ? 2 : std::stoi(a.at(3));
          return ok();
        })
      .writes(lines);

  t.add(Mode::kExec, "show crypto isakmp profile",
        {"Show running system information", "Encryption module", "ISAKMP", "ISAKMP profiles"},
        [](C c, A) -> Result<std::string> {
          std::string s;
          for (auto& [n, p] : c.model.ezvpn.profiles) {
            s += "ISAKMP PROFILE " + n + "\n";
            s += "   Identities matched are:\n";
            for (auto& g : p.match_groups) s += "    group " + g + "\n";
            for (auto& a : p.match_addresses) s += "    ip-address " + a + "\n";
            for (auto& h : p.match_hosts) s += "    host " + h + "\n";
            for (auto& u : p.match_users) s += "    user " + (u.starts_with('@') ? "domain " + u.substr(1) : u) + "\n";
            s += "   Certificate maps matched are:\n";
            s += "   keyring(s): " + (p.keyring.empty() ? std::string("<none>") : p.keyring) + "\n";
            if (!p.local_address.empty()) s += "   local address: " + p.local_address + "\n";
            s += "   trustpoint(s): <all>\n";
            if (!p.client_auth_list.empty()) s += "   Client authentication list: " + p.client_auth_list + "\n";
            if (!p.authorization_list.empty()) s += "   ISAKMP authorization list: " + p.authorization_list + "\n";
            if (!p.accounting_list.empty()) s += "   Accounting list: " + p.accounting_list + "\n";
            if (!p.config_address.empty()) s += "   Client configuration address: " + p.config_address + "\n";
            if (p.virtual_template) s += "   Virtual-template: " + std::to_string(p.virtual_template) + "\n";
            if (p.keepalive)
              s += "   keepalive: " + std::to_string(p.keepalive) + " s, retry " + std::to_string(p.keepalive_retry) + " s\n";
            if (p.initiate_aggressive) s += "   Initiate mode: aggressive\n";
            if (!p.self_identity_type.empty())
              s += "   Self identity: " + p.self_identity_type + (p.self_identity.empty() ? "" : " " + p.self_identity) + "\n";
            s += "\n";
          }
          return s;
        });
}

}  // namespace

void register_ezvpn_commands(CommandTable& t) {
  for (Mode m : {Mode::kIsakmpGroup, Mode::kIsakmpProfile, Mode::kCryptoKeyring}) {
    t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { c.next_mode = Mode::kExec; c.next_object.clear(); return ok(); })
        .not_persisted();
    t.add(m, "exit", {"Exit from the current mode"}, [](C c, A) { c.next_mode = Mode::kConfig; c.next_object.clear(); return ok(); })
        .not_persisted();
  }
  add_globals(t);
  add_group(t);
  add_keyring(t);
  add_profile(t);
}

}  // namespace kg::config
