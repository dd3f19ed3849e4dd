#include "crypto/self_signed.h"

#include <gtest/gtest.h>

namespace kg::crypto {
namespace {

TEST(SelfSigned, ACertificateThatItsKeyMatchesAndThatComesBackFromPem) {
  auto s = make_self_signed("r1.example.net", 3650);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->key->matches(s->cert));
  EXPECT_TRUE(s->key->key().ecdsa());
  auto back = Certificate::from_pem(pem_block("CERTIFICATE", s->cert.der()));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_TRUE(std::ranges::equal((*back)[0].der(), s->cert.der()));
  auto other = make_self_signed("r1.example.net", 3650);
  ASSERT_TRUE(other);
  EXPECT_FALSE(std::ranges::equal(other->cert.der(), s->cert.der()));  // new key, new serial
  EXPECT_FALSE(make_self_signed("", 1));
}

}  // namespace
}  // namespace kg::crypto
