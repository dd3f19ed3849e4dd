// Runtime exec commands in IOS format: show crypto ikev2 sa, show crypto
// ipsec sa, show crypto session, show interfaces, clear crypto session.
#pragma once
#include "config/session.h"

namespace kg::daemon {

class Daemon;
void register_runtime_commands(config::Config& cfg, Daemon& d);
// show crypto ikev2 stats, clear crypto ikev2 stats (show_ikev2_stats.cc).
void register_ikev2_stats_commands(config::Config& cfg, Daemon& d);

}  // namespace kg::daemon
