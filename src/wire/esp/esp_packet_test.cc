#include "wire/esp/esp_packet.h"

#include <gtest/gtest.h>

namespace kg::esp {
namespace {

TEST(EspHeader, ParseWriteRoundTrip) {
  uint8_t raw[8];
  EspHeader{0xc0ffee01, 0x01020304}.write(raw);
  ByteReader r(raw);
  auto h = EspHeader::parse(r);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->spi, 0xc0ffee01u);
  EXPECT_EQ(h->seq, 0x01020304u);
  EXPECT_TRUE(r.empty());
}

TEST(EspHeader, RejectsTruncatedAndSpiZero) {
  const uint8_t short_[7] = {1, 2, 3, 4, 0, 0, 1};
  ByteReader r1(short_);
  EXPECT_FALSE(EspHeader::parse(r1));
  const uint8_t zero[8] = {0, 0, 0, 0, 0, 0, 0, 1};
  ByteReader r2(zero);
  EXPECT_FALSE(EspHeader::parse(r2));
}

TEST(EspTrailer, WriteThenParseForEveryLengthAndBlock) {
  for (size_t block : {4u, 8u, 16u}) {
    for (size_t len = 0; len < 40; ++len) {
      std::vector<uint8_t> buf(padded_size(len, block), 0xee);
      EXPECT_EQ(buf.size() % block, 0u);
      write_trailer(buf, len, block, kNextHeaderIpv6);
      auto t = EspTrailer::parse(buf);
      ASSERT_TRUE(t) << len;
      EXPECT_EQ(t->inner_len, len);
      EXPECT_EQ(t->next_header, kNextHeaderIpv6);
      EXPECT_LT(t->pad_len, block);
    }
  }
}

TEST(EspTrailer, RejectsBadPaddingAndImpossiblePadLength) {
  std::vector<uint8_t> buf(padded_size(5, 16));
  write_trailer(buf, 5, 16, kNextHeaderIpv4);
  buf[6] ^= 0x40;  // second padding byte is not 2
  EXPECT_FALSE(EspTrailer::parse(buf));
  const uint8_t bad_len[4] = {0, 0, 3, 4};  // pad length 3 needs 5 bytes
  EXPECT_FALSE(EspTrailer::parse(bad_len));
  const uint8_t one[1] = {4};
  EXPECT_FALSE(EspTrailer::parse(one));
}

}  // namespace
}  // namespace kg::esp
