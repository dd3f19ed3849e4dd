// Local authorization: method lists, policy lookup by name or identity, and
// the user/group merge of seed 004 ("Attributes – Merging").
#include "aaa/authorization.h"

#include <gtest/gtest.h>

namespace kg::aaa {
namespace {

struct Fixture : ::testing::Test {
  config::Model m;
  config::Ikev2Profile prof;
  void SetUp() override {
    m.aaa_new_model = true;
    m.aaa_authorization_network["flex_local"] = "local";
    auto& g = m.authorization_policies["Eng"];
    g.pool = "Eng-pool";
    g.dns = {"198.18.0.53", "198.18.0.54"};
    g.def_domain = "eng.example.net";
    g.route_set_remote = {"ipv4 203.0.113.0 255.255.255.0"};
    g.route_accept_any = true;
    auto& u = m.authorization_policies["joe.example.net"];
    u.pool = "Joe-pool";
    u.netmask = "255.255.255.255";
    u.route_set_remote = {"ipv4 198.18.9.0 255.255.255.0"};
    prof.aaa_group["psk"] = {"flex_local", "Eng", false};
  }
};

TEST_F(Fixture, GroupPolicyByName) {
  auto a = authorize(m, prof, "psk", "joe.example.net");
  EXPECT_TRUE(a.configured);
  EXPECT_EQ(a.error, "");
  EXPECT_EQ(a.group_policy, "Eng");
  EXPECT_EQ(a.attrs.pool, "Eng-pool");
  EXPECT_FALSE(authorize(m, prof, "cert", "joe.example.net").configured);  // other method: none
}

TEST_F(Fixture, UserAttributesWinOverGroup) {
  prof.aaa_user["psk"] = {"flex_local", "", false};  // no name: the peer's identity
  auto a = authorize(m, prof, "psk", "joe.example.net");
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.user_policy, "joe.example.net");
  EXPECT_EQ(a.attrs.pool, "Joe-pool");                    // user
  EXPECT_EQ(a.attrs.netmask, "255.255.255.255");           // user only
  EXPECT_EQ(a.attrs.def_domain, "eng.example.net");        // group only
  EXPECT_EQ(a.attrs.dns.size(), 2u);                       // group only
  EXPECT_TRUE(a.attrs.route_accept_any);
  EXPECT_EQ(a.attrs.route_set_remote,
            (std::vector<std::string>{"ipv4 198.18.9.0 255.255.255.0", "ipv4 203.0.113.0 255.255.255.0"}));
}

TEST_F(Fixture, GroupOverrideWins) {
  prof.aaa_user["psk"] = {"flex_local", "", false};
  prof.aaa_group["psk"].override = true;
  auto a = authorize(m, prof, "psk", "joe.example.net");
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.attrs.pool, "Eng-pool");
  EXPECT_EQ(a.attrs.netmask, "255.255.255.255");  // still filled from the user
}

TEST_F(Fixture, ClearErrors) {
  prof.aaa_user["psk"] = {"flex_local", "", false};
  EXPECT_EQ(authorize(m, prof, "psk", "ann.example.net").error,
            "no crypto ikev2 authorization policy ann.example.net");
  prof.aaa_user.clear();
  prof.aaa_group["psk"].list = "missing";
  EXPECT_EQ(authorize(m, prof, "psk", "x").error, "no method list 'aaa authorization network missing'");
  m.aaa_new_model = false;
  EXPECT_EQ(authorize(m, prof, "psk", "x").error, "aaa new-model is not configured");
}

TEST_F(Fixture, RouteSetPrefixes) {
  m.interfaces["Loopback0"].ip_address = {Prefix::parse("198.18.0.1/24"), false};
  m.interfaces["Virtual-Template1"].ip_unnumbered = "Loopback0";
  m.interfaces["Tunnel0"].ip_address = {Prefix::parse("198.18.7.2/32"), false};
  m.access_lists["ike-policy"].entries = {{true, "192.0.2.0", "0.0.0.127"}, {false, "192.0.2.128", "0.0.0.127"}};
  config::AuthorizationPolicy p;
  p.route_set_interface = true;
  p.route_set_interfaces = {"eth1"};
  p.route_set_remote = {"ipv4 203.0.113.0 255.255.255.0", "ipv6 2001:db8:5::/48"};
  p.route_set_acl = "ike-policy";
  auto linux_if = [](const std::string& n) -> std::optional<Prefix> {
    if (n == "eth1") return Prefix::parse("192.0.2.129/25");
    return std::nullopt;
  };
  auto v = route_set_prefixes(m, p, "Virtual-Template1", linux_if);
  std::vector<std::string> got;
  for (auto& x : v) got.push_back(x.str());
  EXPECT_EQ(got, (std::vector<std::string>{"198.18.0.1/32", "192.0.2.128/25", "203.0.113.0/24", "2001:db8:5::/48",
                                           "192.0.2.0/25"}));
  got.clear();
  for (auto& x : route_set_prefixes(m, p, "Tunnel0", nullptr)) got.push_back(x.str());
  EXPECT_EQ(got.front(), "198.18.7.2/32");
}

}  // namespace
}  // namespace kg::aaa
