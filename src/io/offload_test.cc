// Checksums against a plain RFC 1071 reference, and the TUN offloads:
// cutting TSO/USO packets, completing partial checksums, merging segments.
// Packets are built here byte by byte; every checksum is checked with the
// reference, never with the code under test.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <tuple>

#include "io/checksum.h"
#include "io/offload.h"
#include "io/tso_scatter.h"

namespace kg::io {
namespace {

// RFC 1071 done the obvious way: big-endian 16-bit words, end-around carry.
uint16_t ref_sum(ByteView d, uint32_t sum = 0) {
  for (size_t i = 0; i < d.size(); i += 2) sum += uint32_t(d[i] << 8 | (i + 1 < d.size() ? d[i + 1] : 0));
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(sum);
}

uint16_t rd16(const Bytes& p, size_t o) { return uint16_t(p[o] << 8 | p[o + 1]); }
uint32_t rd32(const Bytes& p, size_t o) { return uint32_t(rd16(p, o)) << 16 | rd16(p, o + 2); }

// Transport checksum of a whole packet verifies (pseudo-header included).
bool l4_ok(const Bytes& p) {
  bool v6 = (p[0] >> 4) == 6;
  size_t l3 = v6 ? 40 : size_t(p[0] & 15) * 4;
  uint8_t proto = v6 ? p[6] : p[9];
  Bytes ph;
  if (v6) ph.insert(ph.end(), p.begin() + 8, p.begin() + 40);
  else ph.insert(ph.end(), p.begin() + 12, p.begin() + 20);
  size_t l4 = p.size() - l3;
  ph.insert(ph.end(), {uint8_t(l4 >> 24), uint8_t(l4 >> 16), uint8_t(l4 >> 8), uint8_t(l4), 0, 0, 0, proto});
  uint32_t s = ref_sum(ph);
  return ref_sum(ByteView(p).subspan(l3), s) == 0xffff;
}
bool ip_ok(const Bytes& p) { return (p[0] >> 4) == 6 || ref_sum(ByteView(p).first(20)) == 0xffff; }

void put16(Bytes& p, size_t o, uint16_t v) {
  p[o] = uint8_t(v >> 8);
  p[o + 1] = uint8_t(v);
}
void put32(Bytes& p, size_t o, uint32_t v) {
  put16(p, o, uint16_t(v >> 16));
  put16(p, o + 2, uint16_t(v));
}

// Sets the transport checksum with the reference implementation.
void fix_l4(Bytes& p) {
  bool v6 = (p[0] >> 4) == 6;
  size_t l3 = v6 ? 40 : 20, off = l3 + ((v6 ? p[6] : p[9]) == 6 ? 16 : 6);
  put16(p, off, 0);
  Bytes ph;
  if (v6) ph.insert(ph.end(), p.begin() + 8, p.begin() + 40);
  else ph.insert(ph.end(), p.begin() + 12, p.begin() + 20);
  size_t l4 = p.size() - l3;
  ph.insert(ph.end(), {uint8_t(l4 >> 24), uint8_t(l4 >> 16), uint8_t(l4 >> 8), uint8_t(l4), 0, 0, 0,
                       (v6 ? p[6] : p[9])});
  put16(p, off, uint16_t(~ref_sum(ByteView(p).subspan(l3), ref_sum(ph))));
}

// IPv4 (198.18.0.1 -> 198.18.1.2) or IPv6 (2001:db8::1 -> 2001:db8:1::2)
// carrying TCP 40000 -> 5201 (with a 12-byte timestamp option) or UDP.
Bytes packet(bool v6, uint8_t proto, size_t payload, uint32_t seq = 1000, uint8_t flags = 0x10,
             uint8_t fill = 0) {
  size_t l3 = v6 ? 40 : 20, l4h = proto == 6 ? 32 : 8, len = l3 + l4h + payload;
  Bytes p(len, 0);
  if (v6) {
    p[0] = 0x60;
    put16(p, 4, uint16_t(len - 40));
    p[6] = proto;
    p[7] = 64;
    p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[29] = 1, p[39] = 2;
  } else {
    p[0] = 0x45;
    put16(p, 2, uint16_t(len));
    put16(p, 4, 0x1234);
    p[6] = 0x40;  // DF
    p[8] = 64;
    p[9] = proto;
    p[12] = 198, p[13] = 18, p[15] = 1;
    p[16] = 198, p[17] = 18, p[18] = 1, p[19] = 2;
    put16(p, 10, uint16_t(~ref_sum(ByteView(p).first(20))));
  }
  put16(p, l3, 40000);
  put16(p, l3 + 2, 5201);
  if (proto == 6) {
    put32(p, l3 + 4, seq);
    put32(p, l3 + 8, 777);
    p[l3 + 12] = 8 << 4;
    p[l3 + 13] = flags;
    put16(p, l3 + 14, 512);
    p[l3 + 20] = 1, p[l3 + 21] = 1, p[l3 + 22] = 8, p[l3 + 23] = 10;  // NOP NOP TS
    put32(p, l3 + 24, 0xabcdef01);
  } else {
    put16(p, l3 + 4, uint16_t(len - l3));
  }
  for (size_t i = 0; i < payload; ++i) p[l3 + l4h + i] = uint8_t(fill + i * 7 + i / 251);
  fix_l4(p);
  return p;
}

// The same packet with another IPv4 ID (as consecutive packets have).
Bytes with_id(Bytes p, uint16_t id) {
  put16(p, 4, id);
  put16(p, 10, 0);
  put16(p, 10, uint16_t(~ref_sum(ByteView(p).first(20))));
  return p;
}

TEST(Checksum, MatchesRfc1071ReferenceOnRandomData) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    Bytes d(rng() % 3000);
    for (auto& b : d) b = uint8_t(rng());
    EXPECT_EQ(csum_fold(csum_add(d)), ref_sum(d)) << d.size();
    // Split at an even offset: partial sums add up.
    size_t cut = (rng() % (d.size() + 1)) & ~size_t(1);
    EXPECT_EQ(csum_fold(csum_add(ByteView(d).subspan(cut), csum_add(ByteView(d).first(cut)))), ref_sum(d));
  }
  // RFC 1071 §3's example: the sum of 0001 f203 f4f5 f6f7 is ddf2.
  const uint8_t ex[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(csum_fold(csum_add(ex)), 0xddf2);
}

TEST(Checksum, PseudoHeaderMakesBuiltPacketsVerify) {
  for (bool v6 : {false, true})
    for (uint8_t proto : {6, 17}) {
      Bytes p = packet(v6, proto, 333);
      size_t l3 = v6 ? 40 : 20;
      ByteView src = v6 ? ByteView(p).subspan(8, 16) : ByteView(p).subspan(12, 4);
      ByteView dst = v6 ? ByteView(p).subspan(24, 16) : ByteView(p).subspan(16, 4);
      uint64_t s = csum_pseudo(src, dst, proto, uint32_t(p.size() - l3));
      EXPECT_EQ(csum_fold(csum_add(ByteView(p).subspan(l3), s)), 0xffff);
    }
}

// The TCP payload bytes of a packet (20/40-byte IP + 32-byte TCP here).
Bytes payload_of(const Bytes& p) {
  size_t l3 = (p[0] >> 4) == 6 ? 40 : 20;
  size_t l4h = ((p[0] >> 4) == 6 ? p[6] : p[9]) == 6 ? size_t(p[l3 + 12] >> 4) * 4 : 8;
  return Bytes(p.begin() + long(l3 + l4h), p.end());
}

VnetHdr tso_hdr(bool v6, uint8_t proto, uint16_t mss) {
  VnetHdr h;
  h.flags = VnetHdr::kNeedsCsum;
  h.gso_type = proto == 17 ? VnetHdr::kGsoUdpL4 : v6 ? VnetHdr::kGsoTcpV6 : VnetHdr::kGsoTcpV4;
  h.gso_size = mss;
  h.csum_start = v6 ? 40 : 20;
  h.csum_offset = proto == 6 ? 16 : 6;
  h.hdr_len = uint16_t(h.csum_start + (proto == 6 ? 32 : 8));
  return h;
}

std::vector<Bytes> split(const VnetHdr& h, const Bytes& big) {
  std::vector<Bytes> out;
  auto n = gso_count(h, big);
  if (!n) return out;
  for (size_t i = 0; i < *n; ++i) {
    Bytes seg(2000);
    size_t l = gso_segment(h, big, i, seg);
    seg.resize(l);
    out.push_back(seg);
  }
  return out;
}

TEST(GsoSegment, TcpV4SuperPacketBecomesWirePackets) {
  // PSH|ACK and CWR on the large packet; 5000 bytes at MSS 1448.
  Bytes big = packet(false, 6, 5000, 4000000000u, 0x18 | 0x80);
  auto segs = split(tso_hdr(false, 6, 1448), big);
  ASSERT_EQ(segs.size(), 4u);
  Bytes joined;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Bytes& s = segs[i];
    size_t want = i < 3 ? 1448 : 5000 - 3 * 1448;
    ASSERT_EQ(s.size(), 52 + want);
    EXPECT_EQ(rd16(s, 2), s.size());                                  // IPv4 total length
    EXPECT_EQ(rd16(s, 4), 0x1234 + i);                                // IP ID per segment
    EXPECT_TRUE(ip_ok(s));
    EXPECT_TRUE(l4_ok(s)) << i;
    EXPECT_EQ(rd32(s, 24), uint32_t(4000000000u + i * 1448));         // sequence (wraps)
    EXPECT_EQ(rd32(s, 28), 777u);                                      // ACK
    EXPECT_EQ(s[33] & 0x08, i == 3 ? 0x08 : 0) << "PSH only on the last";
    EXPECT_EQ(s[33] & 0x80, i == 0 ? 0x80 : 0) << "CWR only on the first";
    EXPECT_EQ(rd32(s, 44), 0xabcdef01u);                               // timestamp option kept
    auto pl = payload_of(s);
    joined.insert(joined.end(), pl.begin(), pl.end());
  }
  EXPECT_EQ(joined, payload_of(big));
}

