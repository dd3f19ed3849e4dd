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

#include "aaa/attribute_set.h"
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

// One `aaa authorization user|group` line resolved for a peer: the name to
// authorize and where (a local policy, or a RADIUS group).
struct AuthorizationStep {
  std::string name;          // policy / RADIUS user name (NAME, the mangled identity, or the identity)
  std::string radius_group;  // `aaa authorization network LIST group G`: G; empty: local
};

// What authorization a peer needs (seed 004, "Authorization Types").
struct AuthorizationPlan {
  bool configured = false;
  std::string error;  // a missing list or a name-mangler without a rule: authorization fails
  bool cached = false;  // aaa authorization user METHOD cached
  std::optional<AuthorizationStep> user, group;
  bool group_override = false;
};

// `kind`: the identity's kind for a name-mangler ("fqdn", "email", "dn",
// "address", "key-id"); `eap_identity`: the EAP identity when the peer
// authenticated with EAP (the name and the mangler's `eap` rule use it).
AuthorizationPlan plan_authorization(const config::Model& m, const config::Ikev2Profile& profile,
                                     const std::string& method, const std::string& kind,
                                     const std::string& identity, const std::string& eap_identity);

// A local authorization policy as attributes named as RADIUS names them
// (pool -> ipsec:addr-pool, dns -> ipsec:dns-servers, route set -> its
// prefixes as ipsec:route-set "prefix P/L", aaa attribute list entries
// -> ip:interface-config / ipsec:NAME).
AttributeSet policy_attributes(const config::Model& m, const config::AuthorizationPolicy& p,
                               const std::string& tunnel, const InterfacePrefix& iface, const std::string& source);

}  // namespace kg::aaa
