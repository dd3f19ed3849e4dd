// AAA with RADIUS (seed 004, issue 16): RADIUS servers and server groups,
// radius-server timers, and the method lists that name them:
//   aaa group server radius NAME            (config-sg-radius)
//    server-private A.B.C.D [auth-port P] [acct-port P] key KEY
//    server name NAME
//   radius server NAME                      (config-radius-server)
//    address ipv4 A.B.C.D [auth-port P] [acct-port P]
//    key KEY
//   radius-server timeout|retransmit|deadtime N
//   aaa authentication eap LIST group G|local
//   aaa authorization network LIST group G   (LIST local: commands_ra.cc)
//   aaa accounting network LIST start-stop group G
// and, in an IKEv2 profile, `authentication remote eap [query-identity]
// [timeout N]`, `aaa authentication eap LIST`, `aaa accounting eap LIST`.
// Keys are Secrets, written back only sealed ("6 ...").
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// Sections of the running-config (writer.h's order): server groups right
// after `aaa new-model`; radius-server and radius server blocks near the end,
// where IOS prints them.
constexpr int kAaaGroups = section::kAaa + 10;
constexpr int kAaaLists = section::kAaa + 20;
constexpr int kRadiusServers = 850;

void enter(C c, Mode m, std::string obj) {
  c.next_mode = m;
  c.next_object = std::move(obj);
}

// auth-port P / acct-port P / key K pairs from words[i...]. The key takes
// the rest of the line ("key 6 SEALED", "key 0 clear", "key clear").
Result<void> ports_and_key(C c, A a, size_t i, RadiusServer& s, bool key_allowed) {
  while (i < a.size()) {
    const std::string& w = a.at(i);
    if ((w == "auth-port" || w == "acct-port") && i + 1 < a.size()) {
      int port = std::stoi(a.at(i + 1));
      (w == "auth-port" ? s.auth_port : s.acct_port) = port;
      i += 2;
    } else if (w == "key" && key_allowed && i + 1 < a.size()) {
      std::string text = a.at(i + 1);
      for (size_t k = i + 2; k < a.size(); ++k) text += " " + a.at(k);
      auto key = c.config.key_from_config(text);
      if (!key) return std::unexpected(key.error());
      if (key->empty()) return fail(Errc::kInvalidArgument, "Incomplete command.");
      s.key = Secret(std::string_view(*key));
      return {};
    } else {
      return fail(Errc::kInvalidArgument, "Invalid input at '" + w + "'");
    }
  }
  return {};
}

std::string ports_words(const RadiusServer& s) {
  return " auth-port " + std::to_string(s.auth_port) + " acct-port " + std::to_string(s.acct_port);
}

// A method list's method: "local" or "group NAME".
std::string method_of(A a, size_t at) { return a.at(at) == "local" ? "local" : "group " + a.at(at + 1); }