TEST(GsoSegment, TcpV6AndUdpSuperPackets) {
  Bytes big6 = packet(true, 6, 3000);
  auto s6 = split(tso_hdr(true, 6, 1000), big6);
  ASSERT_EQ(s6.size(), 3u);
  for (auto& s : s6) {
    EXPECT_EQ(rd16(s, 4), s.size() - 40);  // IPv6 payload length
    EXPECT_TRUE(l4_ok(s));
  }
  for (bool v6 : {false, true}) {
    Bytes bigu = packet(v6, 17, 2500);
    auto su = split(tso_hdr(v6, 17, 1200), bigu);
    ASSERT_EQ(su.size(), 3u);
    Bytes joined;
    for (auto& s : su) {
      size_t l3 = v6 ? 40 : 20;
      EXPECT_EQ(rd16(s, l3 + 4), s.size() - l3);  // UDP length
      EXPECT_TRUE(l4_ok(s));
      EXPECT_TRUE(ip_ok(s));
      auto pl = payload_of(s);
      joined.insert(joined.end(), pl.begin(), pl.end());
    }
    EXPECT_EQ(joined, payload_of(bigu));
  }
}

TEST(GsoSegment, InconsistentHeadersAreRejected) {
  Bytes big = packet(false, 6, 3000);
  VnetHdr h = tso_hdr(false, 6, 1000);
  h.gso_size = 0;
  EXPECT_FALSE(gso_count(h, big));
  h = tso_hdr(false, 6, 1000);
  h.csum_start = 24;  // not where the IPv4 header ends
  EXPECT_FALSE(gso_count(h, big));
  h = tso_hdr(true, 6, 1000);  // IPv6 GSO type for an IPv4 packet
  EXPECT_FALSE(gso_count(h, big));
  h = tso_hdr(false, 6, 1000);
  EXPECT_FALSE(gso_count(h, ByteView(big).first(30)));  // TCP header cut off
  h.gso_type = 3;  // UFO: never enabled
  EXPECT_FALSE(gso_count(h, big));
  Bytes small(10);
  EXPECT_EQ(gso_segment(tso_hdr(false, 6, 1000), big, 0, small), 0u) << "output buffer too small";
}

