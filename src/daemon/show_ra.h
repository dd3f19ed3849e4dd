// Remote-access exec commands in IOS layout: show ip local pool,
// show ipv6 local pool (and, with the Virtual-Access work, the sessions).
#pragma once
#include <optional>

#include "common/ip.h"
#include "config/session.h"

namespace kg::daemon {

class Daemon;
void register_ra_show_commands(config::Config& cfg, Daemon& d);

// The interfaces the crypto show commands list: every TunnelN, then every
// Virtual-AccessN (whose SAs live on its template's tunnel in the data path).
struct CryptoInterface {
  std::string name;         // Tunnel0, Virtual-Access1
  std::string dataplane;    // SaStats::interface / IkeSaInfo::interface of its SAs
  std::optional<Endpoint> remote;  // a Virtual-Access: only the SAs to its peer
  std::string config_name;  // the tunnel, or the template it was cloned from
  const config::Interface* config = nullptr;
  std::string peer;         // tunnel destination, or the session's peer
};
std::vector<CryptoInterface> crypto_interfaces(const Daemon& d);

// `show interfaces Virtual-AccessN|Virtual-TemplateN`; empty when there is
// no such session or template.
std::string show_virtual_interface(const Daemon& d, const std::string& name);

}  // namespace kg::daemon
