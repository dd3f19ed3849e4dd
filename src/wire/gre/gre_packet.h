// GRE (RFC 2784) between the tunnel source and destination, as IOS's
// `tunnel mode gre ip|ipv6` sends it under IPsec: pure encode/decode, no
// state. In ESP tunnel mode the ESP payload is a whole delivery packet
// (outer IPv4/IPv6 header, protocol 47, then GRE); in ESP transport mode it
// is GRE alone (ESP next header 47). Decoding returns a drop reason, never
// text: it runs once per packet.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |C|       Reserved0       | Ver |         Protocol Type         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      Checksum (optional)      |       Reserved1 (Optional)    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once
#include <cstdint>
#include <expected>
#include <span>

#include "common/bytes.h"
#include "common/ip.h"

namespace kg::esp {

inline constexpr uint8_t kIpProtoGre = 47;
inline constexpr uint16_t kGreProtoIpv4 = 0x0800, kGreProtoIpv6 = 0x86dd;
inline constexpr size_t kGreHeaderSize = 4;  // what we send: no checksum, key or sequence

enum class GreDrop : uint8_t {
  kMalformed,     // truncated, bad lengths, bad IP header, bad GRE checksum
  kUnsupported,   // GRE version != 0, reserved bits, key/sequence (RFC 2890), IP fragments
  kNotOurTunnel,  // outer addresses are not this tunnel's destination -> source
  kNotIp,         // GRE payload other than IPv4/IPv6, or not matching its protocol type
};

// The tunnel's endpoints, both of one family; `outer_ip`: ESP tunnel mode
// (the payload carries the outer IP header), else transport mode.
struct GreTunnel {
  IpAddress source, destination;
  bool outer_ip = true;
  // Bytes in front of the inner packet: (20|40) + 4, or 4.
  [[nodiscard]] size_t overhead() const { return (outer_ip ? (source.is_v4() ? 20 : 40) : 0) + kGreHeaderSize; }
};

// Writes the delivery header(s) into buf[0, t.overhead()) for the inner
// packet at buf[t.overhead(), t.overhead() + inner_len), whose first nibble
// gives the protocol type. `id` is the IPv4 identification. Returns the
// total length; 0 if the packet is empty or too long for an IP header.
size_t gre_encap(std::span<uint8_t> buf, size_t inner_len, const GreTunnel& t, uint16_t id);

// The inner IPv4/IPv6 packet carried by `pkt` (see the top of this file).
std::expected<ByteView, GreDrop> gre_decap(ByteView pkt, const GreTunnel& t);

}  // namespace kg::esp