// Found by coverage-guided fuzzing (fuzz/tun_offload_corpus/gso_none_size0_v6tcp):
// the kernel's header for a single packet (type none, gso_size 0, NEEDS_CSUM
// at csum_start 40) before an IPv6/TCP packet made gso_segment divide by
// zero. A single packet has no segments to cut; the TUN reader copies it
// whole (gso_count 1) and never asks for one.
TEST(GsoSegment, SinglePacketHeaderHasNoSegmentsToCut) {
  Bytes pkt = packet(true, 6, 20);
  VnetHdr h;
  h.flags = VnetHdr::kNeedsCsum;
  h.csum_start = 40;
  h.csum_offset = 16;
  EXPECT_EQ(gso_count(h, pkt), 1u);
  Bytes out(2000);
  EXPECT_EQ(gso_segment(h, pkt, 0, out), 0u);
  EXPECT_FALSE(gso_headers(h, pkt));
  h.gso_size = 1000;  // a size with type none is still not GSO
  EXPECT_EQ(gso_segment(h, pkt, 0, out), 0u);
}

TEST(CompleteChecksum, FinishesPartialChecksumAndChecksBounds) {
  for (bool v6 : {false, true}) {
    Bytes p = packet(v6, 17, 100);
    size_t l3 = v6 ? 40 : 20;
    // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum.
    ByteView src = v6 ? ByteView(p).subspan(8, 16) : ByteView(p).subspan(12, 4);
    ByteView dst = v6 ? ByteView(p).subspan(24, 16) : ByteView(p).subspan(16, 4);
    put16(p, l3 + 6, csum_fold(csum_pseudo(src, dst, 17, uint32_t(p.size() - l3))));
    VnetHdr h;
    h.flags = VnetHdr::kNeedsCsum;
    h.csum_start = uint16_t(l3);
    h.csum_offset = 6;
    ASSERT_TRUE(complete_checksum(h, p));
    EXPECT_TRUE(l4_ok(p));
    h.csum_offset = uint16_t(p.size());
    EXPECT_FALSE(complete_checksum(h, p));
  }
}

