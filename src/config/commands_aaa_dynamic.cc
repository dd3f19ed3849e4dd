// RADIUS dynamic authorization and accounting options (seed 004, issue 16):
//   aaa server radius dynamic-author        (config-locsvr-da-radius)
//    client A.B.C.D server-key KEY          who may send Disconnect/CoA (RFC 5176)
//    port N                                 UDP port (default 3799)
//   aaa accounting update periodic N        Interim-Update every N minutes
//   aaa accounting update newinfo [periodic N]
//   aaa accounting system default start-stop|stop-only group G
//                                           Accounting-On/Off (system accounting)
//   ip radius source-interface IFACE        source address of RADIUS packets
// and, in an IKEv2 profile, `aaa accounting psk|cert LIST`.
// Keys are Secrets, written back only sealed ("6 ...").
#include "aaa/radius/debug_categories.h"
#include "common/log.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// After the accounting lists (commands_aaa.cc writes them at kAaa + 20).
constexpr int kDynamicAuthor = section::kAaa + 30;
constexpr int kAccountingUpdate = section::kAaa + 25;
constexpr int kAccountingSystem = section::kAaa + 26;
constexpr int kRadiusSource = 851;  // beside the radius-server lines

void enter(C c, Mode m, std::string obj) {
  c.next_mode = m;
  c.next_object = std::move(obj);
}

void add_dynamic_author(CommandTable& t) {
  t.add(Mode::kConfig, "aaa server radius dynamic-author",
        {"Authentication, Authorization and Accounting.", "Local AAA server", "RADIUS server",
         "Local server profile for RFC 3576 support"},
        [](C c, A a) {
          auto& d = c.model.dynamic_author;
          if (a.negated || a.defaulted) { d = DynamicAuthor(); return ok(); }
          d.enabled = true;
          enter(c, Mode::kAaaDynamicAuthor, "");
          return ok();
        })
      .writes(kDynamicAuthor, [](const WriteScope& s, std::string& out) {
        if (!s.model.dynamic_author.enabled) return;
        out += "aaa server radius dynamic-author\n";
        s.sub(Mode::kAaaDynamicAuthor, "", out);
        out += "!\n";
      });
  t.add(Mode::kAaaDynamicAuthor, "client A.B.C.D server-key LINE",
        {"Specify a RADIUS client", "IP address of the client", "Specify a RADIUS client server-key",
         "The key (0: clear, 6: sealed)"},
        [](C c, A a) -> Result<std::string> {
          auto addr = IpAddress::parse(a.at(1));
          if (!addr || !addr->is_v4()) return invalid("Invalid address " + a.at(1));
          auto& clients = c.model.dynamic_author.clients;
          if (a.negated) { clients.erase(addr->str()); return ok(); }
          auto key = c.config.key_from_config(a.at(3));
          if (!key) return std::unexpected(key.error());
          if (key->empty()) return invalid("server-key needs a key");
          clients[addr->str()] = Secret(std::string_view(*key));
          return ok();
        })
      .writes(1, [](const WriteScope& s, std::string& out) {
        for (const auto& [addr, key] : s.model.dynamic_author.clients)
          out += " client " + addr + " server-key " + s.ctx.key(key) + "\n";
      });
  t.add(Mode::kAaaDynamicAuthor, "port <1-65535>",
        {"Specify the port on which the server listens", "Port number (default 3799)"},
        [](C c, A a) {
          c.model.dynamic_author.port = a.negated || a.defaulted ? 3799 : std::stoi(a.at(1));
          return ok();
        })
      .writes(2, [](const WriteScope& s, std::string& out) {
        if (s.model.dynamic_author.port != 3799) out += " port " + std::to_string(s.model.dynamic_author.port) + "\n";
      });
  t.add(Mode::kAaaDynamicAuthor, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); })
      .not_persisted();
  t.add(Mode::kAaaDynamicAuthor, "exit", {"Exit from the current mode"}, [](C c, A) { enter(c, Mode::kConfig, ""); return ok(); })
      .not_persisted();
}

