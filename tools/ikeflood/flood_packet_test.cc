#include "flood_packet.h"

#include <gtest/gtest.h>

#include "wire/ike/payloads.h"

namespace kg::tools {
namespace {

TEST(FloodPacket, ValidIpv4UdpAndIkeSaInit) {
  auto f = FloodPacketFactory::create(ike::DhGroup::kEcp256);
  ASSERT_TRUE(f);
  FakeRandom rng(5);
  Endpoint src{*IpAddress::parse("198.18.3.4"), 500}, dst{*IpAddress::parse("198.51.100.1"), 500};
  Bytes p = f->build(src, dst, rng);
  ASSERT_GT(p.size(), 28u + 28u);
  EXPECT_EQ(inet_checksum(ByteView(p).first(20)), 0);  // header checksum verifies
  EXPECT_EQ(size_t(p[2] << 8 | p[3]), p.size());
  EXPECT_EQ(IpAddress::from_bytes(ByteView(p).subspan(12, 4)), src.addr);
  // UDP checksum verifies over the pseudo-header.
  ByteView udp = ByteView(p).subspan(20);
  uint32_t pseudo = 0xc612 + 0x0304 + 0xc633 + 0x6401 + 17 + uint32_t(udp.size());
  EXPECT_EQ(inet_checksum(udp, pseudo), 0);
  auto m = ike::parse_message(udp.subspan(8));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header.exchange, ike::ExchangeType::kIkeSaInit);
  EXPECT_TRUE(m->header.is_initiator());
  auto* ke = ike::find_payload<ike::KePayload>(m->payloads, ike::PayloadType::kKe);
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->data.size(), 64u);
  // Every packet is another initiator.
  auto m2 = ike::parse_message(ByteView(f->build(src, dst, rng)).subspan(28));
  ASSERT_TRUE(m2);
  EXPECT_NE(m2->header.spi_i, m->header.spi_i);
}

}  // namespace
}  // namespace kg::tools
