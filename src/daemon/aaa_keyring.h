// keyring aaa LIST [name-mangler M] [password P] in a crypto ikev2 profile
// (seed 004, "AAA Pre-Shared Keys – Packet Flow"): the responder's
// pre-shared keys for a peer come from RADIUS.
//
//   IKE_AUTH { IDi AUTH(PSK) ... } -->      IDi r1.example.net
//                                           Access-Request User-Name r1.example.net
//                                             (mangled by M), User-Password "cisco" (or P)
//                                           Access-Accept Cisco-AVPair
//                                             ipsec:ikev2-password-local=...   ours, for our AUTH
//                                             ipsec:ikev2-password-remote=...  the peer's, to verify its AUTH
//   <-- IKE_AUTH { IDr AUTH(PSK) ... }
//
// The Accept's other attributes are kept as the user's cached attributes
// for `aaa authorization user psk cached`, as IOS does.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "aaa/radius_attributes.h"
#include "aaa/radius_eap.h"
#include "common/result.h"
#include "common/secret.h"
#include "config/model.h"
#include "ike/policy.h"

namespace kg::daemon {

// An Access-Request for `user` with `password` to RADIUS group `group`; the
// Accept's attributes (an error for a Reject, a timeout, no such group).
using RadiusUserLookup =
    std::function<void(const std::string& group, const std::string& user, const Secret& password,
                       const std::string& source, std::function<void(Result<aaa::RadiusAuthorization>)>)>;

// The user name keyring aaa asks for: the identity as text, or what the
// name-mangler makes of it; an error when the mangler has no rule for it.
[[nodiscard]] Result<std::string> aaa_keyring_user(const config::Model& m, const config::Ikev2Profile& p,
                                                   const ike::Identity& id);

// The profile's keyring aaa as the engine's PskSource (null without one).
// LIST must be `aaa authorization network LIST group G`; anything else
// gives a source that refuses with the reason.
[[nodiscard]] std::shared_ptr<ike::PskSource> aaa_keyring(const config::Model& m, const config::Ikev2Profile& p,
                                                          RadiusUserLookup lookup,
                                                          std::shared_ptr<aaa::AcceptedUsers> cache);

}  // namespace kg::daemon
