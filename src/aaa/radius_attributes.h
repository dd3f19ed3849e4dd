// What an Access-Accept says about a remote-access user (seed 004,
// "Attributes"): the IETF attributes and the Cisco AV pairs keygate applies
// to the session's configuration reply. Pure: read from the packet once,
// when the EAP relay hears the Accept; applied by authorization
// (daemon/ra_policy.cc).
//   Framed-IP-Address (8), Framed-IP-Netmask (9)   the address itself
//   Framed-Pool (88), ipsec:addr-pool=NAME          the local pool to lease from
//   ipsec:dns-servers=A [B]                          DNS servers
//   ipsec:route-set=prefix P/L                       a split-tunnel route
//   ipsec:default-domain=NAME                        the DNS domain
//   ipsec:tunnel-password=KEY                        an Easy VPN group's key (a secret, kept apart)
//   ipsec:max-users=N, ipsec:max-logins=N            session limits (session_limit below)
//   Class (25)                                       echoed in the session's accounting
// Other AV pairs are kept by name for the log and show commands; a
// mandatory one keygate cannot apply is listed in `unsupported`.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "aaa/attribute_set.h"
#include "common/ip.h"
#include "common/secret.h"
#include "common/result.h"
#include "wire/radius/packet.h"

namespace kg::aaa {

struct RadiusAuthorization {
  std::optional<IpAddress> framed_ip;
  std::optional<uint8_t> framed_prefix_len;  // from Framed-IP-Netmask
  std::string pool;
  std::vector<IpAddress> dns;
  std::vector<Prefix> routes;
  std::string domain;
  // Session-Timeout (RFC 2865 §5.27) and Acct-Interim-Interval (RFC 2869
  // §5.16): what a CoA reauthenticate applies to a live session.
  std::optional<uint32_t> session_timeout, interim_interval;
  std::vector<std::string> unsupported;  // mandatory AV pairs not applied
  // ipsec:ikev2-password-local|remote (keyring aaa): the pre-shared keys.
  Secret psk_local, psk_remote;
  // ipsec:tunnel-password (Easy VPN group authorization): the group's key.
  Secret tunnel_password;
  // Class attributes, in order: RFC 2865 §5.25 has the NAS send them
  // unmodified in the session's Accounting-Requests (RFC 2866 §5).
  std::vector<Bytes> classes;
  // Every attribute above and every other ipsec:/ip: AV pair, by name, with
  // the source given to radius_authorization (for merging and show).
  AttributeSet attributes;
  [[nodiscard]] bool empty() const {
    return !framed_ip && pool.empty() && dns.empty() && routes.empty() && domain.empty();
  }
};

// The Class values (RFC 2865 §5.25) of an Access-Accept, in order: what
// the session's Accounting-Requests echo (RFC 2866 §5).
[[nodiscard]] std::vector<Bytes> class_values(const kg::radius::Packet& accept);

// Error when an attribute keygate applies is malformed (the Accept is then
// not trusted for authorization).
[[nodiscard]] Result<RadiusAuthorization> radius_authorization(const kg::radius::Packet& accept,
                                                              const std::string& source = "RADIUS");

// ipsec:max-users (users of a group) and ipsec:max-logins (sessions of one
// user), seed 001's "Session Monitoring and Limiting" and seed 004: the
// limit `name` gives; nullopt when `a` has none; an error when its value is
// not a whole number (0 refuses every session). One reading for IKEv2
// authorization (daemon/ra_policy.cc) and Easy VPN groups
// (daemon/isakmp_ezvpn.cc).
[[nodiscard]] Result<std::optional<uint32_t>> session_limit(const AttributeSet& a, const std::string& name);

}  // namespace kg::aaa
