#include "common/bytes.h"

#include <gtest/gtest.h>

namespace kg {
namespace {

TEST(ByteReader, ReadsBigEndianAndStopsAtEnd) {
  const uint8_t d[] = {1, 2, 3, 4, 5, 6, 7};
  ByteReader r(d);
  EXPECT_EQ(*r.u8(), 1);
  EXPECT_EQ(*r.u16(), 0x0203);
  EXPECT_EQ(*r.u32(), 0x04050607u);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.u8().has_value());
}

TEST(ByteReader, FailedReadLeavesPositionUnchanged) {
  const uint8_t d[] = {1, 2, 3};
  ByteReader r(d);
  EXPECT_FALSE(r.u32().has_value());
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.u32().error().code, Errc::kTruncated);
}

TEST(ByteReader, SubReaderCannotReadNeighbour) {
  const uint8_t d[] = {1, 2, 3, 4};
  ByteReader r(d);
  auto s = r.sub(2);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->u16(), 0x0102);
  EXPECT_FALSE(s->u8().has_value());
  EXPECT_EQ(*r.u16(), 0x0304);
}

TEST(ByteReader, ExpectEndRejectsTrailingBytes) {
  const uint8_t d[] = {1, 2};
  ByteReader r(d);
  (void)r.u8();
  EXPECT_FALSE(r.expect_end("x").has_value());
  (void)r.u8();
  EXPECT_TRUE(r.expect_end("x").has_value());
}

TEST(ByteWriter, PatchesLengths) {
  ByteWriter w;
  size_t at = w.placeholder_u16();
  w.u32(0xdeadbeef);
  w.patch_u16(at, 6);
  EXPECT_EQ(to_hex(w.data()), "0006deadbeef");
}

TEST(Hex, RoundTripsAndRejectsOddLength) {
  auto b = from_hex("00ff10Ab");
  ASSERT_TRUE(b);
  EXPECT_EQ(to_hex(*b), "00ff10ab");
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace kg
