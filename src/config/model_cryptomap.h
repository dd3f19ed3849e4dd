// Extended access lists and crypto maps (commands_acl.cc,
// commands_cryptomap.cc): the IKEv1 site-to-site configuration of seed 001's
// `crypto map`, where an ACL's permit entries say which traffic a map
// protects (they become the Quick Mode proxy identities).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/traffic_selector.h"

namespace kg::config {

// A port condition of a tcp/udp entry: eq N, range A B, gt N, lt N.
struct AclPorts {
  std::string op;  // "eq", "range", "gt", "lt"
  int lo = 0, hi = 0;
  bool operator==(const AclPorts&) const = default;
};

// One line of an extended list: [SEQ] permit|deny PROTO SRC [PORTS] DST [PORTS].
// Addresses keep IOS's address + wildcard form; only contiguous wildcards
// (subnets) are accepted, since they become traffic selectors.
struct AclExtEntry {
  int seq = 10;
  bool permit = true;
  std::string protocol = "ip";  // ip | tcp | udp | icmp | a number 0-255
  Prefix src, dst;
  std::optional<AclPorts> src_ports, dst_ports;
  bool operator==(const AclExtEntry&) const = default;
};

// access-list 100-199 ... / ip access-list extended NAME.
struct ExtendedAcl {
  std::vector<AclExtEntry> entries;  // by sequence number
  bool numbered = false;
  bool operator==(const ExtendedAcl&) const = default;
};

// The IP protocol number of an entry's protocol word (0 for ip).
uint8_t acl_protocol_number(const std::string& word);
// The entry as IOS prints it after the sequence number ("permit ip 192.0.2.0
// 0.0.0.127 host 192.0.2.129").
std::string acl_ext_text(const AclExtEntry& e);
// Parses the words after permit|deny; the error text is for the operator.
std::optional<AclExtEntry> parse_acl_ext(bool permit, const std::vector<std::string>& words, std::string& error);
// The local (source) and remote (destination) selectors of a permit entry.
TrafficSelector acl_src_selector(const AclExtEntry& e);
TrafficSelector acl_dst_selector(const AclExtEntry& e);

// crypto map NAME SEQ ipsec-isakmp (or a crypto dynamic-map NAME SEQ entry).
struct CryptoMapEntry {
  std::string dynamic_map;                 // ipsec-isakmp dynamic DMAP: this entry is the template
  std::vector<IpAddress> peers;            // set peer A, tried in order (the next when one does not answer)
  std::vector<std::string> transform_sets; // set transform-set NAME...
  std::optional<int> pfs_group;            // set pfs [groupN] (group2 when no group is given)
  std::optional<uint64_t> lifetime_seconds, lifetime_kilobytes;
  std::string match_address;               // match address ACL
  std::string isakmp_profile;              // set isakmp-profile NAME (its initiate mode aggressive)
  std::string description;
  bool operator==(const CryptoMapEntry&) const = default;
};

struct CryptoMap {
  std::map<int, CryptoMapEntry> entries;
  std::string local_address;  // crypto map NAME local-address IFACE
  // Easy VPN through a crypto map without an ISAKMP profile (seed 001):
  // crypto map NAME client authentication list LIST (XAUTH), isakmp
  // authorization list LIST, client configuration address respond|initiate.
  std::string client_auth_list, authorization_list, config_address;
  bool operator==(const CryptoMap&) const = default;
};

using DynamicMap = std::map<int, CryptoMapEntry>;

}  // namespace kg::config
