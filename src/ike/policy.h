// What the IKE engine needs to know about configuration, expressed in protocol
// terms. The engine never sees the IOS config model: the daemon implements
// PolicyProvider over it (crypto ikev2 policy/proposal/profile/keyring, ipsec
// profile/transform-set, tunnel interfaces), and tests implement it directly.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/secret.h"
#include "crypto/sk_cipher.h"
#include "wire/ike/constants.h"
#include "wire/ike/payloads.h"

namespace kg::ike {

// One IKE proposal as configured (crypto ikev2 proposal): every combination of
// the listed algorithms is acceptable. AEAD encryption implies no integrity.
struct IkeProposalConfig {
  std::string name;
  struct Encr {
    EncrId id;
    uint16_t key_bits;
  };
  std::vector<Encr> encr;
  std::vector<IntegId> integ;
  std::vector<PrfId> prf;     // empty: same hash as integrity (IOS behaviour)
  std::vector<DhGroup> groups;
};

// One ESP transform set (crypto ipsec transform-set).
struct ChildTransformConfig {
  std::string name;
  EncrId encr;
  uint16_t key_bits;
  IntegId integ;  // kNone with AES-GCM
};

struct Identity {
  IdType type = IdType::kIpv4Addr;
  Bytes data;
  [[nodiscard]] std::string str() const;  // "192.0.2.1", "r1.example.com", ...
  [[nodiscard]] IdPayload payload() const { return {type, data}; }
  auto operator<=>(const Identity&) const = default;
};

enum class AuthKind { kPsk, kRsaSig, kEcdsaSig, kEap };

// The profile chosen for a peer (crypto ikev2 profile + keyring lookups done).
struct ProfileConfig {
  std::string name;
  Identity local_id;
  AuthKind local_auth = AuthKind::kPsk;
  AuthKind remote_auth = AuthKind::kPsk;
  Secret local_psk;   // what we sign with
  Secret remote_psk;  // what we verify the peer with
  uint32_t ike_lifetime_s = 86400;
};

// The CHILD_SA policy for a tunnel interface (tunnel protection ipsec profile).
struct ChildConfig {
  std::string interface;  // "Tunnel0": where the SA's traffic enters and leaves
  std::vector<ChildTransformConfig> transforms;
  std::vector<TrafficSelector> local_ts;   // what we protect on our side
  std::vector<TrafficSelector> remote_ts;  // what we reach behind the peer
  DhGroup pfs = DhGroup::kNone;
  uint32_t lifetime_s = 3600;
  uint64_t lifetime_kb = 4608000;
  uint32_t replay_window = 64;
};

// What to initiate: one tunnel interface towards one peer.
struct InitiateRequest {
  Endpoint local;
  Endpoint remote;
  std::string profile;  // ProfileConfig name, resolved via PolicyProvider
  ChildConfig child;
};

// Global IKEv2 admission limits (crypto ikev2 cookie-challenge, crypto ikev2
// limit). 0 means off / no limit.
struct IkeLimits {
  uint32_t cookie_challenge = 0;         // require cookies from this many half-open SAs on
  uint32_t max_in_negotiation_in = 40;   // IOS defaults, shown by show crypto ikev2 stats
  uint32_t max_in_negotiation_out = 400;
  uint32_t max_sa = 0;                   // all IKE SAs, either role
};

class PolicyProvider {
 public:
  virtual ~PolicyProvider() = default;
  virtual IkeLimits limits() const { return {}; }
  // crypto ikev2 policy matching our local address (match address local).
  virtual std::vector<IkeProposalConfig> ike_proposals(const IpAddress& local) const = 0;
  // crypto ikev2 profile whose `match identity remote` (and match address
  // local) accepts this peer; PSKs looked up in its keyring.
  virtual std::optional<ProfileConfig> profile_for_peer(const Identity& remote_id,
                                                        const IpAddress& local,
                                                        const IpAddress& remote) const = 0;
  virtual std::optional<ProfileConfig> profile_by_name(const std::string& name,
                                                       const IpAddress& remote) const = 0;
  // Responder side: the tunnel interface that protects traffic for this peer
  // under this profile (tunnel destination = peer, protection profile's
  // ikev2-profile = profile).
  virtual std::optional<ChildConfig> child_for_peer(const std::string& profile,
                                                    const IpAddress& local,
                                                    const IpAddress& remote) const = 0;
};

}  // namespace kg::ike
