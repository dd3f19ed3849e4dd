#include "daemon/consent_service.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "consent/signature.h"

namespace kg::daemon {
namespace {

using config::ParsedArgs;
using consent::Privilege;

Privilege privilege_of(const std::string& word) {
  return word == "debug-keys" ? Privilege::kDebugKeys : Privilege::kShellAccess;
}

// "2h05m", "9m30s": what is left of an interval.
std::string left(Millis d) {
  long s = long(std::max<int64_t>(0, d.count() / 1000));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  return buf;
}

}  // namespace

ConsentService::ConsentService(config::Config& cfg, const Clock& clock, Random& rng, std::string serial)
    : cfg_(cfg), clock_(clock), state_(clock, rng), serial_(std::move(serial)) {}

consent::DeviceIdentity ConsentService::device() const { return {cfg_.model().hostname, serial_}; }

consent::Authorities ConsentService::authorities() const {
  consent::Authorities out;
  for (const auto& [name, a] : cfg_.model().consent_authorities)
    if (auto raw = consent::parse_public_key(a.public_key)) out[name] = std::move(*raw);
  return out;
}

void ConsentService::register_commands() {
  const std::string req = "Request a system operation", ct = "Consent token (two-party authorization)";
  const std::string sh = "System shell on the host", dk = "Show and export the keys of running tunnels";
  auto& t = cfg_.table();
  for (std::string tail : {"", " authority WORD"}) {
    std::vector<std::string> help = {req, ct, "Generate a challenge for an authority to sign", sh + " | " + dk,
                                     "How long the authorization should last",
                                     "Minutes (at most 10080, 7 days)"};
    if (!tail.empty()) help.insert(help.end(), {"Which authority must sign", "Authority name"});
    t.add(config::Mode::kExec, "request consent-token generate-challenge {shell-access|debug-keys} auth-timeout <1-1000000>" + tail,
          help, [this](config::CmdContext&, const ParsedArgs& a) -> Result<std::string> {
            auto c = state_.generate_challenge(privilege_of(a.at(3)), uint32_t(std::stoul(a.at(5))),
                                               a.size() > 7 ? a.at(7) : "", device(), authorities());
            if (!c) return std::unexpected(c.error());
            return *c + "\n";
          });
  }
  t.add(config::Mode::kExec, "request consent-token accept-response {shell-access|debug-keys} WORD",
        {req, ct, "Enter the authority's response", sh + " | " + dk, "The response (base 64)"},
        [this](config::CmdContext& c, const ParsedArgs& a) -> Result<std::string> {
          std::string user = c.terminal && !c.terminal->user.empty() ? c.terminal->user : "root";
          auto r = state_.accept_response(privilege_of(a.at(3)), a.at(4), device(), authorities(), user);
          if (!r) return fail(r.error().code, "Consent token authorization failed: " + r.error().message);
          return "% Consent token authorization success\n";
        });
  t.add(config::Mode::kExec, "request consent-token terminate-auth",
        {req, ct, "End every consent-token authorization now"},
        [this](config::CmdContext&, const ParsedArgs&) -> Result<std::string> {
          state_.terminate();
          return "% Consent token authorization termination success\n";
        });
  cfg_.register_exec("show consent-token", {"Show running system information", ct},
                     [this](const ParsedArgs& a) -> Result<std::string> { return show(a.json); }, true);
}

std::string ConsentService::show(bool json) const {
  TimePoint now = clock_.now();
  auto names = authorities();
  if (json) {
    nlohmann::json j{{"enabled", true}, {"hostname", cfg_.model().hostname}, {"serial", serial_},
                     {"authorities", nlohmann::json::array()}, {"privileges", nlohmann::json::array()}};
    for (auto& [n, k] : names) j["authorities"].push_back(n);
    for (Privilege p : {Privilege::kShellAccess, Privilege::kDebugKeys}) {
      nlohmann::json e{{"privilege", consent::privilege_keyword(p)}, {"state", "locked"}};
      if (auto it = state_.pending().find(p); it != state_.pending().end()) {
        e["state"] = "challenge-pending";
        e["challenge_expires_in_s"] = (it->second.created + consent::kChallengeLifetime - now).count() / 1000;
        e["authority"] = it->second.challenge.authority;
      }
      if (auto it = state_.grants().find(p); it != state_.grants().end() && now < it->second.until) {
        const auto& g = it->second;
        e["state"] = "authorized";
        e["authority"] = g.authority;
        e["accepted_by"] = g.user;
        e["granted_minutes"] = g.minutes;
        e["expires_in_s"] = (g.until - now).count() / 1000;
        e["expires_unix"] = g.until_wall;
      }
      j["privileges"].push_back(e);
    }
    j["shell_sessions"] = nlohmann::json::array();
    for (const auto& s : shell_sessions ? shell_sessions() : std::vector<ShellSessionLog>{})
      j["shell_sessions"].push_back({{"user", s.user}, {"log", s.path}, {"opened_unix", s.opened}, {"open", s.open}});
    return j.dump() + "\n";
  }
  std::string out = "Consent token: enabled (always)\n";
  out += "Device: " + cfg_.model().hostname + ", serial " + serial_ + "\n";
  out += "Authorities:";
  for (auto& [n, k] : names) out += " " + n;
  out += names.empty() ? " none configured\n" : "\n";
  char line[200];
  std::snprintf(line, sizeof line, "\n%-13s %-18s %-10s %-12s %s\n", "Privilege", "State", "Authority", "Accepted by",
                "Expires");
  out += line;
  for (Privilege p : {Privilege::kShellAccess, Privilege::kDebugKeys}) {
    std::string state = "locked", authority = "-", user = "-", expires = "-";
    if (auto it = state_.pending().find(p); it != state_.pending().end()) {
      state = "challenge pending";
      authority = it->second.challenge.authority;
      expires = "challenge in " + left(it->second.created + consent::kChallengeLifetime - now);
    }
    if (auto it = state_.grants().find(p); it != state_.grants().end() && now < it->second.until) {
      const auto& g = it->second;
      state = "authorized";
      authority = g.authority;
      user = g.user;
      expires = "in " + left(g.until - now) + " (" + consent::utc_text(int64_t(g.until_wall)) + ")";
    }
    std::snprintf(line, sizeof line, "%-13s %-18s %-10s %-12s %s\n", std::string(consent::privilege_keyword(p)).c_str(),
                  state.c_str(), authority.c_str(), user.c_str(), expires.c_str());
    out += line;
  }
  auto sessions = shell_sessions ? shell_sessions() : std::vector<ShellSessionLog>{};
  if (!sessions.empty()) out += "\nSystem shell sessions (request platform software system shell):\n";
  for (const auto& s : sessions)
    out += "  " + consent::utc_text(int64_t(s.opened)) + "  " + s.user + (s.open ? "  open    " : "  closed  ") + s.path +
           "\n";
  return out;
}

}  // namespace kg::daemon
