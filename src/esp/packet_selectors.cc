#include "esp/packet_selectors.h"

namespace kg::esp {
namespace {

// The packet's transport protocol and ports, for the selectors that narrow
// them. A non-initial fragment has no ports: only its protocol is checked
// (RFC 4301 §5.2 lets a port selector pass non-initial fragments when the
// SA is for the flow; the kernel reassembles them).
struct Transport {
  uint8_t proto = 0;
  std::optional<uint16_t> src_port, dst_port;
};
bool has_ports(uint8_t p) { return p == 6 || p == 17 || p == 132 || p == 33; }
Transport transport(std::span<const uint8_t> ip, uint8_t proto, size_t l4, bool first_fragment) {
  Transport t{proto, std::nullopt, std::nullopt};
  if (has_ports(proto) && first_fragment && ip.size() >= l4 + 4) {
    t.src_port = uint16_t(ip[l4] << 8 | ip[l4 + 1]);
    t.dst_port = uint16_t(ip[l4 + 2] << 8 | ip[l4 + 3]);
  }
  return t;
}

}  // namespace

std::vector<AddrRange> addr_ranges(const std::vector<TrafficSelector>& v) {
  std::vector<AddrRange> r;
  for (auto& t : v) r.push_back({t.start, t.end, t.ip_protocol, t.start_port, t.end_port});
  return r;
}

PacketSelectors::PacketSelectors(std::vector<AddrRange> src, std::vector<AddrRange> dst)
    : src_(std::move(src)), dst_(std::move(dst)) {
  for (auto* v : {&src_, &dst_})
    for (auto& r : *v) narrow_ = narrow_ || r.proto != 0;
}

bool PacketSelectors::admits(std::span<const uint8_t> ip) const {
  if (empty()) return true;
  if (ip.size() >= 20 && (ip[0] >> 4) == 4) {
    // IPv4, every packet of most tunnels: compare host-order words, no
    // IpAddress built per packet.
    auto word = [&](size_t off) {
      return uint32_t(ip[off]) << 24 | uint32_t(ip[off + 1]) << 16 | uint32_t(ip[off + 2]) << 8 | ip[off + 3];
    };
    Transport l4;
    if (narrow_) l4 = transport(ip, ip[9], size_t(ip[0] & 0x0f) * 4, ((ip[6] & 0x1f) << 8 | ip[7]) == 0);
    auto in4 = [&](const std::vector<AddrRange>& v, uint32_t a, std::optional<uint16_t> port) {
      for (auto& r : v)
        if (r.start.is_v4() && r.end.is_v4() && r.start.v4_host_order() <= a && a <= r.end.v4_host_order() &&
            r.admits(l4.proto, port))
          return true;
      return false;
    };
    return in4(src_, word(12), l4.src_port) && in4(dst_, word(16), l4.dst_port);
  }
  if (ip.size() < 40 || (ip[0] >> 4) != 6) return false;
  auto src = IpAddress::from_bytes(ip.subspan(8, 16));
  auto dst = IpAddress::from_bytes(ip.subspan(24, 16));
  // The next header of the fixed header (extension headers are not walked:
  // a selector with a protocol then sees their number and does not admit).
  Transport l4;
  if (narrow_) l4 = transport(ip, ip[6], 40, true);
  auto in = [&](const std::vector<AddrRange>& v, const IpAddress& a, std::optional<uint16_t> port) {
    for (auto& r : v)
      if (r.contains(a) && r.admits(l4.proto, port)) return true;
    return false;
  };
  return in(src_, *src, l4.src_port) && in(dst_, *dst, l4.dst_port);
}

}  // namespace kg::esp