void add_group(CommandTable& t) {
  t.add(Mode::kConfig, "aaa group server radius WORD",
        {"Authentication, Authorization and Accounting.", "AAA group definitions", "AAA Server-group definition",
         "Radius server-group definition", "Server-group name"},
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(4);
          if (a.negated || a.defaulted) { c.model.radius_groups.erase(n); return ok(); }
          c.model.radius_groups[n];
          enter(c, Mode::kAaaRadiusGroup, n);
          return ok();
        })
      .writes(kAaaGroups, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, g] : s.model.radius_groups) {
          out += "aaa group server radius " + n + "\n";
          s.sub(Mode::kAaaRadiusGroup, n, out);
          out += "!\n";
        }
      });
  auto group = [](C c) -> AaaRadiusGroup& { return c.model.radius_groups[c.object]; };
  auto group_of = [](const WriteScope& s) -> const AaaRadiusGroup& { return s.model.radius_groups.at(s.object); };
  auto set_private = [group](C c, A a) -> Result<std::string> {
    auto addr = IpAddress::parse(a.at(1));
    if (!addr || !addr->is_v4()) return invalid("Invalid address " + a.at(1));
    auto& g = group(c);
    RadiusServer s;
    s.address = addr;
    if (auto r = ports_and_key(c, a, 2, s, !a.negated); !r) return std::unexpected(r.error());
    std::erase_if(g.private_servers, [&](const RadiusServer& x) {
      return x.address == s.address && x.auth_port == s.auth_port && x.acct_port == s.acct_port;
    });
    if (a.negated) return ok();
    if (s.key.empty()) return invalid("server-private needs a key (the group has no other)");
    g.private_servers.push_back(std::move(s));
    return ok();
  };
  std::vector<std::string> h = {"Define a private RADIUS server (the group's own)", "IP address of the server",
                                "UDP port for RADIUS authentication server (default is 1812)", "Port number",
                                "UDP port for RADIUS accounting server (default is 1813)", "Port number",
                                "Per-server encryption key", "The key (0: clear, 6: sealed)"};
  auto priv = t.add(Mode::kAaaRadiusGroup, "server-private A.B.C.D auth-port <0-65535> acct-port <0-65535> key LINE", h,
                    set_private)
                  .writes(1, [group_of](const WriteScope& s, std::string& out) {
                    for (const auto& p : group_of(s).private_servers)
                      out += " server-private " + p.address->str() + ports_words(p) + " key " + s.ctx.key(p.key) + "\n";
                  });
  t.add(Mode::kAaaRadiusGroup, "server-private A.B.C.D key LINE", {h[0], h[1], h[6], h[7]}, set_private).writes(priv);
  t.add(Mode::kAaaRadiusGroup, "server-private A.B.C.D auth-port <0-65535> key LINE", {h[0], h[1], h[2], h[3], h[6], h[7]},
        set_private)
      .writes(priv);
  t.add(Mode::kAaaRadiusGroup, "server name WORD", {"Specify a RADIUS server", "Name of the RADIUS server", "Server name"},
        [group](C c, A a) {
          auto& names = group(c).server_names;
          std::erase(names, a.at(2));
          if (!a.negated) names.push_back(a.at(2));
          return ok();
        })
      .writes(2, [group_of](const WriteScope& s, std::string& out) {
        for (const auto& n : group_of(s).server_names) out += " server name " + n + "\n";
      });
  for (Mode m : {Mode::kAaaRadiusGroup, Mode::kRadiusServer}) {
    t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); })
        .not_persisted();
    t.add(m, "exit", {"Exit from the current mode"}, [](C c, A) { enter(c, Mode::kConfig, ""); return ok(); })
        .not_persisted();
  }
}

