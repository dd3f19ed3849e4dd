// tunnel mode gre ip|ipv6 (seed 004 "Tunnel Encapsulation": GRE over IPsec).
// `tunnel mode gre ip` is IOS's default on tunnel interfaces: stored as no
// mode at all, so show running-config prints it as IOS does (not at all).
#include "config/interface_names.h"
#include "config/session.h"

namespace kg::config {

void register_gre_commands(CommandTable& t) {
  t.add(Mode::kInterface, "tunnel mode gre {ip|ipv6}",
        {"protocol-over-protocol tunneling", "tunnel encapsulation method", "generic route encapsulation protocol",
         "over IP (IPv4) | over IPv6"},
        [](CmdContext& c, const ParsedArgs& a) -> Result<std::string> {
          if (!a.negated && is_virtual_template(c.object))
            return fail(Errc::kInvalidArgument, "GRE on a Virtual-Template is not supported; use tunnel mode ipsec ipv4");
          c.model.interfaces[c.object].tunnel_mode = a.negated || a.at(3) == "ip" ? TunnelMode::kGreIp : TunnelMode::kGreIpv6;
          return std::string();
        })
      // Written with the other tunnel modes; gre ip, the default, as nothing.
      .writes(t.write_back_of(Mode::kInterface, "tunnel mode ipsec ipv4"));
}

}  // namespace kg::config
