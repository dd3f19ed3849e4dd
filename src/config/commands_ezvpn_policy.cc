// Easy VPN server extras of seed 001 that concern the client's side or the
// log rather than the tunnel:
//  - crypto logging ezvpn [group NAME]: %CRYPTO-6-EZVPN_CONNECTION_UP/DOWN
//    for each Easy VPN session (the IKEv1 engine writes them, engine.cc);
//  - crypto isakmp client configuration browser-proxy NAME (proxy ...) and
//    crypto isakmp client firewall NAME required|optional TYPE (policy ...),
//    named from a group by browser-proxy NAME / firewall policy NAME.
// The last two are kept and written back so an IOS configuration loads
// whole, but never pushed: Cisco's browser-proxy and Central Policy Push
// attributes are not published, and no standard client (strongSwan's unity
// plugin, racoon, vpnc, the Linux/macOS/Windows IKEv1 clients) asks for or
// applies them (README, Easy VPN).
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

const std::vector<std::string> kClient = {"Encryption module", "Configure ISAKMP policy", "Set client configuration policy"};
std::vector<std::string> help(std::vector<std::string> head, std::vector<std::string> rest) {
  head.insert(head.end(), rest.begin(), rest.end());
  return head;
}

// ---- crypto logging ezvpn ----

void add_logging(CommandTable& t) {
  std::vector<std::string> h = {"Encryption module", "Crypto syslog messages",
                                "Easy VPN connection and disconnection messages (server)"};
  auto w = t.add(Mode::kConfig, "crypto logging ezvpn", h,
                 [](C c, A a) {
                   auto& ez = c.model.ezvpn;
                   ez.log_all = !a.negated && !a.defaulted;
                   if (!ez.log_all) ez.log_groups.clear();  // no crypto logging ezvpn: all off
                   return ok();
                 })
               .writes(section::kIsakmp + 4, [](const WriteScope& s, std::string& out) {
                 const auto& ez = s.model.ezvpn;
                 if (ez.log_all) out += "crypto logging ezvpn\n";
                 for (auto& g : ez.log_groups) out += "crypto logging ezvpn group " + g + "\n";
               });
  t.add(Mode::kConfig, "crypto logging ezvpn group WORD", help(h, {"Only for one client configuration group", "Group name"}),
        [](C c, A a) {
          auto& groups = c.model.ezvpn.log_groups;
          if (a.negated || a.defaulted) groups.erase(a.at(4));
          else groups.insert(a.at(4));
          return ok();
        })
      .writes(w);
}

// ---- crypto isakmp client configuration browser-proxy ----

BrowserProxy& proxy(C c) { return c.model.ezvpn.browser_proxies[c.object]; }

void proxy_lines(const WriteScope& s, std::string& out) {
  const BrowserProxy& p = s.model.ezvpn.browser_proxies.at(s.object);
  if (!p.setting.empty()) out += " proxy " + p.setting + "\n";
  if (!p.exception_list.empty()) out += " proxy exception-list " + p.exception_list + "\n";
  if (p.bypass_local) out += " proxy by-pass-local\n";
}

// ADDR:PORT, the address an IPv4 address or a host name.
bool valid_proxy_server(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string port = s.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  int n = std::stoi(port);
  if (n < 1 || n > 65535) return false;
  std::string host = s.substr(0, colon);
  if (IpAddress::parse(host)) return IpAddress::parse(host)->is_v4();
  return host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == std::string::npos;
}

void add_browser_proxy(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp client configuration browser-proxy WORD",
        help(kClient, {"Client configuration", "Browser proxy settings for Easy VPN clients", "Browser proxy map name"}),
        [](C c, A a) {
          const std::string& n = a.at(5);
          if (a.negated || a.defaulted) { c.model.ezvpn.browser_proxies.erase(n); return ok(); }
          c.model.ezvpn.browser_proxies[n];
          c.next_mode = Mode::kIsakmpBrowserProxy;
          c.next_object = n;
          return ok();
        })
      .writes(section::kIsakmp + 5, [](const WriteScope& s, std::string& out) {
        for (auto& [n, p] : s.model.ezvpn.browser_proxies) {
          out += "crypto isakmp client configuration browser-proxy " + n + "\n";
          s.sub(Mode::kIsakmpBrowserProxy, n, out);
          out += "!\n";
        }
      });
  const Mode m = Mode::kIsakmpBrowserProxy;
  const std::string ph = "Browser proxy parameters";
  auto lines = t.add(m, "proxy {auto-detect|none}", {ph, "Let the browser detect its proxy", "No proxy"},
                     [](C c, A a) {
                       auto& p = proxy(c);
                       if (a.negated) { if (p.setting == a.at(1)) p.setting.clear(); }
                       else p.setting = a.at(1);
                       return ok();
                     })
                   .writes(0, proxy_lines);
  t.add(m, "proxy server WORD", {ph, "Proxy server", "A.B.C.D:PORT or HOST:PORT"},
        [](C c, A a) -> Result<std::string> {
          auto& p = proxy(c);
          if (a.negated) { if (p.setting.starts_with("server ")) p.setting.clear(); return ok(); }
          if (!valid_proxy_server(a.at(2))) return invalid("% Invalid proxy server " + a.at(2) + " (ADDRESS:PORT)");
          p.setting = "server " + a.at(2);
          return ok();
        })
      .writes(lines);
  t.add(m, "proxy exception-list WORD", {ph, "Addresses and names reached without the proxy",
                                          "Comma-separated list (wildcards allowed)"},
        [](C c, A a) { proxy(c).exception_list = a.negated ? "" : a.at(2); return ok(); })
      .writes(lines);
  t.add(m, "proxy by-pass-local", {ph, "Reach local addresses without the proxy"},
        [](C c, A a) { proxy(c).bypass_local = !a.negated && !a.defaulted; return ok(); })
      .writes(lines);
}