void add_accounting_options(CommandTable& t) {
  std::vector<std::string> h = {"Authentication, Authorization and Accounting.", "Accounting configurations parameters.",
                                "Enable accounting update records", "Periodic intervals to send accounting update records",
                                "Periodic intervals in minutes"};
  auto update = [](C c, A a) {
    auto& o = c.model.accounting;
    if (a.negated || a.defaulted) {
      o.update_periodic = o.update_seconds = 0;
      o.update_newinfo = false;
      return ok();
    }
    o.update_periodic = o.update_seconds = 0;
    o.update_newinfo = false;
    for (size_t i = 3; i < a.size(); ++i) {
      if (a.at(i) == "newinfo") o.update_newinfo = true;
      if (a.at(i) == "periodic") o.update_periodic = std::stoi(a.at(++i));
      if (a.at(i) == "periodic-seconds") o.update_seconds = std::stoi(a.at(++i));
    }
    return ok();
  };
  auto w = t.add(Mode::kConfig, "aaa accounting update periodic <1-71582>", h, update)
               .writes(kAccountingUpdate, [](const WriteScope& s, std::string& out) {
                 const auto& o = s.model.accounting;
                 if (!o.update_newinfo && !o.update_periodic && !o.update_seconds) return;
                 out += "aaa accounting update";
                 if (o.update_newinfo) out += " newinfo";
                 if (o.update_seconds) out += " periodic-seconds " + std::to_string(o.update_seconds);
                 else if (o.update_periodic) out += " periodic " + std::to_string(o.update_periodic);
                 out += "\n";
               });
  std::string ni = "Only send accounting update records when we have new acct info";
  t.add(Mode::kConfig, "aaa accounting update newinfo", {h[0], h[1], h[2], ni}, update).writes(w);
  t.add(Mode::kConfig, "aaa accounting update newinfo periodic <1-71582>", {h[0], h[1], h[2], ni, h[3], h[4]}, update)
      .writes(w);
  // Hidden: a period in seconds, so that a test need not wait a minute.
  t.add(Mode::kConfig, "aaa accounting update periodic-seconds <5-86400>",
        {h[0], h[1], h[2], "Periodic intervals in seconds", "Seconds"}, update, true)
      .writes(w);
  t.add(Mode::kConfig, "aaa accounting update newinfo periodic-seconds <5-86400>",
        {h[0], h[1], h[2], ni, "Periodic intervals in seconds", "Seconds"}, update, true)
      .writes(w);

  // IOS system accounting: only the default list exists. start-stop sends
  // Accounting-On at start and Accounting-Off at a clean stop; stop-only
  // only the Off.
  const std::vector<std::string> hs = {"Authentication, Authorization and Accounting.", "Accounting configurations parameters.",
                                       "For System events.", "The default accounting list.", "Use Server-group",
                                       "Server-group name"};
  auto system = [](C c, A a) {
    auto& o = c.model.accounting;
    if (a.negated || a.defaulted) {
      o.system_group.clear();
      o.system_stop_only = false;
      return ok();
    }
    o.system_stop_only = a.at(4) == "stop-only";
    o.system_group = a.at(6);
    return ok();
  };
  auto sw = t.add(Mode::kConfig, "aaa accounting system default start-stop group WORD",
                  {hs[0], hs[1], hs[2], hs[3], "Record start and stop without waiting", hs[4], hs[5]}, system)
                .writes(kAccountingSystem, [](const WriteScope& s, std::string& out) {
                  const auto& o = s.model.accounting;
                  if (o.system_group.empty()) return;
                  out += std::string("aaa accounting system default ") + (o.system_stop_only ? "stop-only" : "start-stop") +
                         " group " + o.system_group + "\n";
                });
  t.add(Mode::kConfig, "aaa accounting system default stop-only group WORD",
        {hs[0], hs[1], hs[2], hs[3], "Record stop when service terminates.", hs[4], hs[5]}, system)
      .writes(sw);

  t.add(Mode::kConfig, "ip radius source-interface WORD",
        {"Global IP configuration subcommands", "RADIUS configuration commands",
         "Specify interface for source address in RADIUS packets", "Interface name"},
        [](C c, A a) {
          c.model.accounting.source_interface = a.negated || a.defaulted ? "" : a.at(3);
          return ok();
        })
      .writes(kRadiusSource, [](const WriteScope& s, std::string& out) {
        if (auto& i = s.model.accounting.source_interface; !i.empty()) out += "ip radius source-interface " + i + "\n";
      });
}

void add_profile_lines(CommandTable& t) {
  auto prof = [](C c) -> Ikev2Profile& { return c.model.profiles[c.object]; };
  for (const char* kind : {"psk", "cert"}) {
    bool psk = std::string(kind) == "psk";
    t.add(Mode::kIkev2Profile, std::string("aaa accounting ") + kind + " WORD",
          {"AAA configuration", "AAA accounting",
           psk ? "Accounting of pre-shared-key-authenticated sessions" : "Accounting of certificate-authenticated sessions",
           "AAA method list"},
          [prof, psk](C c, A a) {
            (psk ? prof(c).aaa_accounting_psk : prof(c).aaa_accounting_cert) = a.negated ? "" : a.at(3);
            return ok();
          })
        .writes(profile_line::kAaa, [psk](const WriteScope& s, std::string& out) {
          const auto& p = s.model.profiles.at(s.object);
          const std::string& l = psk ? p.aaa_accounting_psk : p.aaa_accounting_cert;
          if (!l.empty()) out += std::string(" aaa accounting ") + (psk ? "psk " : "cert ") + l + "\n";
        });
  }
}

// debug radius, debug aaa authentication (their lines never carry a
// secret: daemon/radius_debug.h).
void add_debug(CommandTable& t) {
  struct D {
    const char* words;
    log::Debug flag;
    const char* name;
    std::vector<std::string> help;
  };
  const D ds[] = {
      {"radius", aaa::kDebugRadius, "Radius protocol", {"RADIUS protocol"}},
      {"aaa authentication", aaa::kDebugAaaAuthentication, "AAA Authentication",
       {"AAA Authentication, Authorization and Accounting", "Authentication"}},
  };
  for (const auto& d : ds) {
    std::vector<std::string> on = {"Debugging functions (see also 'undebug')"}, off = {"Disable debugging functions (see also 'debug')"};
    on.insert(on.end(), d.help.begin(), d.help.end());
    off.insert(off.end(), d.help.begin(), d.help.end());
    auto flag = d.flag;
    std::string name = d.name;
    t.add(Mode::kExec, std::string("debug ") + d.words, on, [flag, name](C, A) -> Result<std::string> {
      log::set_debug(flag, true);
      return name + " debugging is on\n";
    });
    t.add(Mode::kExec, std::string("undebug ") + d.words, off, [flag, name](C, A) -> Result<std::string> {
      log::set_debug(flag, false);
      return name + " debugging is off\n";
    });
  }
}

}  // namespace

void register_aaa_dynamic_commands(CommandTable& t) {
  add_debug(t);
  add_dynamic_author(t);
  add_accounting_options(t);
  add_profile_lines(t);
}

}  // namespace kg::config
