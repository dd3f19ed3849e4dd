#include "aaa/radius_attributes.h"

#include <gtest/gtest.h>

#include "wire/radius/vendor.h"

namespace kg::aaa {
namespace {

using kg::radius::AttrType;
using kg::radius::Packet;

Packet accept() { return Packet{uint8_t(kg::radius::Code::kAccessAccept), 1, {}, {}}; }
void av(Packet& p, std::string_view s) {
  kg::radius::add_vendor(p, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair, as_bytes(s));
}

TEST(RadiusAuthorization, SeedAttributesBecomeTheSessionsConfiguration) {
  Packet p = accept();
  p.add(AttrType::kFramedIpAddress, Bytes{198, 18, 3, 7});
  p.add(AttrType::kFramedIpNetmask, Bytes{255, 255, 255, 0});
  av(p, "ipsec:addr-pool=RA-POOL2");
  av(p, "ipsec:dns-servers=198.18.0.53 198.18.0.54");
  av(p, "ipsec:route-set=prefix 203.0.113.5/24");
  av(p, "ipsec:default-domain=example.net");
  av(p, "ipsec:banner=hello");
  av(p, "ipsec:split-dns=corp.example.net");
  av(p, "ip:interface-config=ip mtu 1400");
  auto r = radius_authorization(p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->framed_ip, IpAddress::parse("198.18.3.7"));
  EXPECT_EQ(r->framed_prefix_len, 24);
  EXPECT_EQ(r->pool, "RA-POOL2");
  ASSERT_EQ(r->dns.size(), 2u);
  EXPECT_EQ(r->dns[1].str(), "198.18.0.54");
  ASSERT_EQ(r->routes.size(), 1u);
  EXPECT_EQ(r->routes[0].str(), "203.0.113.0/24");
  EXPECT_EQ(r->domain, "example.net");
  // Applied from `attributes`: the banner (CFG_REPLY), interface-config
  // (the Virtual-Access); split-dns is not applied and said so.
  EXPECT_EQ(r->unsupported, std::vector<std::string>{"ipsec:split-dns=corp.example.net"});
  EXPECT_EQ(r->attributes.first("ipsec:banner"), "hello");
  EXPECT_EQ(r->attributes.first("ip:interface-config"), "ip mtu 1400");
  EXPECT_FALSE(r->empty());
}

TEST(RadiusAuthorization, FramedPoolAndMalformedValues) {
  Packet p = accept();
  p.add_text(AttrType::kFramedPool, "POOL-A");
  EXPECT_EQ(radius_authorization(p).value().pool, "POOL-A");
  EXPECT_TRUE(radius_authorization(accept()).value().empty());
  Packet bad = accept();
  bad.add(AttrType::kFramedIpAddress, Bytes{1, 2, 3});
  EXPECT_FALSE(radius_authorization(bad));
  Packet bad_dns = accept();
  av(bad_dns, "ipsec:dns-servers=not-an-address");
  EXPECT_FALSE(radius_authorization(bad_dns));
  Packet bad_mask = accept();
  bad_mask.add(AttrType::kFramedIpNetmask, Bytes{255, 0, 255, 0});
  EXPECT_FALSE(radius_authorization(bad_mask));
}

// keyring aaa (seed 004, "AAA Pre-Shared Keys"): the two keys, kept as
// secrets and never among the attributes show commands print; the other
// attributes of the same Accept stay (cached for authorization).
TEST(RadiusAuthorization, AaaPreSharedKeysAreSecretsApart) {
  Packet p = accept();
  av(p, "ipsec:ikev2-password-local=cisco!");
  av(p, "ipsec:ikev2-password-remote=!ocsic");
  av(p, "ipsec:dns-servers=198.18.0.53");
  auto r = radius_authorization(p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->psk_local.equals(as_bytes(std::string_view("cisco!"))));
  EXPECT_TRUE(r->psk_remote.equals(as_bytes(std::string_view("!ocsic"))));
  EXPECT_FALSE(r->attributes.find("ipsec:ikev2-password-local"));
  EXPECT_FALSE(r->attributes.find("ipsec:ikev2-password-remote"));
  for (const auto& line : r->attributes.lines()) EXPECT_EQ(line.find("ocsic"), std::string::npos) << line;
  EXPECT_TRUE(r->attributes.find("ipsec:dns-servers"));
  EXPECT_TRUE(r->unsupported.empty());
  // A value with '=' in it is the key as typed; an unknown mandatory
  // variant is named without its value.
  Packet q = accept();
  av(q, "ipsec:ikev2-password-remote=a=b");
  av(q, "ipsec:ikev2-password-other=hidden");
  auto s = radius_authorization(q);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->psk_remote.equals(as_bytes(std::string_view("a=b"))));
  EXPECT_TRUE(s->psk_local.empty());
  EXPECT_EQ(s->unsupported, std::vector<std::string>{"ipsec:ikev2-password-other"});
  // No keys at all: both empty.
  EXPECT_TRUE(radius_authorization(accept()).value().psk_remote.empty());
}

// Easy VPN group authorization: the group's key is a secret apart too; the
// group's other attributes stay.
TEST(RadiusAuthorization, EasyVpnGroupKeyIsASecretApart) {
  Packet p = accept();
  av(p, "ipsec:key-exchange=ike");
  av(p, "ipsec:tunnel-password=gr0up-key");
  av(p, "ipsec:addr-pool=ezpool");
  auto r = radius_authorization(p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->tunnel_password.equals(as_bytes(std::string_view("gr0up-key"))));
  EXPECT_FALSE(r->attributes.find("ipsec:tunnel-password"));
  for (const auto& line : r->attributes.lines()) EXPECT_EQ(line.find("gr0up"), std::string::npos) << line;
  EXPECT_EQ(r->attributes.first("ipsec:addr-pool"), "ezpool");
  EXPECT_TRUE(r->unsupported.empty());
}

// RFC 2865 §5.25: every Class of the Accept, in order, byte for byte, for
// the session's accounting.
TEST(RadiusAuthorization, ClassValuesAreKeptInOrder) {
  Packet p = accept();
  p.add(AttrType::kClass, Bytes{'g', '1'});
  p.add(AttrType::kClass, Bytes{0, 0xff, 7});
  auto r = radius_authorization(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->classes, (std::vector<Bytes>{Bytes{'g', '1'}, Bytes{0, 0xff, 7}}));
  EXPECT_TRUE(radius_authorization(accept()).value().classes.empty());
}

// ipsec:max-users / ipsec:max-logins (seed 001 prints them as AV pairs):
// kept among the attributes, read by session_limit.
TEST(RadiusAuthorization, SessionLimitsFromAvPairs) {
  Packet p = accept();
  av(p, "ipsec:max-users=1");
  av(p, "ipsec:max-logins=2");
  auto r = radius_authorization(p);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->unsupported.empty());
  EXPECT_EQ(session_limit(r->attributes, "ipsec:max-users").value(), 1u);
  EXPECT_EQ(session_limit(r->attributes, "ipsec:max-logins").value(), 2u);
  EXPECT_EQ(session_limit(AttributeSet{}, "ipsec:max-users").value(), std::nullopt);
  auto one = [](std::string v) {
    AttributeSet a;
    a.set("ipsec:max-logins", std::move(v), "test");
    return session_limit(a, "ipsec:max-logins");
  };
  EXPECT_EQ(one("0").value(), 0u);  // nobody
  EXPECT_EQ(one("5000").value(), 5000u);
  for (const char* bad : {"", "-1", "two", "3 ", " 3", "1x", "99999999999"}) {
    auto n = one(bad);
    ASSERT_FALSE(n) << bad;
    EXPECT_EQ(n.error().message, std::string("ipsec:max-logins=") + bad + " is not a number of sessions");
  }
}

}  // namespace
}  // namespace kg::aaa
