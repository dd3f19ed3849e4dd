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

TEST(EapMsChapV2, ChallengeSuccessAndShortResponses) {
  // Challenge, MS-CHAPv2-ID 9, MS-Length 4+1+16+2, a 16-octet challenge, Name "hb".
  Bytes c{1, 9, 0, 23, 16};
  for (int i = 0; i < 16; ++i) c.push_back(uint8_t(i));
  c.push_back('h');
  c.push_back('b');
  auto m = MsChapV2::parse(c);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->op, MsChapV2Op::kChallenge);
  EXPECT_EQ(m->id, 9);
  EXPECT_EQ(m->value.size(), 16u);
  EXPECT_EQ(m->name, (Bytes{'h', 'b'}));
  EXPECT_EQ(m->write(), c);
  Bytes s{3, 9, 0, 6, 'S', '='};
  auto ok = MsChapV2::parse(s);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->message, (Bytes{'S', '='}));
  EXPECT_EQ(ok->write(), s);
  MsChapV2 ack{MsChapV2Op::kSuccess, 0, true, {}, {}, {}};
  EXPECT_EQ(ack.write(), Bytes{3});
  EXPECT_TRUE(MsChapV2::parse(Bytes{4})->short_form);
}

TEST(EapMsChapV2, RejectsWhatDoesNotAddUp) {
  EXPECT_FALSE(MsChapV2::parse(Bytes{}));                  // no OpCode
  EXPECT_FALSE(MsChapV2::parse(Bytes{1}));                 // Challenge without header
  EXPECT_FALSE(MsChapV2::parse(Bytes{1, 1, 0}));           // short header
  EXPECT_FALSE(MsChapV2::parse(Bytes{1, 1, 0, 9, 4, 0}));  // MS-Length says more
  EXPECT_FALSE(MsChapV2::parse(Bytes{1, 1, 0, 6, 16, 0})); // Value-Size past the end
  EXPECT_FALSE(MsChapV2::parse(Bytes{7, 1, 0, 4}));        // Change-Password: not done
  EXPECT_FALSE(MsChapV2::parse(Bytes{9, 1, 0, 4}));        // unknown OpCode
}

}  // namespace
}  // namespace kg::eap
