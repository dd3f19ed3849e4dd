// Consent Token in keygated (seed 003): the exec commands
//   request consent-token generate-challenge shell-access|debug-keys auth-timeout MINUTES [authority NAME]
//   request consent-token accept-response shell-access|debug-keys RESPONSE
//   request consent-token terminate-auth
//   show consent-token [| json]
// over a ConsentState (consent/consent_state.h) that lives only in memory, so
// a restart of keygated expires everything. Its own class, outside Daemon:
// the daemon creates it, ticks it each second and asks authorized().
#pragma once
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "config/session.h"
#include "consent/consent_state.h"

namespace kg::daemon {

// A system shell session (system_shell.h), as show consent-token lists it.
struct ShellSessionLog {
  std::string user, path;  // path: the session log
  std::time_t opened = 0;
  bool open = false;
};

class ConsentService {
 public:
  // serial: the persistent device serial (consent/device_serial.h).
  ConsentService(config::Config& cfg, const Clock& clock, Random& rng, std::string serial);
  void register_commands();
  void tick() { state_.tick(); }
  [[nodiscard]] bool authorized(consent::Privilege p) const { return state_.authorized(p); }
  [[nodiscard]] const consent::ConsentState& state() const { return state_; }
  [[nodiscard]] consent::DeviceIdentity device() const;
  // The configured authorities' keys (a key that does not parse is left out).
  [[nodiscard]] consent::Authorities authorities() const;
  [[nodiscard]] std::string show(bool json) const;
  // The system shell's sessions, oldest first (set by the daemon).
  std::function<std::vector<ShellSessionLog>()> shell_sessions;

 private:
  config::Config& cfg_;
  const Clock& clock_;
  consent::ConsentState state_;
  std::string serial_;
};

}  // namespace kg::daemon
