// Local AAA authorization for IKEv2 (seed 004, "FlexVPN AAA Integration"):
// a profile's `aaa authorization group|user psk|cert|eap list LIST [NAME]`
// names an `aaa authorization network LIST local` method list and a
// `crypto ikev2 authorization policy NAME` (the peer's IKE identity when NAME
// is omitted). User and group attributes are merged: user attributes win,
// unless the group line says `override`. Pure functions over the model.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "config/model.h"

namespace kg::aaa {

struct Authorization {
  bool configured = false;  // the profile has aaa authorization for this method
  std::string error;        // why authorization failed (empty: it succeeded)
  config::AuthorizationPolicy attrs;  // merged attributes
  std::string group_policy, user_policy;  // the policies that applied
};

// `method`: "psk", "cert" or "eap", the way the peer authenticated.
Authorization authorize(const config::Model& m, const config::Ikev2Profile& profile, const std::string& method,
                        const std::string& identity);

// Per attribute: `preferred`'s value when it has one, else `other`'s. The
// route set lists are the union (IOS documents no rule; both sides' routes
// are what an engineer expects to see pushed).
config::AuthorizationPolicy merge(const config::AuthorizationPolicy& preferred,
                                  const config::AuthorizationPolicy& other);

// The subnet of an interface (the daemon looks at the model, then at Linux).
using InterfacePrefix = std::function<std::optional<Prefix>(const std::string& ifname)>;

// The prefixes a policy's `route set` names, as IOS pushes them:
//   route set interface          the address of `tunnel` (its unnumbered
//                                interface's for a template), as a host route
//   route set interface IFACE    IFACE's subnet
//   route set remote ...         the prefix
//   route set access-list ACL    every permit entry of the standard ACL
std::vector<Prefix> route_set_prefixes(const config::Model& m, const config::AuthorizationPolicy& p,
                                       const std::string& tunnel, const InterfacePrefix& iface);

}  // namespace kg::aaa
