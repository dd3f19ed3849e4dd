// GRE delivery packets (gre_packet.h): what we build decodes back, is what
// RFC 2784 says byte for byte, and every bad header is refused with its reason.
#include "wire/gre/gre_packet.h"

#include <gtest/gtest.h>

#include <vector>

#include "io/checksum.h"

namespace kg::esp {
namespace {

GreTunnel v4(bool outer = true) {
  return {*IpAddress::parse("198.51.100.1"), *IpAddress::parse("198.51.100.2"), outer};
}
GreTunnel v6() { return {*IpAddress::parse("2001:db8:100::1"), *IpAddress::parse("2001:db8:100::2"), true}; }
// The far side's view: source and destination swapped.
GreTunnel peer(GreTunnel t) { return {t.destination, t.source, t.outer_ip}; }

std::vector<uint8_t> inner4() {
  std::vector<uint8_t> p(28, 0);
  p[0] = 0x45;
  p[3] = 28;
  return p;
}
std::vector<uint8_t> inner6() {
  std::vector<uint8_t> p(48, 0);
  p[0] = 0x60;
  return p;
}

std::vector<uint8_t> encap(const GreTunnel& t, const std::vector<uint8_t>& inner) {
  std::vector<uint8_t> b(t.overhead() + inner.size());
  std::copy(inner.begin(), inner.end(), b.begin() + long(t.overhead()));
  size_t n = gre_encap(b, inner.size(), t, 7);
  EXPECT_EQ(n, b.size());
  return b;
}

TEST(Gre, Ipv4DeliveryHeaderIsRfc2784) {
  auto t = v4();
  auto b = encap(t, inner4());
  ASSERT_EQ(b.size(), 20u + 4 + 28);
  EXPECT_EQ(b[0], 0x45);
  EXPECT_EQ(b[9], kIpProtoGre);
  EXPECT_EQ(b[2] << 8 | b[3], 52);
  EXPECT_EQ(io::csum_fold(io::csum_add(ByteView(b).first(20))), 0xffff);  // header checksum
  EXPECT_EQ(b[12], 198);
  EXPECT_EQ(b[19], 2);
  // GRE: no flags, version 0, protocol type 0x0800.
  EXPECT_EQ(b[20], 0);
  EXPECT_EQ(b[21], 0);
  EXPECT_EQ(b[22], 0x08);
  EXPECT_EQ(b[23], 0x00);
  auto in = gre_decap(b, peer(t));
  ASSERT_TRUE(in);
  EXPECT_EQ(in->size(), 28u);
  EXPECT_EQ((*in)[0], 0x45);
}

TEST(Gre, Ipv6OuterAndInnerAndTransportMode) {
  auto t = v6();
  auto b = encap(t, inner6());
  EXPECT_EQ(b[0] >> 4, 6);
  EXPECT_EQ(b[6], kIpProtoGre);
  EXPECT_EQ(b[42] << 8 | b[43], kGreProtoIpv6);
  ASSERT_TRUE(gre_decap(b, peer(t)));
  // IPv4 inside IPv6 works too (protocol type from the inner packet).
  ASSERT_TRUE(gre_decap(encap(t, inner4()), peer(t)));
  // Transport mode: GRE alone.
  auto tr = v4(false);
  auto g = encap(tr, inner4());
  EXPECT_EQ(g.size(), 4u + 28);
  ASSERT_TRUE(gre_decap(g, peer(tr)));
}

TEST(Gre, BadPacketsAreRefusedWithTheirReason) {
  auto t = v4();
  auto good = encap(t, inner4());
  // Edits to the IPv4 header get a valid header checksum unless fix is false.
  auto bad = [&](auto edit, GreDrop want, bool fix = true) {
    auto b = good;
    edit(b);
    if (fix && b.size() >= 20) {
      b[10] = b[11] = 0;
      uint16_t c = uint16_t(~io::csum_fold(io::csum_add(ByteView(b).first(20))));
      b[10] = uint8_t(c >> 8);
      b[11] = uint8_t(c);
    }
    auto r = gre_decap(b, peer(t));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), want);
  };
  bad([](auto& b) { b.resize(10); }, GreDrop::kMalformed);
  bad([](auto& b) { b[3] = 200; }, GreDrop::kMalformed);                 // total length past the end
  bad([](auto& b) { b[8] = 1; }, GreDrop::kMalformed, false);            // header checksum
  bad([](auto& b) { b[0] = 0x65; }, GreDrop::kMalformed);                // version 6 on an IPv4 tunnel
  bad([](auto& b) { b[12] = 203; }, GreDrop::kNotOurTunnel); // someone else's source
  bad([](auto& b) { b[21] = 1; }, GreDrop::kUnsupported);                // GRE version 1 (PPTP)
  bad([](auto& b) { b[20] = 0x20; }, GreDrop::kUnsupported);             // key present (RFC 2890)
  bad([](auto& b) { b[22] = 0x88; b[23] = 0x47; }, GreDrop::kNotIp);     // MPLS
  bad([](auto& b) { b[22] = 0x86; b[23] = 0xdd; }, GreDrop::kNotIp);     // says IPv6, carries IPv4
  bad([](auto& b) { b.resize(24); b[3] = 24; }, GreDrop::kMalformed);   // nothing inside
  bad([](auto& b) { b[6] = 0x20; }, GreDrop::kUnsupported);              // more fragments
  // A GRE checksum is checked when present.
  std::vector<uint8_t> g = {0x80, 0, 0x08, 0x00, 0, 0, 0, 0};
  auto in = inner4();
  g.insert(g.end(), in.begin(), in.end());
  uint16_t c = uint16_t(~io::csum_fold(io::csum_add(g)));
  g[4] = uint8_t(c >> 8);
  g[5] = uint8_t(c);
  auto tr = v4(false);
  EXPECT_TRUE(gre_decap(g, peer(tr)));
  g[30] ^= 1;
  auto r = gre_decap(g, peer(tr));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), GreDrop::kMalformed);
}

TEST(Gre, EncapRefusesEmptyAndShortBuffers) {
  auto t = v4();
  std::vector<uint8_t> b(30);
  EXPECT_EQ(gre_encap(b, 0, t, 1), 0u);
  EXPECT_EQ(gre_encap(b, 20, t, 1), 0u);  // 24 + 20 > 30
}

}  // namespace
}  // namespace kg::esp
