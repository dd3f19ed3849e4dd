// ip http … (IOS): the router's web page for end users (seed 000: log in as a
// level-1 user, unlock the eToken with its PIN, change the PIN). keygated does
// not parse HTTP or TLS itself: while `ip http secure-server` is configured it
// runs and supervises keygate-web (src/web, daemon/web_service.h), which talks
// to it over the control socket as the logged-in user.
//   ip http secure-server            HTTPS on secure-port (default 443)
//   ip http secure-port N
//   ip http secure-trustpoint NAME   the certificate; without it a self-signed one
//   ip http server                   plain HTTP on port N (default 80), which
//   ip http port N                   only redirects to HTTPS
//   ip http authentication local     local usernames (the one method keygate has)
//   ip http access-class ACL         a standard access list of who may connect
// All off by default: nothing listens unless configured.
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;


void write_http(const WriteScope& s, std::string& out) {
  const HttpServer& h = s.model.http;
  const HttpServer def;
  std::string block;
  if (h.server) block += "ip http server\n";
  if (h.port != def.port) block += "ip http port " + std::to_string(h.port) + "\n";
  if (h.access_class.size()) block += "ip http access-class " + h.access_class + "\n";
  if (h.authentication_local) block += "ip http authentication local\n";
  if (h.secure_server) block += "ip http secure-server\n";
  if (h.secure_port != def.secure_port) block += "ip http secure-port " + std::to_string(h.secure_port) + "\n";
  if (h.secure_trustpoint.size()) block += "ip http secure-trustpoint " + h.secure_trustpoint + "\n";
  if (block.empty()) return;
  out += block + "!\n";
}

}  // namespace

void register_http_commands(CommandTable& t) {
  const std::string ip = "Global IP configuration subcommands", http = "HTTP server configuration";
  auto line = t.add(Mode::kConfig, "ip http secure-server", {ip, http, "Enable HTTP secure server"},
                    [](C c, A a) {
                      c.model.http.secure_server = !(a.negated || a.defaulted);
                      return ok();
                    })
                  .writes(section::kRoute + 50, write_http);
  t.add(Mode::kConfig, "ip http server", {ip, http, "Enable HTTP server (it only redirects to HTTPS)"},
        [](C c, A a) {
          c.model.http.server = !(a.negated || a.defaulted);
          return ok();
        })
      .writes(line);
  t.add(Mode::kConfig, "ip http secure-port <1-65535>", {ip, http, "Set HTTP secure server port number for listening",
                                                         "Port number"},
        [](C c, A a) {
          c.model.http.secure_port = (a.negated || a.defaulted) ? HttpServer{}.secure_port : std::stoi(a.at(3));
          return ok();
        })
      .writes(line);
  t.add(Mode::kConfig, "ip http port <1-65535>", {ip, http, "HTTP server port", "Port number"},
        [](C c, A a) {
          c.model.http.port = (a.negated || a.defaulted) ? HttpServer{}.port : std::stoi(a.at(3));
          return ok();
        })
      .writes(line);
  t.add(Mode::kConfig, "ip http authentication local", {ip, http, "Set HTTP server authentication method",
                                                         "Local username database"},
        [](C c, A a) {
          c.model.http.authentication_local = !(a.negated || a.defaulted);
          return ok();
        })
      .writes(line);
  t.add(Mode::kConfig, "ip http secure-trustpoint WORD", {ip, http, "Set the CA trustpoint for the HTTPS certificate",
                                                          "Trustpoint name"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated || a.defaulted) {
            c.model.http.secure_trustpoint.clear();
            return ok();
          }
          if (!c.model.trustpoints.contains(a.at(3)))
            return std::unexpected(fail(Errc::kNotFound, "Trustpoint " + a.at(3) + " not found"));
          c.model.http.secure_trustpoint = a.at(3);
          return ok();
        })
      .writes(line);
  t.add(Mode::kConfig, "ip http access-class WORD", {ip, http, "Restrict http server access by access-class",
                                                     "Standard access list name or number"},
        [](C c, A a) {
          if (a.negated || a.defaulted) c.model.http.access_class.clear();
          else c.model.http.access_class = a.at(3);
          return ok();
        })
      .writes(line);
}

}  // namespace kg::config
