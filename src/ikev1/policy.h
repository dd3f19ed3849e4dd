// What the IKEv1 engine needs to know about configuration, in protocol
// terms: the ISAKMP policies (crypto isakmp policy N, or the default table),
// pre-shared keys by peer address (crypto isakmp key ... address), the
// identity we show (crypto isakmp identity) and, as for IKEv2, the CHILD_SA
// policy of the tunnel interface that protects a peer. The daemon implements
// it over the IOS model; tests implement it directly.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/secret.h"
#include "crypto/algorithm_ids.h"
#include "ike/policy.h"
#include "wire/isakmp/constants.h"

namespace kg::ikev1 {

// One protection suite (crypto isakmp policy N).
struct IsakmpPolicy {
  uint32_t priority = 1;
  crypto::Cipher encr = crypto::Cipher::kAesCbc;
  uint16_t key_bits = 128;  // AES: 128/192/256; 3DES: 192
  crypto::Prf hash = crypto::Prf::kHmacSha1;
  crypto::Group group = crypto::Group::kModp2048;
  isakmp::P1Auth auth = isakmp::P1Auth::kPreSharedKey;
  uint32_t lifetime_s = 86400;
  bool operator==(const IsakmpPolicy&) const = default;
};

class PolicyProvider {
 public:
  virtual ~PolicyProvider() = default;
  // In priority order (lowest number first), the default table included
  // when it applies.
  virtual std::vector<IsakmpPolicy> policies() const = 0;
  // The pre-shared key for this peer address (crypto isakmp key ... address
  // A [MASK], most specific mask first); nullopt: none configured.
  virtual std::optional<Secret> psk(const IpAddress& local, const IpAddress& remote) const = 0;
  // crypto isakmp identity hostname: the FQDN we send (else our address).
  virtual std::optional<std::string> identity_hostname() const { return std::nullopt; }
  // Responder: the tunnel interface protecting this peer with ISAKMP (its
  // ipsec profile has no ikev2-profile); its transform sets, PFS and lifetime.
  virtual std::optional<ike::ChildConfig> child_for_peer(const IpAddress& local, const IpAddress& remote) const = 0;
};

}  // namespace kg::ikev1