void add_servers(CommandTable& t) {
  t.add(Mode::kConfig, "radius server WORD", {"RADIUS server configuration", "Server configuration", "Name for the radius server"},
        [](C c, A a) {
          const std::string& n = a.at(2);
          if (a.negated || a.defaulted) { c.model.radius_servers.erase(n); return ok(); }
          c.model.radius_servers[n];
          enter(c, Mode::kRadiusServer, n);
          return ok();
        })
      .writes(kRadiusServers + 1, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, srv] : s.model.radius_servers) {
          out += "radius server " + n + "\n";
          s.sub(Mode::kRadiusServer, n, out);
          out += "!\n";
        }
      });
  auto server = [](C c) -> RadiusServer& { return c.model.radius_servers[c.object]; };
  auto server_of = [](const WriteScope& s) -> const RadiusServer& { return s.model.radius_servers.at(s.object); };
  auto set_address = [server](C c, A a) -> Result<std::string> {
    auto& s = server(c);
    if (a.negated) { s.address.reset(); s.auth_port = 1812; s.acct_port = 1813; return ok(); }
    auto addr = IpAddress::parse(a.at(2));
    if (!addr || !addr->is_v4()) return invalid("Invalid address " + a.at(2));
    RadiusServer next;
    if (auto r = ports_and_key(c, a, 3, next, false); !r) return std::unexpected(r.error());
    s.address = addr;
    s.auth_port = next.auth_port;
    s.acct_port = next.acct_port;
    return ok();
  };
  std::vector<std::string> h = {"Specify the radius server address", "IPv4 address", "IPv4 address of the server",
                                "UDP port for RADIUS authentication server (default is 1812)", "Port number",
                                "UDP port for RADIUS accounting server (default is 1813)", "Port number"};
  auto address = t.add(Mode::kRadiusServer, "address ipv4 A.B.C.D auth-port <0-65535> acct-port <0-65535>", h, set_address)
                     .writes(1, [server_of](const WriteScope& s, std::string& out) {
                       if (auto& srv = server_of(s); srv.address)
                         out += " address ipv4 " + srv.address->str() + ports_words(srv) + "\n";
                     });
  t.add(Mode::kRadiusServer, "address ipv4 A.B.C.D", {h[0], h[1], h[2]}, set_address).writes(address);
  t.add(Mode::kRadiusServer, "address ipv4 A.B.C.D auth-port <0-65535>", {h[0], h[1], h[2], h[3], h[4]}, set_address)
      .writes(address);
  t.add(Mode::kRadiusServer, "key LINE", {"Per-server encryption key", "The key (0: clear, 6: sealed)"},
        [server](C c, A a) -> Result<std::string> {
          if (a.negated) { server(c).key = Secret(); return ok(); }
          auto key = c.config.key_from_config(a.at(1));
          if (!key) return std::unexpected(key.error());
          server(c).key = Secret(std::string_view(*key));
          return ok();
        })
      .writes(2, [server_of](const WriteScope& s, std::string& out) {
        if (auto& srv = server_of(s); !srv.key.empty()) out += " key " + s.ctx.key(srv.key) + "\n";
      });

  // radius-server timeout|retransmit|deadtime: one writer for the three.
  auto timers = std::make_shared<const WriteBack>(WriteBack{kRadiusServers, [](const WriteScope& s, std::string& out) {
    const RadiusSettings& r = s.model.radius;
    RadiusSettings d;
    if (r.timeout != d.timeout) out += "radius-server timeout " + std::to_string(r.timeout) + "\n";
    if (r.retransmit != d.retransmit) out += "radius-server retransmit " + std::to_string(r.retransmit) + "\n";
    if (r.deadtime != d.deadtime) out += "radius-server deadtime " + std::to_string(r.deadtime) + "\n";
  }});
  auto timer = [](int RadiusSettings::*f) {
    return [f](C c, A a) {
      c.model.radius.*f = a.negated || a.defaulted ? RadiusSettings().*f : std::stoi(a.at(2));
      return ok();
    };
  };
  std::string rs = "Modify RADIUS query parameters";
  t.add(Mode::kConfig, "radius-server timeout <1-1000>", {rs, "Time to wait for a RADIUS server to reply", "Wait time (default 5 seconds)"},
        timer(&RadiusSettings::timeout)).writes(timers);
  t.add(Mode::kConfig, "radius-server retransmit <0-100>", {rs, "Specify the number of retries to active server", "Number of retries (default 3)"},
        timer(&RadiusSettings::retransmit)).writes(timers);
  t.add(Mode::kConfig, "radius-server deadtime <0-1440>", {rs, "Time to stop using a server that does not respond", "Length of deadtime in minutes (0: until a Status-Server probe is answered)"},
        timer(&RadiusSettings::deadtime)).writes(timers);
}

void add_lists(CommandTable& t) {
  std::string aaa = "Authentication, Authorization and Accounting.";
  // Method lists that authenticate or authorize need `aaa new-model`, as
  // the existing `aaa authorization network LIST local` does; a server
  // group and an accounting list are accepted without it (seed 004 prints
  // them so) and only act once a profile names them.
  auto need_aaa = [](C c) { return c.model.aaa_new_model; };
  auto eap = t.add(Mode::kConfig, "aaa authentication eap WORD group WORD",
                   {aaa, "Authentication configurations parameters.", "Set authentication lists for EAP (IKEv2 remote access).",
                    "Named authentication list (or default).", "Use Server-group", "Server-group name"},
                   [need_aaa](C c, A a) -> Result<std::string> {
                     if (a.negated) { c.model.aaa_authentication_eap.erase(a.at(3)); return ok(); }
                     if (!need_aaa(c)) return invalid("AAA is not enabled: configure 'aaa new-model' first");
                     c.model.aaa_authentication_eap[a.at(3)] = method_of(a, 4);
                     return ok();
                   })
                 .writes(kAaaLists, [](const WriteScope& s, std::string& out) {
                   for (auto& [list, m] : s.model.aaa_authentication_eap) out += "aaa authentication eap " + list + " " + m + "\n";
                 });
  t.add(Mode::kConfig, "aaa authentication eap WORD local",
        {aaa, "Authentication configurations parameters.", "Set authentication lists for EAP (IKEv2 remote access).",
         "Named authentication list (or default).", "Use local database."},
        [need_aaa](C c, A a) -> Result<std::string> {
          if (a.negated) { c.model.aaa_authentication_eap.erase(a.at(3)); return ok(); }
          if (!need_aaa(c)) return invalid("AAA is not enabled: configure 'aaa new-model' first");
          c.model.aaa_authentication_eap[a.at(3)] = "local";
          return ok();
        })
      .writes(eap);
  t.add(Mode::kConfig, "aaa authorization network WORD group WORD",
        {aaa, "Authorization configurations.", "For network services.", "Named authorization list (or default).",
         "Use Server-group", "Server-group name"},
        [need_aaa](C c, A a) -> Result<std::string> {
          if (a.negated) { c.model.aaa_authorization_network.erase(a.at(3)); return ok(); }
          if (!need_aaa(c)) return invalid("AAA is not enabled: configure 'aaa new-model' first");
          c.model.aaa_authorization_network[a.at(3)] = method_of(a, 4);
          return ok();
        })
      .writes(t.write_back_of(Mode::kConfig, "aaa authorization network WORD local"));
  t.add(Mode::kConfig, "aaa accounting network WORD start-stop group WORD",
        {aaa, "Accounting configurations parameters.", "For network services.", "Named Accounting list (or default).",
         "Record start and stop without waiting", "Use Server-group", "Server-group name"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated) { c.model.aaa_accounting_network.erase(a.at(3)); return ok(); }
          c.model.aaa_accounting_network[a.at(3)] = a.at(6);
          return ok();
        })
      .writes(kAaaLists + 1, [](const WriteScope& s, std::string& out) {
        for (auto& [list, g] : s.model.aaa_accounting_network)
          out += "aaa accounting network " + list + " start-stop group " + g + "\n";
      });
}