// ---- crypto isakmp client firewall ----

ClientFirewall& fw(C c) { return c.model.ezvpn.firewalls[c.object]; }

// IOS's firewall types (the Cisco VPN Client's names).
const char* const kFirewallTypes[] = {"Cisco-Integrated-firewall", "Cisco-Security-Agent", "Zonelabs-Zonealarm",
                                      "Zonelabs-ZonealarmPro"};

void firewall_lines(const WriteScope& s, std::string& out) {
  const ClientFirewall& f = s.model.ezvpn.firewalls.at(s.object);
  if (!f.acl_in.empty()) out += " policy central-policy-push access-list in " + f.acl_in + "\n";
  if (!f.acl_out.empty()) out += " policy central-policy-push access-list out " + f.acl_out + "\n";
  if (f.check_presence) out += " policy check-presence\n";
}

void add_firewall(CommandTable& t) {
  t.add(Mode::kConfig, "crypto isakmp client firewall WORD {required|optional} WORD",
        help({"Encryption module", "Configure ISAKMP policy", "Set client configuration policy"},
             {"Client firewall policy (Central Policy Push)", "Policy name", "Clients that do not confirm it are refused",
              "Clients may go without it", "Firewall type: Cisco-Integrated-firewall, Cisco-Security-Agent, "
                                           "Zonelabs-Zonealarm or Zonelabs-ZonealarmPro"}),
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(4);
          if (a.negated || a.defaulted) { c.model.ezvpn.firewalls.erase(n); return ok(); }
          std::string type;
          for (const char* k : kFirewallTypes)
            if (a.at(6).size() == std::string_view(k).size() &&
                std::equal(a.at(6).begin(), a.at(6).end(), k, [](char x, char y) { return std::tolower(x) == std::tolower(y); }))
              type = k;
          if (type.empty()) return invalid("% Unknown firewall type " + a.at(6));
          auto& f = c.model.ezvpn.firewalls[n];
          f.required = a.at(5) == "required";
          f.type = type;
          c.next_mode = Mode::kIsakmpClientFirewall;
          c.next_object = n;
          return ok();
        })
      .writes(section::kIsakmp + 5, [](const WriteScope& s, std::string& out) {
        for (auto& [n, f] : s.model.ezvpn.firewalls) {
          out += "crypto isakmp client firewall " + n + (f.required ? " required " : " optional ") + f.type + "\n";
          s.sub(Mode::kIsakmpClientFirewall, n, out);
          out += "!\n";
        }
      });
  const Mode m = Mode::kIsakmpClientFirewall;
  auto lines = t.add(m, "policy central-policy-push access-list {in|out} WORD",
                     {"Firewall policy", "Rules the client's firewall applies (Cisco-Integrated-firewall)",
                      "Access list", "Inbound", "Outbound", "Access list number or name"},
                     [](C c, A a) {
                       auto& f = fw(c);
                       (a.at(3) == "in" ? f.acl_in : f.acl_out) = a.negated ? "" : a.at(4);
                       return ok();
                     })
                   .writes(0, firewall_lines);
  t.add(m, "policy check-presence", {"Firewall policy", "Only check that the firewall runs"},
        [](C c, A a) { fw(c).check_presence = !a.negated && !a.defaulted; return ok(); })
      .writes(lines);
}

}  // namespace

void register_ezvpn_policy_commands(CommandTable& t) {
  for (Mode m : {Mode::kIsakmpBrowserProxy, Mode::kIsakmpClientFirewall}) {
    t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { c.next_mode = Mode::kExec; c.next_object.clear(); return ok(); })
        .not_persisted();
    t.add(m, "exit", {"Exit from the current mode"}, [](C c, A) { c.next_mode = Mode::kConfig; c.next_object.clear(); return ok(); })
        .not_persisted();
  }
  add_logging(t);
  add_browser_proxy(t);
  add_firewall(t);
}

}  // namespace kg::config
