#include "wire/eap/eap.h"

#include <gtest/gtest.h>

namespace kg::eap {
namespace {

TEST(EapPacket, ParsesAndWritesRequestResponseSuccess) {
  // RFC 3748 §5.4: Request, Identifier 7, MD5-Challenge with a 4-byte value.
  Bytes req{1, 7, 0, 10, 4, 4, 0xde, 0xad, 0xbe, 0xef};
  auto p = Packet::parse(req);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->code, Code::kRequest);
  EXPECT_EQ(p->identifier, 7);
  EXPECT_EQ(p->type, uint8_t(Type::kMd5Challenge));
  auto c = Md5Challenge::parse(p->data);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->value, (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_TRUE(c->name.empty());
  EXPECT_EQ(p->write(), req);
  Packet ok{Code::kSuccess, 7, 0, {}};
  EXPECT_EQ(ok.write(), (Bytes{3, 7, 0, 4}));
  EXPECT_TRUE(Packet::parse(ok.write()));
}

TEST(EapPacket, RejectsWhatDoesNotAddUp) {
  EXPECT_FALSE(Packet::parse(Bytes{1, 1, 0}));                // short header
  EXPECT_FALSE(Packet::parse(Bytes{1, 1, 0, 6, 1}));          // Length says more
  EXPECT_FALSE(Packet::parse(Bytes{1, 1, 0, 4}));             // Request without Type
  EXPECT_FALSE(Packet::parse(Bytes{3, 1, 0, 5, 0}));          // Success with data
  EXPECT_FALSE(Packet::parse(Bytes{9, 1, 0, 4}));             // unknown Code
  EXPECT_FALSE(Md5Challenge::parse(Bytes{16, 1, 2}));         // Value-Size past the end
  EXPECT_FALSE(Md5Challenge::parse(Bytes{0}));                // empty Value
}

}  // namespace
}  // namespace kg::eap
