// Seed 004's "Attributes – Merging" slide, its example exactly:
//   cached user attributes (received during AAA-based authentication):
//     Framed-IP-Address 10.0.0.101, ipsec:dns-servers 10.2.2.2
//   explicit user attributes (explicit user authorization):
//     Framed-IP-Address 10.0.0.102
//   explicit group attributes (explicit group authorization):
//     ipsec:banner "Welcome !"
//   final merged attributes:
//     Framed-IP-Address 10.0.0.102, ipsec:dns-servers 10.2.2.2, ipsec:banner "Welcome !"
// (the seed's own addresses: this is a pure merge, nothing is sent).
#include "aaa/attribute_set.h"

#include <gtest/gtest.h>

namespace kg::aaa {
namespace {

struct SeedExample : ::testing::Test {
  AttributeSet cached, user, group;
  void SetUp() override {
    cached.set("Framed-IP-Address", "10.0.0.101", "cached");
    cached.set("ipsec:dns-servers", "10.2.2.2", "cached");
    user.set("Framed-IP-Address", "10.0.0.102", "user");
    group.set("ipsec:banner", "Welcome !", "group");
  }
};

TEST_F(SeedExample, FinalMergedAttributes) {
  auto f = merge_attributes(cached, user, group, false);
  EXPECT_EQ(f.items().size(), 3u);
  EXPECT_EQ(f.first("Framed-IP-Address"), "10.0.0.102");
  EXPECT_EQ(f.find("Framed-IP-Address")->source, "user");  // explicit user over cached
  EXPECT_EQ(f.first("ipsec:dns-servers"), "10.2.2.2");
  EXPECT_EQ(f.find("ipsec:dns-servers")->source, "cached");
  EXPECT_EQ(f.first("ipsec:banner"), "Welcome !");
  EXPECT_EQ(f.find("ipsec:banner")->source, "group");
}

TEST_F(SeedExample, MergedUserOverGroupUnlessOverride) {
  group.set("Framed-IP-Address", "10.0.0.200", "group");
  group.set("ipsec:dns-servers", "10.9.9.9", "group");
  auto f = merge_attributes(cached, user, group, false);
  EXPECT_EQ(f.first("Framed-IP-Address"), "10.0.0.102");
  EXPECT_EQ(f.first("ipsec:dns-servers"), "10.2.2.2");
  auto o = merge_attributes(cached, user, group, true);  // group override
  EXPECT_EQ(o.first("Framed-IP-Address"), "10.0.0.200");
  EXPECT_EQ(o.first("ipsec:dns-servers"), "10.9.9.9");
  EXPECT_EQ(o.first("ipsec:banner"), "Welcome !");
}

TEST_F(SeedExample, MissingSourcesAndRouteSets) {
  EXPECT_EQ(merge_attributes(std::nullopt, std::nullopt, group, false), group);
  EXPECT_EQ(merge_attributes(cached, std::nullopt, std::nullopt, false), cached);
  AttributeSet a, b;
  a.add("ipsec:route-set", "prefix 198.51.100.0/24", "user");
  b.add("ipsec:route-set", "prefix 203.0.113.0/24", "group");
  auto f = merge_attributes(std::nullopt, a, b, false);
  EXPECT_EQ(f.all("ipsec:route-set"), (std::vector<std::string>{"prefix 198.51.100.0/24", "prefix 203.0.113.0/24"}));
}

TEST(AttributeSet, SecretsAreHiddenInLines) {
  AttributeSet a;
  a.set("ipsec:ikev2-password-local", "s3cr3t", "user r1");
  a.set("ipsec:dns-servers", "198.18.0.53", "user r1");
  auto l = a.lines();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "ipsec:dns-servers = 198.18.0.53  (user r1)");
  EXPECT_EQ(l[1], "ipsec:ikev2-password-local = <hidden>  (user r1)");
}

}  // namespace
}  // namespace kg::aaa
