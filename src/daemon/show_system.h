// Everyday exec commands (IOS): show version, show clock, show logging,
// clear logging, show ip route, show ipv6 route, show ip interface brief,
// ping. The text is laid out by system_format.h.
#pragma once
#include "config/session.h"

namespace kg::daemon {

class Daemon;
void register_system_commands(config::Config& cfg, Daemon& d);
// logging buffered [SIZE] [LEVEL] from the model into common/log.
void apply_logging(const config::Model& m);

}  // namespace kg::daemon
