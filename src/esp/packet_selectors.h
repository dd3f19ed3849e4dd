// Whether an IP packet lies inside an SA's traffic selectors (RFC 4301
// §4.4.1.1: addresses, next protocol, ports), one side for its source and
// one for its destination. Inbound (InboundSa): what an SA decrypted must
// come from the peer's selectors to ours. Outbound (DestinationIndex): on a
// device shared by several SAs, a packet leaves on one whose selectors hold
// it, so that two crypto map ACL lines to one destination, differing only
// in protocol or ports, keep their own SAs as IOS does.
// Checks read the packet in place and do not allocate.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/ip.h"
#include "common/traffic_selector.h"

namespace kg::esp {

// One side of a traffic selector: addresses, and the protocol (0: any) and
// port range (tcp/udp/sctp/dccp) when the selector narrows them (a crypto
// map ACL line `permit tcp ... eq 5001`).
struct AddrRange {
  IpAddress start, end;
  uint8_t proto = 0;
  uint16_t lo_port = 0, hi_port = 65535;
  [[nodiscard]] bool contains(const IpAddress& a) const {
    return a.family == start.family && !(a < start) && !(end < a);
  }
  // Whether the protocol and port (the packet's on this side; nullopt: the
  // packet has none to read) are this selector's.
  [[nodiscard]] bool admits(uint8_t p, std::optional<uint16_t> port) const {
    if (proto == 0) return true;
    if (p != proto) return false;
    return !port || (lo_port <= *port && *port <= hi_port);
  }
};

std::vector<AddrRange> addr_ranges(const std::vector<TrafficSelector>& v);

class PacketSelectors {
 public:
  PacketSelectors() = default;
  // `src`: where packets may come from, `dst`: where they may go (either
  // side holds when any of its ranges does). Both empty: every packet.
  PacketSelectors(std::vector<AddrRange> src, std::vector<AddrRange> dst);
  [[nodiscard]] bool empty() const { return src_.empty() && dst_.empty(); }
  // A selector names a protocol: the transport header is read.
  [[nodiscard]] bool narrow() const { return narrow_; }
  // Whether the IPv4/IPv6 packet (at least its IP header) is inside.
  [[nodiscard]] bool admits(std::span<const uint8_t> ip) const;

 private:
  std::vector<AddrRange> src_, dst_;
  bool narrow_ = false;
};

}  // namespace kg::esp
