#include "consent/consent_state.h"

#include <algorithm>

#include "common/log.h"
#include "consent/base64.h"
#include "consent/signature.h"

namespace kg::consent {
namespace {

// Answered and expired challenges kept to name the reason a late response fails.
constexpr size_t kRemembered = 64;

// %CTOKEN-6-AUTH_UPDATE: Consent Token Update (WHAT: Shell access 0).
// "0" is the instance: keygate has one consent-token instance per privilege.
void update(std::string_view what) {
  log::event("CTOKEN", log::Level::kInfo, "AUTH_UPDATE", "Consent Token Update (" + std::string(what) + ").");
}

std::string subject(Privilege p) { return std::string(privilege_title(p)) + " 0"; }

}  // namespace

ConsentState::ConsentState(const Clock& clock, Random& rng)
    : clock_(clock), rng_(rng), started_(clock.wall_time()) {}

Result<std::string> ConsentState::generate_challenge(Privilege p, uint32_t minutes, std::string_view authority,
                                                     const DeviceIdentity& device, const Authorities& authorities) {
  update("challenge generation attempt: " + subject(p));
  if (minutes == 0 || minutes > kMaxTimeoutMinutes)
    return fail(Errc::kInvalidArgument, "Authorization timeout " + std::to_string(minutes) +
                                            " minutes exceeds the maximum of 7 days (" +
                                            std::to_string(kMaxTimeoutMinutes) + " minutes)");
  std::string name(authority);
  if (name.empty()) {
    if (authorities.empty())
      return fail(Errc::kState, "No consent-token authority is configured (consent-token authority NAME)");
    if (authorities.size() > 1)
      return fail(Errc::kInvalidArgument, "Several consent-token authorities are configured: name one with authority NAME");
    name = authorities.begin()->first;
  } else if (!authorities.contains(name)) {
    return fail(Errc::kNotFound, "No consent-token authority " + name + " is configured");
  }
  Challenge c;
  c.privilege = p;
  c.created = uint64_t(clock_.wall_time());
  rng_.fill(c.nonce);
  c.timeout_minutes = minutes;
  c.hostname = device.hostname;
  c.serial = device.serial;
  c.authority = name;
  Bytes bytes = encode_challenge(c);
  pending_[p] = Pending{bytes, c, clock_.now()};
  return base64_encode(bytes);
}

Result<void> ConsentState::accept_response(Privilege p, std::string_view response_base64,
                                           const DeviceIdentity& device, const Authorities& authorities,
                                           std::string_view user) {
  expire_challenges();
  auto fail_with = [p](const Error& e) -> Result<void> {
    update("authentication failure: " + subject(p));
    return std::unexpected(e);
  };
  auto raw = base64_decode(response_base64);
  if (!raw) return fail_with({Errc::kInvalidSyntax, "Response is not valid base 64: " + raw.error().message});
  auto r = decode_response(*raw);
  if (!r) return fail_with({r.error().code, "Malformed response: " + r.error().message});
  if (auto ok = match_pending(p, *r, device); !ok) return fail_with(ok.error());
  // The response answers the pending challenge: whatever follows, it is used up.
  pending_.erase(p);
  if (auto ok = verify_response(*r, authorities); !ok) {
    close(r->challenge_bytes, "The challenge was ended by an earlier response that failed; generate a new challenge");
    return fail_with(ok.error());
  }
  close(r->challenge_bytes, "Response has already been used: a response is valid once");
  Grant g;
  g.authority = r->challenge.authority;
  g.user = user;
  g.minutes = r->granted_minutes;
  g.until = clock_.now() + Millis(int64_t(g.minutes) * 60'000);
  g.until_wall = clock_.wall_time() + std::time_t(g.minutes) * 60;
  grants_[p] = g;
  ended_.erase(p);
  update("authentication success: " + subject(p));
  return {};
}

// Is this the response to the challenge pending for `p`? The checks run in
// the order that gives the most useful reason.
Result<void> ConsentState::match_pending(Privilege p, const Response& r, const DeviceIdentity& device) const {
  const Challenge& c = r.challenge;
  if (c.serial != device.serial)
    return fail(Errc::kAuthFailed, "Response is for another device (hostname " + c.hostname + ", serial " + c.serial +
                                       "; this device is serial " + device.serial + ")");
  if (c.privilege != p)
    return fail(Errc::kAuthFailed, "Response is for " + std::string(privilege_keyword(c.privilege)) + ", not " +
                                       std::string(privilege_keyword(p)));
  if (std::time_t(c.created) < started_)
    return fail(Errc::kState, "Response is for a challenge generated before keygated restarted; a restart expires "
                              "every challenge and authorization: generate a new challenge");
  for (const auto& [bytes, reason] : closed_)
    if (bytes == r.challenge_bytes) return fail(Errc::kState, reason);
  auto it = pending_.find(p);
  if (it == pending_.end())
    return fail(Errc::kState, "No " + std::string(privilege_keyword(p)) + " challenge is pending: generate one first");
  if (it->second.bytes != r.challenge_bytes)
    return fail(Errc::kAuthFailed,
                "Response is for another challenge (a newer challenge replaced it, or it was not generated here)");
  return {};
}

Result<void> ConsentState::verify_response(const Response& r, const Authorities& authorities) const {
  const std::string& name = r.challenge.authority;
  auto key = authorities.find(name);
  if (key == authorities.end())
    return fail(Errc::kNotFound, "Unknown consent-token authority " + name + ": the response cannot be verified");
  if (!verify(key->second, response_signed_bytes(r.challenge_bytes, r.granted_minutes), r.signature))
    return fail(Errc::kAuthFailed, "Bad signature: the response was not signed by authority " + name);
  return {};
}

void ConsentState::terminate() {
  pending_.clear();
  for (auto& [p, g] : grants_) {
    update("terminate authentication: " + subject(p));
    ended_[p] = "was terminated (request consent-token terminate-auth)";
  }
  grants_.clear();
}

std::string ConsentState::why_not_authorized(Privilege p) const {
  std::string what = "the " + std::string(privilege_keyword(p)) + " authorization ";
  if (auto it = grants_.find(p); it != grants_.end() && clock_.now() >= it->second.until) return what + "has expired";
  if (auto it = ended_.find(p); it != ended_.end()) return what + it->second;
  return "no " + std::string(privilege_keyword(p)) + " authorization: request consent-token generate-challenge " +
         std::string(privilege_keyword(p)) + " first";
}

bool ConsentState::authorized(Privilege p) const {
  auto it = grants_.find(p);
  return it != grants_.end() && clock_.now() < it->second.until;
}

void ConsentState::tick() {
  expire_challenges();
  TimePoint now = clock_.now();
  for (auto it = grants_.begin(); it != grants_.end();) {
    auto& [p, g] = *it;
    if (now >= g.until) {
      update("authorization expired: " + subject(p));
      ended_[p] = "has expired";
      it = grants_.erase(it);
      continue;
    }
    if (!g.warned && g.until - now <= kExpiryWarning) {
      g.warned = true;
      update("authorization for " + subject(p) + " will expire in 10 min");
    }
    ++it;
  }
}

void ConsentState::expire_challenges() {
  TimePoint now = clock_.now();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.created <= kChallengeLifetime) { ++it; continue; }
    close(it->second.bytes, "Challenge expired: the response must come within 30 minutes of the challenge; "
                            "generate a new one");
    it = pending_.erase(it);
  }
}

void ConsentState::close(const Bytes& challenge, std::string reason) {
  closed_.emplace_back(challenge, std::move(reason));
  if (closed_.size() > kRemembered) closed_.pop_front();
}

}  // namespace kg::consent
