// keygated's privilege drop (keygated -u USER): once its sockets, TUN devices
// and netlink socket are open, the daemon becomes USER and keeps only the
// capabilities its work still needs:
//   CAP_NET_ADMIN         TUN devices, addresses and routes (netlink) for
//                         interfaces configured later, socket options;
//   CAP_NET_RAW           the raw socket of plain ESP (IP protocol 50);
//   CAP_NET_BIND_SERVICE  UDP 500 on addresses that appear later.
// Everything else leaves the bounding set too, so no exec'd program can get
// it back, and no_new_privs is set. The state directory and the control
// socket are handed to USER first (keygated writes startup-config and its
// keys there). Under systemd, packaging/keygated.service starts keygated as
// its own user with the same three capabilities instead.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kg::daemon {

// The capabilities kept, as a capability bit mask (1 << CAP_X).
uint64_t kept_capabilities();

// Becomes `user` (its uid, primary group and supplementary groups) with
// only kept_capabilities(); `give` (files or directories, each with what it
// holds) change owner to the user first. Must be called as root.
Result<void> drop_privileges(const std::string& user, const std::vector<std::string>& give);

}  // namespace kg::daemon
