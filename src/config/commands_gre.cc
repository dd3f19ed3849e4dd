// tunnel mode gre ip|ipv6 (seed 004 "Tunnel Encapsulation": GRE over IPsec).
#include "config/session.h"

namespace kg::config {

void register_gre_commands(CommandTable& t) {
  t.add(Mode::kInterface, "tunnel mode gre {ip|ipv6}",
        {"protocol-over-protocol tunneling", "tunnel encapsulation method", "generic route encapsulation protocol",
         "over IP (IPv4) | over IPv6"},
        [](CmdContext& c, const ParsedArgs& a) -> Result<std::string> {
          c.model.interfaces[c.object].tunnel_mode = a.negated ? "" : "gre " + a.at(3);
          return std::string();
        });
}

}  // namespace kg::config
