// Remote-access exec commands in IOS layout: show ip local pool,
// show ipv6 local pool (and, with the Virtual-Access work, the sessions).
#pragma once
#include "config/session.h"

namespace kg::daemon {

class Daemon;
void register_ra_show_commands(config::Config& cfg, Daemon& d);

}  // namespace kg::daemon
