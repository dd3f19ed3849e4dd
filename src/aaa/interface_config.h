// ip:interface-config (Cisco-AVPair, or `attribute type interface-config
// "..."` in an aaa attribute list): interface commands for one session's
// Virtual-Access, read into what keygate can apply on Linux. Pure.
//
// A Virtual-AccessN shares its template's TUN device (VtN) with the other
// sessions (daemon/remote_access.h), so each command becomes a property of
// the session's kernel routes on VtN, which is what makes it per session:
//   ip mtu N              -> route MTU N (the path MTU towards the client)
//   ip unnumbered IFACE   -> the routes' preferred source: IFACE's address
//   ip access-group NAME [in|out]
//                         -> the session's own nftables chain built from the
//                            local access list NAME (daemon/session_filters.h);
//                            IOS's default direction is out
// Anything else is kept in `refused`, for a log line naming it; the session
// stays up.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kg::aaa {

struct InterfaceConfig {
  std::optional<uint32_t> mtu;     // ip mtu <68-9216>
  std::string unnumbered;          // ip unnumbered IFACE (canonical name: Loopback1)
  std::string access_group_in, access_group_out;  // ip access-group NAME in|out
  std::vector<std::string> refused;  // "command: why", in order
  [[nodiscard]] bool empty() const {
    return !mtu && unnumbered.empty() && access_group_in.empty() && access_group_out.empty() && refused.empty();
  }
};

// Each value is one or more commands separated by newlines or ';' (IOS
// accepts "ip mtu 1300\nip unnumbered Loopback1" in one AV pair); later
// commands of the same kind win, as on an IOS interface.
[[nodiscard]] InterfaceConfig parse_interface_config(const std::vector<std::string>& values);

}  // namespace kg::aaa
