// show aaa servers, show radius statistics: the RADIUS client's servers,
// their state and counters (aaa/radius/client.h). Never a key.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "aaa/radius/client.h"
#include "config/session.h"

namespace kg::daemon {

class RadiusService;

// The text of each command, from the client's view and the groups (pure).
std::string show_aaa_servers(const std::vector<aaa::radius::Client::ServerView>& servers,
                             const std::map<std::string, std::vector<std::string>>& groups, TimePoint now);
std::string show_radius_statistics(const std::vector<aaa::radius::Client::ServerView>& servers,
                                   uint64_t unknown_source);

// `extra`: more lines for show radius statistics (dynamic authorization).
void register_radius_show_commands(config::Config& cfg, const RadiusService* radius, const Clock& clock,
                                   std::function<std::string()> extra = {});

}  // namespace kg::daemon
