#include "io/offload.h"

#include <algorithm>
#include <cstring>

#include "io/checksum.h"

namespace kg::io {
namespace {

constexpr uint8_t kTcp = 6, kUdp = 17;
constexpr uint8_t kFin = 0x01, kPsh = 0x08, kAck = 0x10, kCwr = 0x80;
constexpr size_t kMaxSegments = 64;   // per merged write, as Linux's GRO (MAX_GRO_SKBS)
constexpr size_t kMaxMerged = 65535;  // IPv4 total length / IPv6 payload length field
constexpr size_t kHdrSlot = 256;      // virtio_net_hdr + IP (≤ 60) + TCP (≤ 60) headers
constexpr size_t kMaxOpenFlows = 64;

uint16_t rd16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t rd32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void wr16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void wr32(uint8_t* p, uint32_t v) {
  wr16(p, uint16_t(v >> 16));
  wr16(p + 2, uint16_t(v));
}
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
void wle16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
}

ByteView src_addr(const uint8_t* p, bool v6) { return v6 ? ByteView(p + 8, 16) : ByteView(p + 12, 4); }
ByteView dst_addr(const uint8_t* p, bool v6) { return v6 ? ByteView(p + 24, 16) : ByteView(p + 16, 4); }

void ipv4_header_checksum(uint8_t* p, size_t ihl) {
  p[10] = p[11] = 0;
  wr16(p + 10, uint16_t(~csum_fold(csum_add({p, ihl}))));
}

// The checksum of the transport header and payload at p[l3, len), computed
// from scratch (the field itself is zeroed first).
void l4_checksum(uint8_t* p, size_t len, const L4View& v) {
  uint8_t* f = p + v.l3_len + (v.proto == kTcp ? 16 : 6);
  f[0] = f[1] = 0;
  uint64_t s = csum_pseudo(src_addr(p, v.v6), dst_addr(p, v.v6), v.proto, uint32_t(len - v.l3_len));
  uint16_t c = uint16_t(~csum_fold(csum_add({p + v.l3_len, len - v.l3_len}, s)));
  if (c == 0 && v.proto == kUdp) c = 0xffff;  // RFC 768: 0 means "no checksum"
  wr16(f, c);
}

bool l4_checksum_ok(ByteView p, const L4View& v) {
  if (v.proto == kUdp && !v.v6 && rd16(p.data() + v.l3_len + 6) == 0) return true;  // IPv4 UDP without checksum
  uint64_t s = csum_pseudo(src_addr(p.data(), v.v6), dst_addr(p.data(), v.v6), v.proto,
                           uint32_t(p.size() - v.l3_len));
  return csum_fold(csum_add(p.subspan(v.l3_len), s)) == 0xffff;
}

// A GSO packet from the kernel: IP header from its version, transport header
// where csum_start says (it is the kernel's own packet, but checked anyway).
// Only the GSO types keygate asks for, with a segment size: a header of type
// none (the kernel's usual one for a single packet, gso_size 0) has nothing
// to cut, and every caller divides by gso_size.
std::optional<L4View> locate_gso(const VnetHdr& h, ByteView p) {
  uint8_t type = h.gso_type & ~VnetHdr::kGsoEcn;
  if (type != VnetHdr::kGsoTcpV4 && type != VnetHdr::kGsoTcpV6 && type != VnetHdr::kGsoUdpL4) return std::nullopt;
  if (h.gso_size == 0) return std::nullopt;
  L4View v;
  v.proto = type == VnetHdr::kGsoUdpL4 ? kUdp : kTcp;
  if (p.size() < 20) return std::nullopt;
  v.v6 = (p[0] >> 4) == 6;
  if (!v.v6 && (p[0] >> 4) != 4) return std::nullopt;
  if ((type == VnetHdr::kGsoTcpV4 && v.v6) || (type == VnetHdr::kGsoTcpV6 && !v.v6)) return std::nullopt;
  v.l3_len = h.csum_start;
  if (v.v6 ? v.l3_len < 40 : v.l3_len != size_t(p[0] & 15) * 4 || v.l3_len < 20) return std::nullopt;
  if (!v.v6 && p[9] != v.proto) return std::nullopt;
  if (p.size() < v.l3_len + (v.proto == kTcp ? 20 : 8)) return std::nullopt;
  v.l4_hdr_len = v.proto == kTcp ? size_t(p[v.l3_len + 12] >> 4) * 4 : 8;
  if (v.l4_hdr_len < (v.proto == kTcp ? 20u : 8u) || p.size() < v.hdr_len()) return std::nullopt;
  return v;
}

// A complete wire packet (decrypted, about to be written): IPv4 without
// fragmentation or IPv6 without extension headers, carrying TCP or UDP, with
// lengths that match the buffer exactly and a valid IPv4 header checksum.
std::optional<L4View> locate_wire(ByteView p) {
  if (p.size() < 20) return std::nullopt;
  L4View v;
  if ((p[0] >> 4) == 4) {
    v.l3_len = size_t(p[0] & 15) * 4;
    if (v.l3_len < 20 || p.size() < v.l3_len || rd16(p.data() + 2) != p.size()) return std::nullopt;
    if ((rd16(p.data() + 6) & 0x3fff) != 0) return std::nullopt;  // a fragment
    if (csum_fold(csum_add(p.first(v.l3_len))) != 0xffff) return std::nullopt;
    v.proto = p[9];
  } else if ((p[0] >> 4) == 6) {
    if (p.size() < 40 || size_t(rd16(p.data() + 4)) + 40 != p.size()) return std::nullopt;
    v.v6 = true;
    v.l3_len = 40;
    v.proto = p[6];
  } else {
    return std::nullopt;
  }
  if (v.proto == kTcp) {
    if (p.size() < v.l3_len + 20) return std::nullopt;
    v.l4_hdr_len = size_t(p[v.l3_len + 12] >> 4) * 4;
    if (v.l4_hdr_len < 20 || p.size() < v.hdr_len()) return std::nullopt;
  } else if (v.proto == kUdp) {
    v.l4_hdr_len = 8;
    if (p.size() < v.hdr_len() || rd16(p.data() + v.l3_len + 4) != p.size() - v.l3_len) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return v;
}

// Same connection: IP version, addresses, protocol and ports.
bool same_flow(ByteView a, const L4View& va, ByteView b, const L4View& vb) {
  if (va.v6 != vb.v6 || va.proto != vb.proto || va.l3_len != vb.l3_len) return false;
  size_t alen = va.v6 ? 32 : 8, aoff = va.v6 ? 8 : 12;
  return std::memcmp(a.data() + aoff, b.data() + aoff, alen) == 0 &&
         std::memcmp(a.data() + va.l3_len, b.data() + vb.l3_len, 4) == 0;
}

// Headers that must be equal for two segments of one connection to merge
// (Linux inet_gro_receive / ipv6_gro_receive / tcp_gro_receive).
bool same_headers(ByteView a, ByteView b, const L4View& v, const L4View& vb) {
  if (v.l4_hdr_len != vb.l4_hdr_len) return false;
  const uint8_t *p = a.data(), *q = b.data();
  if (v.v6) {
    if (std::memcmp(p, q, 4) != 0 || p[7] != q[7]) return false;  // class, flow label, hop limit
  } else {
    if (p[1] != q[1] || p[8] != q[8] || (p[6] & 0x40) != (q[6] & 0x40)) return false;  // TOS, TTL, DF
    if (std::memcmp(p + 20, q + 20, v.l3_len - 20) != 0) return false;                // IP options
  }
  if (v.proto == kTcp) {
    size_t t = v.l3_len;
    if (std::memcmp(p + t + 8, q + t + 8, 4) != 0) return false;  // ACK number
    if (std::memcmp(p + t + 20, q + t + 20, v.l4_hdr_len - 20) != 0) return false;  // options (timestamps)
  }
  return true;
}

const uint8_t kPlainHdr[VnetHdr::kSize] = {};

}  // namespace

VnetHdr VnetHdr::parse(const uint8_t* p) {
  VnetHdr h;
  h.flags = p[0];
  h.gso_type = p[1];
  h.hdr_len = le16(p + 2);
  h.gso_size = le16(p + 4);
  h.csum_start = le16(p + 6);
  h.csum_offset = le16(p + 8);
  return h;
}

void VnetHdr::write(uint8_t* p) const {
  p[0] = flags;
  p[1] = gso_type;
  wle16(p + 2, hdr_len);
  wle16(p + 4, gso_size);
  wle16(p + 6, csum_start);
  wle16(p + 8, csum_offset);
}

std::optional<size_t> gso_count(const VnetHdr& h, ByteView pkt) {
  uint8_t type = h.gso_type & ~VnetHdr::kGsoEcn;
  if (type == VnetHdr::kGsoNone) return 1;
  if (type != VnetHdr::kGsoTcpV4 && type != VnetHdr::kGsoTcpV6 && type != VnetHdr::kGsoUdpL4) return std::nullopt;
  auto v = locate_gso(h, pkt);
  if (!v) return std::nullopt;
  size_t payload = pkt.size() - v->hdr_len();
  return std::max<size_t>(1, (payload + h.gso_size - 1) / h.gso_size);
}

std::optional<L4View> gso_headers(const VnetHdr& h, ByteView pkt) { return locate_gso(h, pkt); }

size_t gso_segment(const VnetHdr& h, ByteView pkt, size_t i, std::span<uint8_t> out) {
  auto v = locate_gso(h, pkt);
  if (!v) return 0;
  size_t hl = v->hdr_len(), payload = pkt.size() - hl, seg = h.gso_size;
  size_t n = std::max<size_t>(1, (payload + seg - 1) / seg);
  if (i >= n) return 0;
  size_t start = hl + i * seg, chunk = std::min(seg, pkt.size() - start), len = hl + chunk;
  if (out.size() < len) return 0;
  std::memcpy(out.data(), pkt.data(), hl);
  std::memcpy(out.data() + hl, pkt.data() + start, chunk);
  gso_fix_segment(h, *v, out.first(len), i, n);
  return len;
}

void gso_fix_segment(const VnetHdr& h, const L4View& v, std::span<uint8_t> seg, size_t i, size_t n) {
  uint8_t* p = seg.data();
  size_t len = seg.size();
  if (v.v6) {
    wr16(p + 4, uint16_t(len - 40));
  } else {
    wr16(p + 2, uint16_t(len));
    wr16(p + 4, uint16_t(rd16(p + 4) + i));  // IP ID: one per segment, as Linux's GSO
    ipv4_header_checksum(p, v.l3_len);
  }
  uint8_t* l4 = p + v.l3_len;
  if (v.proto == kTcp) {
    wr32(l4 + 4, uint32_t(rd32(l4 + 4) + i * h.gso_size));
    if (i + 1 < n) l4[13] &= uint8_t(~(kFin | kPsh));  // only the last segment ends or pushes
    if (i > 0) l4[13] &= uint8_t(~kCwr);               // only the first reports CWR (RFC 3168)
  } else {
    wr16(l4 + 4, uint16_t(len - v.l3_len));
  }
  l4_checksum(p, len, v);
}

bool complete_checksum(const VnetHdr& h, std::span<uint8_t> pkt) {
  if (!(h.flags & VnetHdr::kNeedsCsum)) return true;
  size_t start = h.csum_start, off = size_t(h.csum_start) + h.csum_offset;
  if (start > pkt.size() || off + 2 > pkt.size()) return false;
  // The field holds the pseudo-header sum already (CHECKSUM_PARTIAL).
  uint16_t c = uint16_t(~csum_fold(csum_add(ByteView(pkt).subspan(start))));
  wr16(pkt.data() + off, c == 0 ? 0xffff : c);
  return true;
}

TunCoalescer::TunCoalescer(bool udp, size_t reserve) : udp_(udp) {
  info_.resize(reserve);
  next_.resize(reserve);
  verified_.resize(reserve);
  hdrs_.resize(reserve * kHdrSlot);
  groups_.reserve(reserve);
  open_.reserve(kMaxOpenFlows);
  iov_.reserve(2 * reserve);
  writes_.reserve(reserve);
}

std::span<const iovec> TunCoalescer::iov(size_t w) const {
  return std::span<const iovec>(iov_).subspan(writes_[w].iov_first, writes_[w].iov_count);
}

bool TunCoalescer::can_join(const Group& g, uint32_t i, std::span<const ByteView> packets) {
  const Info& f = info_[g.first];
  const Info& x = info_[i];
  if (g.closed || !x.eligible || !f.eligible || g.count >= kMaxSegments) return false;
  if (x.payload > g.seg || f.l4.hdr_len() + g.bytes + x.payload > kMaxMerged) return false;
  if (f.l4.proto == kTcp && x.seq != g.next_seq) return false;
  if (!same_headers(packets[g.first], packets[i], f.l4, x.l4)) return false;
  // Never merge a segment that does not verify: the merged packet gets a
  // fresh checksum, which would launder it.
  if (!verified_[g.first]) {
    if (!l4_checksum_ok(packets[g.first], f.l4)) return false;
    verified_[g.first] = 1;
  }
  return l4_checksum_ok(packets[i], x.l4);
}

void TunCoalescer::plan(std::span<const ByteView> packets) {
  size_t n = packets.size();
  if (info_.size() < n) {
    info_.resize(n);
    next_.resize(n);
    verified_.resize(n);
    hdrs_.resize(n * kHdrSlot);
  }
  groups_.clear();
  open_.clear();
  iov_.clear();
  writes_.clear();
  for (uint32_t i = 0; i < n; ++i) {
    ByteView p = packets[i];
    Info& x = info_[i];
    x = Info{};
    next_[i] = UINT32_MAX;
    verified_[i] = 0;
    if (auto v = locate_wire(p)) {
      x.l4 = *v;
      x.payload = uint32_t(p.size() - v->hdr_len());
      if (v->proto == kTcp) {
        uint8_t fl = p[v->l3_len + 13];
        x.seq = rd32(p.data() + v->l3_len + 4);
        x.eligible = x.payload > 0 && (fl & ~kPsh) == kAck;
      } else {
        x.eligible = udp_ && x.payload > 0;
      }
    }
    // The flow's latest group, if any: a packet joins it or replaces it, so
    // a connection's packets are written in the order they came.
    size_t slot = open_.size();
    if (x.eligible)
      for (size_t k = 0; k < open_.size(); ++k)
        if (const Group& g = groups_[open_[k]]; same_flow(packets[g.first], info_[g.first].l4, p, x.l4)) {
          slot = k;
          break;
        }
    if (slot < open_.size() && can_join(groups_[open_[slot]], i, packets)) {
      Group& g = groups_[open_[slot]];
      next_[g.last] = i;
      g.last = i;
      ++g.count;
      g.bytes += x.payload;
      g.next_seq = x.seq + x.payload;
      bool push = x.l4.proto == kTcp && (p[x.l4.l3_len + 13] & kPsh);
      g.push = g.push || push;
      g.closed = x.payload < g.seg || push;
      continue;
    }
    Group g;
    g.first = g.last = i;
    g.count = 1;
    g.seg = g.bytes = x.payload;
    g.next_seq = x.seq + x.payload;
    g.closed = !x.eligible || (x.l4.proto == kTcp && (p[x.l4.l3_len + 13] & kPsh));
    groups_.push_back(g);
    if (!x.eligible) continue;
    if (slot < open_.size()) open_[slot] = uint32_t(groups_.size() - 1);
    else if (open_.size() < kMaxOpenFlows) open_.push_back(uint32_t(groups_.size() - 1));
  }
  for (uint32_t gi = 0; gi < groups_.size(); ++gi) emit(groups_[gi], gi, packets);
}

void TunCoalescer::emit(const Group& g, uint32_t gi, std::span<const ByteView> packets) {
  Write w{iov_.size(), 0, g.count};
  ByteView first = packets[g.first];
  if (g.count == 1) {
    iov_.push_back({const_cast<uint8_t*>(kPlainHdr), VnetHdr::kSize});
    iov_.push_back({const_cast<uint8_t*>(first.data()), first.size()});
  } else {
    const L4View& v = info_[g.first].l4;
    size_t hl = v.hdr_len(), total = hl + g.bytes;
    uint8_t* h = hdrs_.data() + size_t(gi) * kHdrSlot;
    uint8_t* p = h + VnetHdr::kSize;
    VnetHdr vh;
    vh.flags = VnetHdr::kNeedsCsum;
    vh.gso_type = v.proto == kUdp ? VnetHdr::kGsoUdpL4 : v.v6 ? VnetHdr::kGsoTcpV6 : VnetHdr::kGsoTcpV4;
    vh.hdr_len = uint16_t(hl);
    vh.gso_size = uint16_t(g.seg);
    vh.csum_start = uint16_t(v.l3_len);
    vh.csum_offset = v.proto == kTcp ? 16 : 6;
    vh.write(h);
    std::memcpy(p, first.data(), hl);
    if (v.v6) {
      wr16(p + 4, uint16_t(total - 40));
    } else {
      wr16(p + 2, uint16_t(total));
      ipv4_header_checksum(p, v.l3_len);
    }
    uint8_t* l4 = p + v.l3_len;
    if (v.proto == kTcp && g.push) l4[13] |= kPsh;
    if (v.proto == kUdp) wr16(l4 + 4, uint16_t(total - v.l3_len));
    // CHECKSUM_PARTIAL: the field holds the pseudo-header sum, not complemented.
    wr16(l4 + vh.csum_offset,
         csum_fold(csum_pseudo(src_addr(p, v.v6), dst_addr(p, v.v6), v.proto, uint32_t(total - v.l3_len))));
    iov_.push_back({h, VnetHdr::kSize + hl});
    for (uint32_t i = g.first; i != UINT32_MAX; i = next_[i]) {
      ByteView q = packets[i];
      iov_.push_back({const_cast<uint8_t*>(q.data() + hl), q.size() - hl});
    }
    ++merged_;
  }
  w.iov_count = iov_.size() - w.iov_first;
  writes_.push_back(w);
}

}  // namespace kg::io