struct Planned {
  std::vector<VnetHdr> hdr;
  std::vector<Bytes> pkt;  // header bytes + payloads, as the kernel sees each write
  std::vector<size_t> count;
};
Planned run(TunCoalescer& c, const std::vector<Bytes>& in) {
  std::vector<ByteView> views(in.begin(), in.end());
  c.plan(views);
  Planned out;
  for (size_t w = 0; w < c.writes(); ++w) {
    Bytes all;
    for (auto& v : c.iov(w)) {
      auto* b = static_cast<const uint8_t*>(v.iov_base);
      all.insert(all.end(), b, b + v.iov_len);
    }
    out.hdr.push_back(VnetHdr::parse(all.data()));
    out.pkt.emplace_back(all.begin() + VnetHdr::kSize, all.end());
    out.count.push_back(c.packets(w));
  }
  return out;
}

TEST(TunCoalescer, MergesOneConnectionAndReproducesTheSegments) {
  for (bool v6 : {false, true}) {
    Bytes big = packet(v6, 6, 6000, 5000, 0x18);
    VnetHdr th = tso_hdr(v6, 6, 1400);
    auto segs = split(th, big);
    ASSERT_EQ(segs.size(), 5u);
    TunCoalescer c(false);
    auto out = run(c, segs);
    ASSERT_EQ(out.pkt.size(), 1u);
    EXPECT_EQ(out.count[0], 5u);
    const VnetHdr& h = out.hdr[0];
    EXPECT_EQ(h.gso_type, v6 ? VnetHdr::kGsoTcpV6 : VnetHdr::kGsoTcpV4);
    EXPECT_EQ(h.gso_size, 1400);
    EXPECT_EQ(h.flags, VnetHdr::kNeedsCsum);
    EXPECT_TRUE(ip_ok(out.pkt[0]));
    EXPECT_EQ(payload_of(out.pkt[0]), payload_of(big));
    EXPECT_NE(out.pkt[0][(v6 ? 40 : 20) + 13] & 0x08, 0) << "PSH of the last segment kept";
    // What the kernel would do with it (GSO on the way out) gives back the
    // very same wire packets.
    EXPECT_EQ(split(h, out.pkt[0]), segs);
  }
}

