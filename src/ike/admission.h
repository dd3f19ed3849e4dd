// Responder-side protection against IKE_SA_INIT floods (RFC 7296 §2.6) and
// IOS's IKEv2 call admission (`crypto ikev2 cookie-challenge N`,
// `crypto ikev2 limit max-in-negotiation-sa N [incoming|outgoing]`,
// `crypto ikev2 limit max-sa N`). For an IKE_SA_INIT request that would start
// a new IKE SA it decides, before any state exists and before any
// Diffie-Hellman is computed: accept, answer with N(COOKIE), or drop.
#pragma once
#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/ip.h"
#include "common/random.h"
#include "common/secret.h"
#include "ike/engine.h"
#include "ike/policy.h"

namespace kg::ike {

// Stateless cookies (§2.6): Cookie = <VersionIDofSecret> | MAC(Ni | IPi | SPIi),
// the MAC being HMAC-SHA256 under a random secret known only to us (the RFC's
// Hash(Ni | IPi | SPIi | <secret>) in its keyed form). The secret is replaced
// every kSecretLifetime; cookies made under the previous one still pass, so an
// initiator that got a cookie just before a change is not turned away.
class CookieJar {
 public:
  static constexpr Millis kSecretLifetime{300'000};
  static constexpr size_t kCookieSize = 1 + 32;  // version + HMAC-SHA256 (§3.10.1: 1..64)

  CookieJar(const Clock& clock, Random& rng) : clock_(clock), rng_(rng) {}
  [[nodiscard]] Bytes make(ByteView ni, const IpAddress& ipi, uint64_t spi_i);
  [[nodiscard]] bool valid(ByteView cookie, ByteView ni, const IpAddress& ipi, uint64_t spi_i);

 private:
  struct Generation {
    uint8_t version = 0;
    Secret key;
  };
  void rotate_if_due();
  static Bytes compute(const Generation& g, ByteView ni, const IpAddress& ipi, uint64_t spi_i);

  const Clock& clock_;
  Random& rng_;
  Generation current_;
  std::optional<Generation> previous_;
  TimePoint next_rotation_{};
  bool started_ = false;
};

// What the engine knows when a new IKE_SA_INIT request arrives.
struct IncomingInit {
  IpAddress from;
  uint64_t spi_i = 0;
  ByteView ni;                      // the request's nonce (empty: none)
  const NotifyPayload* cookie = nullptr;  // the request's N(COOKIE), if any
  size_t half_open = 0;             // responder IKE SAs still negotiating
  size_t total = 0;                 // IKE SAs of any kind
};

enum class Admission {
  kAccept,      // create the responder IKE SA
  kSendCookie,  // answer statelessly with N(COOKIE) (`cookie` holds it)
  kDrop,        // silently: an in-negotiation or SA limit is reached
};

class AdmissionControl {
 public:
  AdmissionControl(const Clock& clock, Random& rng) : clock_(clock), cookies_(clock, rng) {}

  // Counts every decision in `stats` (show crypto ikev2 stats).
  Admission incoming(const IkeLimits& lim, const IncomingInit& in, EngineStats& stats, Bytes& cookie);
  // Our own initiation: false when the outgoing in-negotiation limit or max-sa
  // is reached.
  bool outgoing(const IkeLimits& lim, size_t negotiating_out, size_t total, EngineStats& stats);

 private:
  // Logs at most once per kLogInterval, with the count since the last line,
  // so a flood cannot flood the log too.
  void note(const char* what, uint32_t limit, uint64_t& pending);
  static constexpr Millis kLogInterval{10'000};

  const Clock& clock_;
  CookieJar cookies_;
  bool cookies_on_ = false;
  TimePoint last_log_{};
  uint64_t unlogged_limit_ = 0;
};

}  // namespace kg::ike
