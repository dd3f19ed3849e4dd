// How a crypto map's traffic finds its entry's TUN device (crypto_maps.h):
// by the whole ACL line, as IOS matches a crypto ACL, not by destination.
// Each map applied to an interface gets an nftables table of keygate's own,
// `table ip keygate-cm-MAP`, with one chain per static entry holding its ACL
// lines in order:
//   permit line -> meta mark set MARK accept  (MARK: the entry's)
//   deny line   -> return                     (not this entry: the next
//                                              entry's chain is tried, and
//                                              after the last the packet
//                                              is routed as without the map)
// Base chains at prerouting (forwarded traffic) and output (the router's
// own) jump to the entries in sequence order, mark before the routing
// decision, and the policy rule `ip rule pref 9000 fwmark MARK lookup MARK`
// sends marked packets to a table whose only route is `default dev cm-...`.
// Packets coming out of keygate's devices (decrypted traffic) are never
// steered, nor are IKE (UDP 500/4500) and ESP to the entries' peers, which
// carry the tunnel itself. The table, rules and routes are created when the
// map is applied and removed with it, and when keygated exits.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/ip.h"
#include "ike/policy.h"

namespace kg::daemon {

inline constexpr uint32_t kSteerRulePriority = 9000;   // before main (32766)
inline constexpr uint32_t kSteerMarkBase = 0x4b470000;  // "KG": marks and tables base+1...
inline constexpr uint32_t kSteerMarkLast = 0x4b47ffff;
inline constexpr const char* kSteerTablePrefix = "keygate-cm-";

// One static entry of a map, in sequence order.
struct SteeredEntry {
  int seq = 0;
  std::string device;  // cm-MAP-SEQ
  uint32_t mark = 0;   // also the routing table's number
  std::vector<ike::SelectorRule> acl;
  std::vector<IpAddress> peers;
};

// The nft table's name for a map ("keygate-cm-VPN"; characters nft does not
// take in a name become '_').
std::string steering_table(const std::string& map);
// The nft commands that create the map's table (after any old one is
// deleted: see steering_replace).
std::string steering_ruleset(const std::string& map, const std::vector<SteeredEntry>& entries);
// The whole transaction replacing the map's table atomically.
std::string steering_replace(const std::string& map, const std::vector<SteeredEntry>& entries);
// The match of one ACL line in nft syntax ("ip saddr 192.0.2.0/25 ...");
// empty when the line matches every IPv4 packet.
std::string steering_match(const ike::SelectorRule& r);

}  // namespace kg::daemon