TEST(TunCoalescer, KeepsFlowsApartAndOrderWithinEach) {
  auto a1 = packet(false, 6, 1000, 100), a2 = packet(false, 6, 1000, 1100), a3 = packet(false, 6, 1000, 2100);
  auto b1 = packet(true, 6, 1000, 100), b2 = packet(true, 6, 1000, 1100);
  auto gap = packet(false, 6, 1000, 9100);           // not contiguous: new group
  auto after = packet(false, 6, 1000, 10100);         // joins `gap`, never a1's group
  auto syn = packet(false, 6, 0, 5, 0x02);            // not mergeable
  auto icmp = packet(false, 6, 10);
  icmp[9] = 1;  // not TCP/UDP: written as it is
  icmp = with_id(icmp, 1);
  TunCoalescer c(false);
  auto out = run(c, {a1, b1, a2, syn, b2, a3, gap, icmp, after});
  ASSERT_EQ(out.pkt.size(), 5u);
  EXPECT_EQ(out.count, (std::vector<size_t>{3, 2, 1, 2, 1}));
  EXPECT_EQ(out.pkt[2], syn);
  EXPECT_EQ(out.pkt[4], icmp);
  EXPECT_EQ(out.hdr[2].gso_type, VnetHdr::kGsoNone);
  EXPECT_EQ(out.hdr[2].flags, 0);
  EXPECT_EQ(rd32(out.pkt[3], 24), 9100u);
}

TEST(TunCoalescer, NeverMergesWhatLinuxGroWouldNot) {
  auto base = packet(false, 6, 1000, 100);
  auto bad = packet(false, 6, 1000, 1100);
  bad[60] ^= 0xff;  // payload corrupted: checksum no longer verifies
  auto other_ack = packet(false, 6, 1000, 2100);
  put32(other_ack, 28, 778);
  fix_l4(other_ack);
  auto longer = packet(false, 6, 1200, 3100);
  TunCoalescer c(false);
  auto out = run(c, {base, bad, other_ack, longer});
  EXPECT_EQ(out.count, (std::vector<size_t>{1, 1, 1, 1}));
  EXPECT_EQ(out.pkt[1], bad) << "written unchanged, for the kernel to drop";
  // A shorter segment ends a group; PSH ends it too.
  auto s1 = packet(false, 6, 1000, 100), s2 = packet(false, 6, 500, 1100), s3 = packet(false, 6, 500, 1600);
  auto out2 = run(c, {s1, s2, s3});
  EXPECT_EQ(out2.count, (std::vector<size_t>{2, 1}));
  auto p1 = packet(false, 6, 1000, 100, 0x18), p2 = packet(false, 6, 1000, 1100);
  EXPECT_EQ(run(c, {p1, p2}).count, (std::vector<size_t>{1, 1}));
}

