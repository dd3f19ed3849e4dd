#include "daemon/show_radius.h"

#include <sstream>

#include "daemon/radius_service.h"

namespace kg::daemon {

// IOS prints one block per server:
//   RADIUS: id 1, priority 1, host 192.0.2.11, auth-port 1812, acct-port 1813
//        State: current UP, duration 3402s, previous duration 0s
std::string show_aaa_servers(const std::vector<aaa::radius::Client::ServerView>& servers,
                             const std::map<std::string, std::vector<std::string>>& groups, TimePoint now) {
  std::ostringstream o;
  int id = 0;
  for (const auto& v : servers) {
    const auto& c = *v.config;
    const auto& s = *v.stats;
    std::string in;
    for (const auto& [g, names] : groups)
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == c.name) in += (in.empty() ? "" : ", ") + g + " (priority " + std::to_string(i + 1) + ")";
    o << "RADIUS: id " << ++id << ", name " << c.name << ", host " << c.address.str() << ", auth-port " << c.auth_port
      << ", acct-port " << c.acct_port << "\n";
    o << "     Groups: " << (in.empty() ? "none" : in) << "\n";
    o << "     State: current " << (v.dead ? "DEAD" : "UP");
    if (v.dead && v.dead_since)
      o << ", for " << std::chrono::duration_cast<std::chrono::seconds>(now - *v.dead_since).count() << "s";
    o << ", marked dead " << s.dead_marked << " times\n";
    o << "     Requests: " << s.requests << ", outstanding " << v.outstanding << ", timeouts " << s.timeouts
      << ", retransmissions " << s.retransmissions << "\n";
    o << "     Response: accept " << s.accepts << ", reject " << s.rejects << ", challenge " << s.challenges
      << ", accounting " << s.accounting_responses << "\n";
    o << "     Dropped: malformed " << s.malformed << ", bad authenticator " << s.bad_authenticator << ", unmatched "
      << s.unmatched << "\n";
    o << "     Status-Server: probes " << s.probes << ", answered " << s.probe_answers << "\n";
    auto avg = s.rtt_count ? s.rtt_total.count() / int64_t(s.rtt_count) : 0;
    o << "     Round trip: last " << s.rtt_last.count() << "ms, average " << avg << "ms\n";
  }
  if (servers.empty()) o << "No RADIUS servers configured\n";
  return o.str();
}

std::string show_radius_statistics(const std::vector<aaa::radius::Client::ServerView>& servers,
                                   uint64_t unknown_source) {
  aaa::radius::ServerStats t;
  for (const auto& v : servers) {
    const auto& s = *v.stats;
    t.requests += s.requests;
    t.retransmissions += s.retransmissions;
    t.timeouts += s.timeouts;
    t.accepts += s.accepts;
    t.rejects += s.rejects;
    t.challenges += s.challenges;
    t.accounting_responses += s.accounting_responses;
    t.malformed += s.malformed;
    t.bad_authenticator += s.bad_authenticator;
    t.unmatched += s.unmatched;
    t.probes += s.probes;
    t.probe_answers += s.probe_answers;
  }
  std::ostringstream o;
  o << "RADIUS client statistics (all servers)\n";
  o << "  Requests sent:              " << t.requests << "\n";
  o << "  Retransmissions:            " << t.retransmissions << "\n";
  o << "  Timeouts (server given up): " << t.timeouts << "\n";
  o << "  Access-Accepts:             " << t.accepts << "\n";
  o << "  Access-Rejects:             " << t.rejects << "\n";
  o << "  Access-Challenges:          " << t.challenges << "\n";
  o << "  Accounting-Responses:       " << t.accounting_responses << "\n";
  o << "  Malformed replies dropped:  " << t.malformed << "\n";
  o << "  Bad authenticators dropped: " << t.bad_authenticator << "\n";
  o << "  Unmatched replies dropped:  " << t.unmatched << "\n";
  o << "  From unknown sources:       " << unknown_source << "\n";
  o << "  Status-Server probes:       " << t.probes << " (answered " << t.probe_answers << ")\n";
  return o.str();
}

void register_radius_show_commands(config::Config& cfg, const RadiusService* radius, const Clock& clock,
                                   std::function<std::string()> extra) {
  const std::string sh = "Show running system information";
  cfg.register_exec("show aaa servers", {sh, "Show AAA values", "All AAA servers"},
                    [radius, &clock](const config::ParsedArgs&) -> Result<std::string> {
                      if (!radius) return std::string("No RADIUS client\n");
                      return show_aaa_servers(radius->client().servers(), radius->groups(), clock.now());
                    });
  cfg.register_exec("show radius statistics", {sh, "Shows radius information", "RADIUS statistics"},
                    [radius, extra](const config::ParsedArgs&) -> Result<std::string> {
                      if (!radius) return std::string("No RADIUS client\n");
                      return show_radius_statistics(radius->client().servers(), radius->client().dropped_unknown_source()) +
                             (extra ? extra() : std::string());
                    });
}

}  // namespace kg::daemon
