#include "wire/gre/gre_packet.h"

#include <algorithm>

#include "io/checksum.h"

namespace kg::esp {
namespace {

uint16_t get16(ByteView b, size_t at) { return uint16_t(b[at] << 8 | b[at + 1]); }
void put16(std::span<uint8_t> b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}
bool same(ByteView raw, const IpAddress& a) { return std::equal(raw.begin(), raw.end(), a.bytes().begin(), a.bytes().end()); }

// The outer IPv4/IPv6 header: protocol 47 from the tunnel destination to its
// source, no fragment (we do not reassemble), lengths consistent. Returns
// the GRE part.
std::expected<ByteView, GreDrop> strip_outer(ByteView pkt, const GreTunnel& t) {
  if (pkt.empty()) return std::unexpected(GreDrop::kMalformed);
  uint8_t version = pkt[0] >> 4;
  if (t.source.is_v4()) {
    if (version != 4 || pkt.size() < 20) return std::unexpected(GreDrop::kMalformed);
    size_t ihl = size_t(pkt[0] & 0x0f) * 4, total = get16(pkt, 2);
    if (ihl < 20 || total < ihl || total > pkt.size()) return std::unexpected(GreDrop::kMalformed);
    if (io::csum_fold(io::csum_add(pkt.first(ihl))) != 0xffff) return std::unexpected(GreDrop::kMalformed);
    if ((get16(pkt, 6) & 0x3fff) != 0) return std::unexpected(GreDrop::kUnsupported);  // MF or offset
    if (pkt[9] != kIpProtoGre) return std::unexpected(GreDrop::kNotOurTunnel);
    if (!same(pkt.subspan(12, 4), t.destination) || !same(pkt.subspan(16, 4), t.source))
      return std::unexpected(GreDrop::kNotOurTunnel);
    return pkt.subspan(ihl, total - ihl);
  }
  if (version != 6 || pkt.size() < 40) return std::unexpected(GreDrop::kMalformed);
  size_t payload = get16(pkt, 4);
  if (40 + payload > pkt.size()) return std::unexpected(GreDrop::kMalformed);
  // GRE right after the fixed header: extension headers (fragments) are not used here.
  if (pkt[6] != kIpProtoGre) return std::unexpected(GreDrop::kNotOurTunnel);
  if (!same(pkt.subspan(8, 16), t.destination) || !same(pkt.subspan(24, 16), t.source))
    return std::unexpected(GreDrop::kNotOurTunnel);
  return pkt.subspan(40, payload);
}

}  // namespace

size_t gre_encap(std::span<uint8_t> buf, size_t inner_len, const GreTunnel& t, uint16_t id) {
  size_t oh = t.overhead();
  if (inner_len == 0 || buf.size() < oh + inner_len) return 0;
  bool inner_v6 = (buf[oh] >> 4) == 6;
  size_t gre_at = oh - kGreHeaderSize;
  put16(buf, gre_at, 0);  // C = 0, version 0 (RFC 2784 §2)
  put16(buf, gre_at + 2, inner_v6 ? kGreProtoIpv6 : kGreProtoIpv4);
  if (!t.outer_ip) return kGreHeaderSize + inner_len;
  size_t gre_len = kGreHeaderSize + inner_len;
  if (t.source.is_v4()) {
    if (20 + gre_len > 0xffff) return 0;
    auto h = buf.first(20);
    std::fill(h.begin(), h.end(), 0);
    h[0] = 0x45;
    put16(h, 2, uint16_t(20 + gre_len));
    put16(h, 4, id);
    h[8] = 255;  // TTL
    h[9] = kIpProtoGre;
    std::copy_n(t.source.bytes().begin(), 4, h.begin() + 12);
    std::copy_n(t.destination.bytes().begin(), 4, h.begin() + 16);
    put16(h, 10, uint16_t(~io::csum_fold(io::csum_add(h))));
    return 20 + gre_len;
  }
  if (gre_len > 0xffff) return 0;
  auto h = buf.first(40);
  std::fill(h.begin(), h.end(), 0);
  h[0] = 0x60;
  put16(h, 4, uint16_t(gre_len));
  h[6] = kIpProtoGre;
  h[7] = 255;  // hop limit
  std::copy_n(t.source.bytes().begin(), 16, h.begin() + 8);
  std::copy_n(t.destination.bytes().begin(), 16, h.begin() + 24);
  return 40 + gre_len;
}

std::expected<ByteView, GreDrop> gre_decap(ByteView pkt, const GreTunnel& t) {
  ByteView gre = pkt;
  if (t.outer_ip) {
    auto g = strip_outer(pkt, t);
    if (!g) return std::unexpected(g.error());
    gre = *g;
  }
  if (gre.size() < kGreHeaderSize) return std::unexpected(GreDrop::kMalformed);
  uint16_t flags = get16(gre, 0), proto = get16(gre, 2);
  // RFC 2784 §2.3/2.5: version 0 only; bits 1-12 must be zero (bits 2 and 3
  // are RFC 2890's key and sequence, which IOS sends only with `tunnel key`
  // / `tunnel sequence-datagrams`, not configured here).
  if ((flags & 0x0007) != 0 || (flags & 0x7ff8) != 0) return std::unexpected(GreDrop::kUnsupported);
  size_t hlen = kGreHeaderSize;
  if (flags & 0x8000) {  // checksum present: over the GRE header and payload
    if (gre.size() < 8) return std::unexpected(GreDrop::kMalformed);
    if (io::csum_fold(io::csum_add(gre)) != 0xffff) return std::unexpected(GreDrop::kMalformed);
    hlen = 8;
  }
  ByteView inner = gre.subspan(hlen);
  if (inner.empty()) return std::unexpected(GreDrop::kMalformed);
  uint8_t v = inner[0] >> 4;
  if (!((proto == kGreProtoIpv4 && v == 4 && inner.size() >= 20) ||
        (proto == kGreProtoIpv6 && v == 6 && inner.size() >= 40)))
    return std::unexpected(GreDrop::kNotIp);
  return inner;
}

}  // namespace kg::esp