TEST(TunCoalescer, UdpDatagramsMergeOnlyWhenEnabled) {
  auto u1 = packet(false, 17, 64, 0, 0, 1), u2 = with_id(packet(false, 17, 64, 0, 0, 2), 0x1235),
       u3 = with_id(packet(false, 17, 30, 0, 0, 3), 0x1236);
  TunCoalescer off(false), on(true);
  EXPECT_EQ(run(off, {u1, u2, u3}).count, (std::vector<size_t>{1, 1, 1}));
  auto out = run(on, {u1, u2, u3});
  ASSERT_EQ(out.count, (std::vector<size_t>{3}));
  EXPECT_EQ(out.hdr[0].gso_type, VnetHdr::kGsoUdpL4);
  EXPECT_EQ(out.hdr[0].gso_size, 64);
  EXPECT_EQ(split(out.hdr[0], out.pkt[0]), (std::vector<Bytes>{u1, u2, u3}));
}


// --- Predictive scatter read (tso_scatter.h) --------------------------------
// What readv(2) does with the layout: the bytes in order across the iovecs.
size_t fake_readv(std::span<const iovec> iov, const VnetHdr& h, const Bytes& pkt) {
  Bytes all(VnetHdr::kSize);
  h.write(all.data());
  all.insert(all.end(), pkt.begin(), pkt.end());
  size_t off = 0;
  for (auto& v : iov) {
    size_t k = std::min(v.iov_len, all.size() - off);
    std::memcpy(v.iov_base, all.data() + off, k);
    off += k;
  }
  return off;
}

struct Scatter {
  explicit Scatter(GsoShape s)
      : shape(s), bufs(s.buffers(), Bytes(std::max<size_t>(2048, s.hdr_len + s.gso_size))), views(bufs.size()),
        lens(bufs.size()) {
    for (size_t i = 0; i < bufs.size(); ++i) views[i] = bufs[i];
  }
  // Reads (h, pkt) through the layout; the packets it is cut into in place,
  // or nullopt when it had to be gathered (then `gathered` is the stage's packet).
  std::optional<std::vector<Bytes>> read(const VnetHdr& h, const Bytes& pkt) {
    std::vector<iovec> iov(views.size() + 2);
    size_t k = scatter_layout(shape, views, stage, iov);
    EXPECT_GT(k, 0u);
    size_t r = fake_readv(std::span(iov).first(k), h, pkt);
    EXPECT_EQ(r, VnetHdr::kSize + pkt.size());
    auto cut = scatter_cut(shape, h, r - VnetHdr::kSize, views, lens);
    if (!cut) {
      scatter_gather(shape, r - VnetHdr::kSize, views, stage);
      gathered.assign(stage.begin() + VnetHdr::kSize, stage.begin() + long(r));
      return std::nullopt;
    }
    std::vector<Bytes> out;
    for (size_t i = 0; i < *cut; ++i) out.emplace_back(bufs[i].begin(), bufs[i].begin() + long(lens[i]));
    return out;
  }
  GsoShape shape;
  std::vector<Bytes> bufs;
  std::vector<std::span<uint8_t>> views;
  std::vector<size_t> lens;
  Bytes stage = Bytes(VnetHdr::kSize + 65536 + 16384);
  Bytes gathered;
};

// A packet of the expected shape is cut in place into exactly the packets
// gso_segment makes (IPv4 and IPv6 TCP, UDP, up to 64 KiB).
TEST(TsoScatter, PacketOfTheShapeIsCutInPlaceAsGsoSegmentCutsIt) {
  struct Case {
    bool v6;
    uint8_t proto;
    uint16_t mss;
    size_t payload;
  } cases[] = {{false, 6, 1348, 46 * 1348}, {false, 6, 1348, 5000}, {false, 6, 1348, 65536 - 52},
               {true, 6, 1000, 3000}, {false, 17, 1200, 2500}, {true, 17, 1200, 1200}};
  for (auto& c : cases) {
    VnetHdr h = tso_hdr(c.v6, c.proto, c.mss);
    Bytes big = packet(c.v6, c.proto, c.payload, 4000000000u, 0x18 | 0x80);
    GsoShape shape = shape_of(h, big);
    ASSERT_EQ(shape, (GsoShape{h.hdr_len, c.mss}));
    Scatter sc(shape);
    auto segs = sc.read(h, big);
    ASSERT_TRUE(segs) << c.payload;
    EXPECT_EQ(*segs, split(h, big)) << c.payload;
  }
}

