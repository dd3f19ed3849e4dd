// keyring aaa's RADIUS side (seed 004, "AAA Pre-Shared Keys"): whom it asks
// for, with what password, and what an answer gives the engine. The
// RadiusUserLookup here stands in for the daemon's RADIUS client, which
// t_radius_keyring_aaa.sh runs against FreeRADIUS.
#include "daemon/aaa_keyring.h"

#include <gtest/gtest.h>

#include "wire/radius/vendor.h"

namespace kg::daemon {
namespace {

ike::Identity fqdn(std::string_view s) { return {ike::IdType::kFqdn, Bytes(s.begin(), s.end())}; }

struct Asked {
  std::string group, user, password, source;
};

class AaaKeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model.aaa_authorization_network["AAAlist"] = "group frad";
    model.name_manglers["host"].fqdn = "hostname";
    profile.keyring_aaa = "AAAlist";
  }
  // A lookup that records the request and answers with `reply`.
  RadiusUserLookup lookup() {
    return [this](const std::string& g, const std::string& u, const Secret& pw, const std::string& src,
                  std::function<void(Result<aaa::RadiusAuthorization>)> done) {
      asked.push_back({g, u, std::string(pw.view().begin(), pw.view().end()), src});
      done(reply);
    };
  }
  ike::PeerKeys ask(const ike::Identity& id) {
    auto source = aaa_keyring(model, profile, lookup(), cache);
    EXPECT_TRUE(source);
    EXPECT_TRUE(source->answers_on_loop());
    ike::PeerKeys out;
    source->begin_lookup({"default", id, *IpAddress::parse("198.51.100.1"), *IpAddress::parse("198.51.100.2")},
                         [&](ike::PeerKeys k) { out = std::move(k); });
    return out;
  }
  static Result<aaa::RadiusAuthorization> accept_with(std::vector<std::string> pairs) {
    kg::radius::Packet p{uint8_t(kg::radius::Code::kAccessAccept), 1, {}, {}};
    for (auto& s : pairs) kg::radius::add_vendor(p, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair, as_bytes(s));
    return aaa::radius_authorization(p, "RADIUS");
  }

  config::Model model;
  config::Ikev2Profile profile;
  std::shared_ptr<aaa::AcceptedUsers> cache = std::make_shared<aaa::AcceptedUsers>();
  std::vector<Asked> asked;
  Result<aaa::RadiusAuthorization> reply = fail(Errc::kAuthFailed, "Access-Reject from RADIUS server 127.0.0.1:1812");
};

TEST_F(AaaKeyringTest, UserNameIsTheIdentityOrWhatTheManglerMakesOfIt) {
  EXPECT_EQ(aaa_keyring_user(model, profile, fqdn("site-b.example.net")).value(), "site-b.example.net");
  profile.keyring_aaa_mangler = "host";
  EXPECT_EQ(aaa_keyring_user(model, profile, fqdn("site-b.example.net")).value(), "site-b");
  // An initiator asks by address: as it is, whatever the mangler.
  ike::Identity addr{ike::IdType::kIpv4Addr, Bytes{198, 51, 100, 2}};
  EXPECT_EQ(aaa_keyring_user(model, profile, addr).value(), "198.51.100.2");
  ike::Identity mail{ike::IdType::kRfc822Addr, Bytes{'j', '@', 'x'}};
  auto none = aaa_keyring_user(model, profile, mail);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("name-mangler host"), std::string::npos) << none.error().message;
  profile.keyring_aaa_mangler = "nosuch";
  auto missing = aaa_keyring_user(model, profile, fqdn("site-b.example.net"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "crypto ikev2 name-mangler nosuch is not configured");
}

// The seed's flow: User-Name (mangled), password "cisco", both keys back;
// the other attributes cached for authorization, the keys not.
TEST_F(AaaKeyringTest, AcceptGivesBothKeysAndCachesTheRest) {
  profile.keyring_aaa_mangler = "host";
  reply = accept_with({"ipsec:ikev2-password-local=cisco!", "ipsec:ikev2-password-remote=!ocsic",
                       "ipsec:dns-servers=198.18.0.53"});
  auto k = ask(fqdn("r1.example.net"));
  EXPECT_EQ(k.error, "");
  EXPECT_TRUE(k.local.equals(as_bytes(std::string_view("cisco!"))));
  EXPECT_TRUE(k.remote.equals(as_bytes(std::string_view("!ocsic"))));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].group, "frad");
  EXPECT_EQ(asked[0].user, "r1");
  EXPECT_EQ(asked[0].password, "cisco");
  auto* e = cache->find("r1.example.net");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->user, "r1");
  EXPECT_TRUE(e->attrs.attributes.find("ipsec:dns-servers"));
  EXPECT_TRUE(e->attrs.psk_local.empty() && e->attrs.psk_remote.empty()) << "the cache keeps no key";
}

TEST_F(AaaKeyringTest, ConfiguredPasswordIsSent) {
  profile.keyring_aaa_password = Secret(std::string_view("other-pw"));
  reply = accept_with({"ipsec:ikev2-password-remote=k"});
  EXPECT_EQ(ask(fqdn("r1.example.net")).error, "");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].password, "other-pw");
}

TEST_F(AaaKeyringTest, RejectAndAcceptWithoutKeysAreErrors) {
  auto k = ask(fqdn("r1.example.net"));
  EXPECT_EQ(k.error, "user r1.example.net: Access-Reject from RADIUS server 127.0.0.1:1812");
  EXPECT_FALSE(cache->find("r1.example.net"));
  reply = accept_with({"ipsec:dns-servers=198.18.0.53"});
  EXPECT_EQ(ask(fqdn("r1.example.net")).error,
            "the Access-Accept for r1.example.net has no Cisco-AVPair ipsec:ikev2-password-local or "
            "ipsec:ikev2-password-remote");
}

TEST_F(AaaKeyringTest, ListThatIsNoRadiusGroupAsksNothing) {
  model.aaa_authorization_network["AAAlist"] = "local";
  EXPECT_EQ(ask(fqdn("r1.example.net")).error, "aaa authorization network AAAlist is local, not a RADIUS group");
  model.aaa_authorization_network.clear();
  EXPECT_EQ(ask(fqdn("r1.example.net")).error, "aaa authorization network AAAlist is not configured");
  EXPECT_TRUE(asked.empty());
  profile.keyring_aaa.clear();
  EXPECT_FALSE(aaa_keyring(model, profile, lookup(), cache)) << "no keyring aaa: no source";
}

}  // namespace
}  // namespace kg::daemon
