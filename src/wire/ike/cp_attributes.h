// Configuration payload attributes (RFC 7296 §3.15.1) decoded into values,
// and back. Pure wire code: CpPayload carries attributes as (type, bytes);
// this file gives them meaning.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |R|         Attribute Type      |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                             Value                             ~
//
// Lengths (§3.15.1): INTERNAL_IP4_ADDRESS/NETMASK/DNS 0 or 4,
// INTERNAL_IP6_ADDRESS 0 or 17 (address + prefix length), INTERNAL_IP6_DNS 0
// or 16, INTERNAL_IP4_SUBNET 0 or 8 (address + mask), INTERNAL_IP6_SUBNET 17.
// A zero-length value in CFG_REQUEST asks for the attribute (§2.19).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "wire/ike/payloads.h"

namespace kg::ike {

enum class CpAttr : uint16_t {
  kInternalIp4Address = 1,
  kInternalIp4Netmask = 2,
  kInternalIp4Dns = 3,
  kInternalIp4Nbns = 4,
  kInternalIp4Dhcp = 6,
  kApplicationVersion = 7,
  kInternalIp6Address = 8,
  kInternalIp6Dns = 10,
  kInternalIp6Dhcp = 12,
  kInternalIp4Subnet = 13,
  kSupportedAttributes = 14,
  kInternalIp6Subnet = 15,
  kInternalDnsDomain = 25,   // RFC 8598
  kUnityBanner = 28672,      // Cisco Unity, used by IOS and strongSwan's unity plugin
  kUnityDefDomain = 28674,   // IOS `def-domain`
  kUnitySplitInclude = 28676,
};

// The meaning of one configuration payload. In a request the want_* flags
// are the empty attributes (what the sender asks for) and values are
// suggestions (or, from a FlexVPN peer, its own subnets); in a reply they are
// what was assigned.
struct ConfigAttributes {
  std::optional<Prefix> ip4;        // INTERNAL_IP4_ADDRESS, length from INTERNAL_IP4_NETMASK (32 without)
  std::optional<Prefix> ip6;        // INTERNAL_IP6_ADDRESS: address and prefix length
  std::vector<IpAddress> dns;       // INTERNAL_IP4_DNS, INTERNAL_IP6_DNS
  std::vector<Prefix> subnets;      // INTERNAL_IP4_SUBNET, INTERNAL_IP6_SUBNET (FlexVPN routes)
  std::string domain;               // UNITY_DEF_DOMAIN or INTERNAL_DNS_DOMAIN
  // UNITY_BANNER: IKEv2 has no standard banner attribute; keygate uses the
  // Cisco private (Unity) number, as for UNITY_DEF_DOMAIN. Received text
  // keeps newlines and tabs; other control characters become '.'.
  std::string banner;
  bool want_ip4 = false, want_ip6 = false, want_dns = false, want_domain = false, want_banner = false;
  std::string application_version;  // APPLICATION_VERSION (printable, for logs)
  bool operator==(const ConfigAttributes&) const = default;
};

// Decodes every attribute it knows; unknown ones are skipped (§3.15.1 lets a
// receiver ignore them). A known attribute with a wrong length fails
// (INVALID_SYNTAX), as do a netmask that is not contiguous and a prefix
// length over 128.
[[nodiscard]] Result<ConfigAttributes> decode_config(const CpPayload& cp);
// The payload for `type`: in CFG_REQUEST the want_* flags become empty
// attributes; values are written as they are.
[[nodiscard]] CpPayload encode_config(CfgType type, const ConfigAttributes& a);

}  // namespace kg::ike