// Single packets stay whole in the first buffer (checksum completed), unless
// longer than it; other shapes and longer packets are gathered back intact.
TEST(TsoScatter, OtherPacketsAreCompletedOrGatheredIntact) {
  Scatter sc(GsoShape{52, 1348});
  // An ACK with a partial checksum (the pseudo-header sum only).
  Bytes ack = packet(false, 6, 0);
  Bytes partial = ack;
  uint32_t ph = ref_sum(Bytes{198, 18, 0, 1, 198, 18, 1, 2, 0, 6, 0, 32});
  put16(partial, 36, uint16_t(ph));
  VnetHdr one;
  one.flags = VnetHdr::kNeedsCsum;
  one.csum_start = 20;
  one.csum_offset = 16;
  auto got = sc.read(one, partial);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, std::vector<Bytes>{ack});
  // A bad checksum offset: dropped (0 packets), not gathered.
  VnetHdr bad = one;
  bad.csum_offset = 60;
  got = sc.read(bad, partial);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->empty());
  // A single packet longer than the first buffer's part spills: gathered.
  Bytes jumbo = packet(false, 17, 3000);
  EXPECT_FALSE(sc.read(VnetHdr{}, jumbo));
  EXPECT_EQ(sc.gathered, jumbo);
  // Another MSS, another header length (IPv6), UDP: gathered intact.
  for (auto [v6, proto, mss] : {std::tuple{false, uint8_t(6), uint16_t(1000)},
                                std::tuple{true, uint8_t(6), uint16_t(1348)},
                                std::tuple{false, uint8_t(17), uint16_t(1348)}}) {
    Bytes big = packet(v6, proto, 20000);
    EXPECT_FALSE(sc.read(tso_hdr(v6, proto, mss), big));
    EXPECT_EQ(sc.gathered, big);
  }
  // Past the buffers' capacity (52 + 4 * 20000: cannot come from a 64 KiB
  // TUN, but must not be lost): the rest lands in the stage, and the
  // gathered packet is whole.
  Scatter small(GsoShape{52, 20000});
  Bytes over = packet(false, 6, 81000 - 52);
  EXPECT_FALSE(small.read(tso_hdr(false, 6, 20000), over));
  EXPECT_EQ(small.gathered, over);
}

TEST(TsoScatter, LayoutNeedsEveryBufferLargeEnough) {
  GsoShape shape{52, 1348};
  EXPECT_EQ(shape.buffers(), 49u);  // 52 + 49 * 1348 >= 65536
  EXPECT_EQ(GsoShape{}.buffers(), SIZE_MAX);
  EXPECT_EQ((GsoShape{40, 100}).buffers(), SIZE_MAX) << "too many buffers for a tiny MSS";
  std::vector<Bytes> bufs(49, Bytes(2048));
  std::vector<std::span<uint8_t>> views(bufs.begin(), bufs.end());
  Bytes stage(VnetHdr::kSize + 65536 + 16384);
  std::vector<iovec> iov(51);
  EXPECT_EQ(scatter_layout(shape, views, stage, iov), 51u);
  views[7] = std::span(bufs[7]).first(1000);
  EXPECT_EQ(scatter_layout(shape, views, stage, iov), 0u);
  views.pop_back();
  EXPECT_EQ(scatter_layout(shape, views, stage, iov), 0u) << "fewer buffers than the shape takes";
}

}  // namespace
}  // namespace kg::io