void add_profile_lines(CommandTable& t) {
  auto prof = [](C c) -> Ikev2Profile& { return c.model.profiles[c.object]; };
  t.add(Mode::kIkev2Profile, "aaa authentication eap WORD",
        {"AAA configuration", "AAA authentication", "EAP authentication of remote peers", "AAA method list"},
        [prof](C c, A a) {
          prof(c).aaa_authentication_eap = a.negated ? "" : a.at(3);
          return ok();
        })
      .writes(profile_line::kAaa, [](const WriteScope& s, std::string& out) {
        if (auto& l = s.model.profiles.at(s.object).aaa_authentication_eap; !l.empty()) out += " aaa authentication eap " + l + "\n";
      });
  t.add(Mode::kIkev2Profile, "aaa accounting eap WORD",
        {"AAA configuration", "AAA accounting", "Accounting of EAP-authenticated sessions", "AAA method list"},
        [prof](C c, A a) {
          prof(c).aaa_accounting_eap = a.negated ? "" : a.at(3);
          return ok();
        })
      .writes(profile_line::kAaa, [](const WriteScope& s, std::string& out) {
        if (auto& l = s.model.profiles.at(s.object).aaa_accounting_eap; !l.empty()) out += " aaa accounting eap " + l + "\n";
      });
  // authentication remote eap [query-identity] [timeout N]: the profile's
  // authentication writer prints it (commands_profile.cc).
  auto set = [prof](C c, A a) {
    auto& p = prof(c);
    std::erase(p.auth_remote, AuthMethod::kEap);
    p.eap_query_identity = false;
    p.eap_timeout = 0;
    if (a.negated) return ok();
    p.auth_remote.push_back(AuthMethod::kEap);
    for (size_t i = 3; i < a.size(); ++i) {
      if (a.at(i) == "query-identity") p.eap_query_identity = true;
      if (a.at(i) == "timeout") p.eap_timeout = std::stoi(a.at(++i));
    }
    return ok();
  };
  auto auth_lines = t.write_back_of(Mode::kIkev2Profile, "authentication remote pre-share");
  std::vector<std::string> h = {"Set authentication method", "remote authentication", "Extensible Authentication Protocol",
                                "Ask the peer for its EAP identity", "EAP exchange timeout", "Seconds (default 90)"};
  t.add(Mode::kIkev2Profile, "authentication remote eap", {h[0], h[1], h[2]}, set).writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication remote eap query-identity", {h[0], h[1], h[2], h[3]}, set).writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication remote eap timeout <45-180>", {h[0], h[1], h[2], h[4], h[5]}, set)
      .writes(auth_lines);
  t.add(Mode::kIkev2Profile, "authentication remote eap query-identity timeout <45-180>", h, set).writes(auth_lines);
}

}  // namespace

void register_aaa_commands(CommandTable& t) {
  add_group(t);
  add_servers(t);
  add_lists(t);
  add_profile_lines(t);
}

}  // namespace kg::config
