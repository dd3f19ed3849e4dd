// The device side of Consent Token (seed 003): challenges issued, responses
// accepted, and the authorizations they open, on the daemon's Clock so tests
// run on a fake one. Consent token is always on: nothing here can switch it
// off. Rules:
//  - one challenge pending per privilege; a new one replaces the old;
//  - a challenge expires 30 minutes after it was generated;
//  - a response is valid once, only for its own challenge and this device,
//    and only if the authority the challenge named signed it;
//  - a failed check of a response to the pending challenge ends that
//    challenge too (the operator starts again, as on IOS);
//  - an authorization lasts the granted minutes (at most 7 days), or until
//    terminate(); a warning is logged 10 minutes before it ends;
//  - everything lives in memory: a daemon restart (keygate's switchover)
//    expires every challenge and authorization.
// Each step logs %CTOKEN-6-AUTH_UPDATE as in seed 003.
#pragma once
#include <ctime>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "consent/token.h"

namespace kg::consent {

inline constexpr Millis kChallengeLifetime{30 * 60'000};
inline constexpr Millis kExpiryWarning{10 * 60'000};

struct DeviceIdentity {
  std::string hostname, serial;
};

// Configured authorities: name -> raw Ed25519 public key.
using Authorities = std::map<std::string, Bytes>;

class ConsentState {
 public:
  ConsentState(const Clock& clock, Random& rng);

  // The base 64 challenge. `authority` may be empty when exactly one
  // authority is configured.
  Result<std::string> generate_challenge(Privilege p, uint32_t minutes, std::string_view authority,
                                         const DeviceIdentity& device, const Authorities& authorities);
  // Success opens the authorization; every error says why and grants nothing.
  Result<void> accept_response(Privilege p, std::string_view response_base64, const DeviceIdentity& device,
                               const Authorities& authorities, std::string_view user);
  // Ends every authorization and pending challenge.
  void terminate();
  [[nodiscard]] bool authorized(Privilege p) const;
  // Why `p` is not authorized now, said to the user it refuses: the last
  // authorization expired or was terminated, or there was none.
  [[nodiscard]] std::string why_not_authorized(Privilege p) const;
  // Logs the 10-minute warnings and ends what expired; the daemon calls it
  // each second.
  void tick();

  struct Pending {
    Bytes bytes;
    Challenge challenge;
    TimePoint created;
  };
  struct Grant {
    std::string authority, user;
    uint32_t minutes = 0;
    TimePoint until;
    std::time_t until_wall = 0;
    bool warned = false;
  };
  [[nodiscard]] const std::map<Privilege, Pending>& pending() const { return pending_; }
  [[nodiscard]] const std::map<Privilege, Grant>& grants() const { return grants_; }

 private:
  Result<void> match_pending(Privilege p, const Response& r, const DeviceIdentity& device) const;
  Result<void> verify_response(const Response& r, const Authorities& authorities) const;
  void expire_challenges();
  // A challenge that can no longer be answered, and why (bounded list).
  void close(const Bytes& challenge, std::string reason);

  const Clock& clock_;
  Random& rng_;
  std::time_t started_;  // wall clock at start: older challenges predate a restart
  std::map<Privilege, Pending> pending_;
  std::map<Privilege, Grant> grants_;
  std::map<Privilege, std::string> ended_;  // how the last authorization ended
  std::deque<std::pair<Bytes, std::string>> closed_;
};

}  // namespace kg::consent
