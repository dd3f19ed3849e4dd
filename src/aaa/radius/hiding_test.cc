#include "aaa/radius/hiding.h"

#include <gtest/gtest.h>

#include "crypto/vector_file.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {
namespace {

using crypto::testing::load_vectors;
using kg::radius::AttrType;
using kg::radius::Packet;

TEST(RadiusHiding, UserPasswordOfRfc2865Example) {
  auto v = load_vectors("radius.txt")[0];
  Secret secret(v.str("secret"));
  auto req = Packet::parse(v.hex("request")).value();
  const auto* hidden = req.find(AttrType::kUserPassword);
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hide_user_password(as_bytes(v.str("password")), secret, req.authenticator).value(), hidden->value);
  auto clear = reveal_user_password(hidden->value, secret, req.authenticator).value();
  EXPECT_TRUE(clear.equals(as_bytes("arctangent")));
  // Longer than one block: the chain continues from the ciphertext.
  std::string longer(40, 'x');
  Bytes h = hide_user_password(as_bytes(longer), secret, req.authenticator).value();
  EXPECT_EQ(h.size(), 48u);
  EXPECT_TRUE(reveal_user_password(h, secret, req.authenticator).value().equals(as_bytes(longer)));
  EXPECT_FALSE(hide_user_password(Bytes(129, 'a'), secret, req.authenticator));
  EXPECT_FALSE(reveal_user_password(Bytes(15, 0), secret, req.authenticator));
}

TEST(RadiusHiding, FreeRadiusMppeKeysGiveTheMskEapolTestDerived) {
  for (const auto& v : load_vectors("radius.txt")) {
    if (!v.fields.contains("msk")) continue;
    Secret secret(v.str("secret"));
    auto req = Packet::parse(v.hex("request")).value();
    auto accept = Packet::parse(v.hex("reply")).value();
    auto msk = msk_from_accept(accept, secret, req.authenticator);
    ASSERT_TRUE(msk) << msk.error().message;
    EXPECT_TRUE(msk->equals(v.hex("msk")));
    EXPECT_FALSE(msk_from_accept(accept, Secret("testing124"), req.authenticator).value_or(Secret()).equals(v.hex("msk")));
    return;
  }
  FAIL() << "no vector with an msk";
}

TEST(RadiusHiding, MppeKeysGiveTheMsk) {
  Secret secret("testing123");
  Authenticator request{};
  for (size_t i = 0; i < 16; ++i) request[i] = uint8_t(i * 7);
  Bytes recv(32, 0x11), send(32, 0x22);
  Bytes rv = encode_mppe_key(recv, 0x1234, secret, request).value();
  Bytes sv = encode_mppe_key(send, 0x0001, secret, request).value();
  EXPECT_EQ(rv.size(), 2u + 48u);     // Salt + (1 + 32 padded to 48)
  EXPECT_EQ(rv[0], 0x92);             // the Salt's high bit is set
  EXPECT_TRUE(decode_mppe_key(rv, secret, request).value().equals(recv));

  Packet accept{uint8_t(kg::radius::Code::kAccessAccept), 1, {}, {}};
  EXPECT_TRUE(msk_from_accept(accept, secret, request).value().empty());  // EAP-MD5: no keys
  kg::radius::add_vendor(accept, kg::radius::kVendorMicrosoft, kg::radius::kMsMppeSendKey, sv);
  EXPECT_FALSE(msk_from_accept(accept, secret, request));  // one key alone
  kg::radius::add_vendor(accept, kg::radius::kVendorMicrosoft, kg::radius::kMsMppeRecvKey, rv);
  Bytes msk = recv;
  msk.insert(msk.end(), send.begin(), send.end());
  EXPECT_TRUE(msk_from_accept(accept, secret, request).value().equals(msk));  // Recv | Send

  Bytes no_salt_bit = rv;
  no_salt_bit[0] &= 0x7f;
  EXPECT_FALSE(decode_mppe_key(no_salt_bit, secret, request));
  EXPECT_FALSE(decode_mppe_key(Bytes(rv.begin(), rv.end() - 1), secret, request));
}

}  // namespace
}  // namespace kg::aaa::radius
