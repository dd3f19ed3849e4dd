// Typed configuration values: each IOS form is parsed once, prints back as
// typed, and refuses what no peer could ever match.
#include "config/ike_identity.h"

#include <gtest/gtest.h>

#include "config/model.h"

namespace kg::config {
namespace {

TEST(IkeIdentity, EveryIosFormParsesOnceAndPrintsBackAsTyped) {
  for (const char* w : {"fqdn site-b.example.net", "fqdn domain example.net", "email user@example.net",
                        "email domain example.net", "key-id group1", "address 192.0.2.1",
                        "address 192.0.2.0 255.255.255.0", "address 0.0.0.0", "address 2001:db8::/32", "any", "dn",
                        "fqdn domain"}) {
    auto id = IkeIdentity::parse(w);
    ASSERT_TRUE(id) << w;
    EXPECT_EQ(id->words(), w);
  }
  auto d = IkeIdentity::parse("email domain example.net");
  EXPECT_EQ(d->kind, IkeIdentity::Kind::kEmail);
  EXPECT_TRUE(d->domain);
  EXPECT_EQ(d->value, "example.net");
  // "fqdn domain" names an FQDN "domain", not a domain match.
  EXPECT_FALSE(IkeIdentity::parse("fqdn domain")->domain);
  for (const char* bad : {"address nowhere", "address 192.0.2.0 255.0.255.0", "key-id domain x", "ipv4 x", ""})
    EXPECT_FALSE(IkeIdentity::parse(bad)) << bad;
}

TEST(AddressMatch, AnyAndContainment) {
  EXPECT_TRUE(AddressMatch::parse("0.0.0.0")->any());
  EXPECT_TRUE(AddressMatch::parse("0.0.0.0 0.0.0.0")->any());
  EXPECT_TRUE(AddressMatch::parse("::/0")->any());
  auto m = AddressMatch::parse("198.51.100.0 255.255.255.0");
  EXPECT_FALSE(m->any());
  EXPECT_TRUE(m->contains(*IpAddress::parse("198.51.100.7")));
  EXPECT_FALSE(m->contains(*IpAddress::parse("198.51.101.7")));
  EXPECT_FALSE(m->contains(*IpAddress::parse("2001:db8::7")));
}

TEST(EspTransform, RegistryRowsPrintBackAsTyped) {
  for (const char* w : {"esp-gcm 256", "esp-gcm", "esp-aes", "esp-aes 128", "esp-sha256-hmac", "esp-chacha20-poly1305"}) {
    auto t = EspTransform::parse(w);
    ASSERT_TRUE(t) << w;
    EXPECT_EQ(t->word(), w);
  }
  EXPECT_EQ(EspTransform::parse("esp-aes")->encr, EspTransform::parse("esp-aes 128")->encr);
  EXPECT_TRUE(EspTransform::parse("esp-sha256-hmac")->integ);
  EXPECT_FALSE(EspTransform::parse("esp-gcm 512"));
  EXPECT_FALSE(EspTransform::parse("esp-nothing"));
}

}  // namespace
}  // namespace kg::config
