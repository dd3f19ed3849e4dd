#include "daemon/isakmp_policy.h"

#include <gtest/gtest.h>

#include "common/log.h"
#include "config/session.h"
#include "daemon/show_isakmp.h"
#include "ikev1/transform_ids.h"

namespace kg::daemon {
namespace {

config::Model configure(const std::vector<std::string>& lines) {
  config::Config c;
  config::CliSession s(c);
  for (auto& l : std::vector<std::string>{"enable", "configure terminal"}) s.execute(l);
  for (auto& l : lines) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  return c.model();
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

const std::vector<std::string> kSite = {
    "crypto ipsec transform-set TS esp-aes esp-sha-hmac",
    "crypto ipsec profile V1", " set transform-set TS", " set pfs group14", " exit",
    "interface Tunnel0", " tunnel source 198.51.100.1", " tunnel mode ipsec ipv4",
    " tunnel destination 198.51.100.2", " tunnel protection ipsec profile V1", " exit"};

TEST(IsakmpPolicy, DefaultTableOnlyWithoutConfiguredPolicies) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({}));
  auto d = p.policies();
  ASSERT_EQ(d.size(), 8u);  // seed 001's table, 65507-65514
  EXPECT_EQ(d[1].priority, 65508u);
  EXPECT_EQ(d[1].auth, isakmp::P1Auth::kPreSharedKey);
  EXPECT_EQ(d[1].group, crypto::Group::kModp1536);
  cp.set_model(configure({"no crypto isakmp default policy"}));
  EXPECT_TRUE(p.policies().empty());
  cp.set_model(configure({"crypto isakmp policy 10", " encr aes 256", " hash sha256", " authentication pre-share",
                          " group 14", " lifetime 3600"}));
  auto c = p.policies();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].key_bits, 256);
  EXPECT_EQ(c[0].hash, crypto::Prf::kHmacSha2_256);
  EXPECT_EQ(c[0].lifetime_s, 3600u);
}

TEST(IsakmpPolicy, MostSpecificKeyAndWhichTunnelsUseIsakmp) {
  auto lines = kSite;
  lines.push_back("crypto isakmp key 0 wide-key address 198.51.100.0 255.255.255.0");
  lines.push_back("crypto isakmp key 0 host-key address 198.51.100.2");
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure(lines));
  EXPECT_TRUE(p.psk({}, ip("198.51.100.2"))->equals(as_bytes("host-key")));
  EXPECT_TRUE(p.psk({}, ip("198.51.100.7"))->equals(as_bytes("wide-key")));
  EXPECT_FALSE(p.psk({}, ip("203.0.113.7")));
  // The ipv6 form (seed 001: crypto isakmp key KEY ipv6 A/P), most specific
  // prefix first too.
  cp.set_model(configure({"crypto isakmp key v6-wide ipv6 2001:db8:1::/48",
                          "crypto isakmp key v6-host ipv6 2001:db8:1::2/128 no-xauth"}));
  EXPECT_TRUE(p.psk({}, ip("2001:db8:1::2"))->equals(as_bytes("v6-host")));
  EXPECT_TRUE(p.psk({}, ip("2001:db8:1:5::9"))->equals(as_bytes("v6-wide")));
  EXPECT_FALSE(p.psk({}, ip("2001:db8:2::1")));
  EXPECT_FALSE(p.psk({}, ip("198.51.100.2")));
  cp.set_model(configure(lines));
  EXPECT_TRUE(p.tunnel_uses_isakmp("Tunnel0"));
  auto child = p.child_for_peer(ip("198.51.100.1"), ip("198.51.100.2"));
  ASSERT_TRUE(child);
  EXPECT_EQ(child->interface, "Tunnel0");
  EXPECT_EQ(child->pfs, ike::DhGroup::kModp2048);
  // With set ikev2-profile, or without a key for the destination: IKEv2.
  cp.set_model(configure(kSite));
  EXPECT_FALSE(p.tunnel_uses_isakmp("Tunnel0"));
  lines.push_back("crypto ipsec profile V1");
  lines.push_back(" set ikev2-profile default");
  cp.set_model(configure(lines));
  EXPECT_FALSE(p.tunnel_uses_isakmp("Tunnel0"));
}

TEST(IsakmpPolicy, SplitNetworksFromAnExtendedAclSplitDnsAndFirewall) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"crypto isakmp client configuration group cisco", " acl 199", " split-dns example.net",
                          " firewall are-u-there", " exit",
                          // The server's side: the source is the network behind it...
                          "access-list 199 permit ip 203.0.113.0 0.0.0.255 any",
                          // ...unless it is any: then the destination.
                          "access-list 199 permit ip any 198.18.9.0 0.0.0.255",
                          "access-list 199 deny ip 198.18.10.0 0.0.0.255 any",
                          "access-list 199 permit tcp host 198.18.11.1 any eq 443"}));
  auto r = p.mode_config({"cisco", "", "alice", "cisco", *IpAddress::parse("198.51.100.2"), 1});
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.split_include.size(), 3u);
  EXPECT_EQ(r.split_include[0].str(), "203.0.113.0/24");
  EXPECT_EQ(r.split_include[1].str(), "198.18.9.0/24");
  EXPECT_EQ(r.split_include[2].str(), "198.18.11.1/32");
  EXPECT_EQ(r.split_dns, (std::vector<std::string>{"example.net"}));
  EXPECT_TRUE(r.firewall_are_u_there);
  // A standard list still works as before.
  cp.set_model(configure({"crypto isakmp client configuration group cisco", " acl 99", " exit",
                          "access-list 99 permit 203.0.113.0 0.0.0.255"}));
  r = p.mode_config({"cisco", "", "alice", "cisco", *IpAddress::parse("198.51.100.2"), 1});
  ASSERT_EQ(r.split_include.size(), 1u);
  EXPECT_EQ(r.split_include[0].str(), "203.0.113.0/24");
}

// isakmp authorization list with a RADIUS group: the group's key is asked
// of RADIUS (User-Name the group, password "cisco"), its attributes make the
// mode configuration; a local group's crypto aaa attribute list lays its
// entries over the group's; accounting LIST accounts the session by its id.
TEST(IsakmpPolicy, RadiusGroupAttributeListAndAccounting) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"aaa new-model", "aaa authorization network radlist group RADGROUP",
                          "aaa authorization network nolist group NOPE",
                          "aaa accounting network acct start-stop group RADGROUP",
                          "aaa attribute list AL", " attribute type dns-servers \"198.18.0.77\"", " exit",
                          "crypto isakmp client configuration group cisco", " key k", " dns 198.18.0.53",
                          " domain example.net", " crypto aaa attribute list AL", " exit",
                          "crypto isakmp profile rad", " match identity group engineering", " match identity group cisco",
                          " isakmp authorization list radlist", " accounting acct", " exit",
                          "crypto isakmp profile local", " match identity group cisco", " exit"}));
  std::vector<std::string> asked;
  cp.set_radius_lookup([&](const std::string& group, const std::string& user, const Secret& pw, const std::string& source,
                           std::function<void(Result<aaa::RadiusAuthorization>)> done) {
    asked.push_back(group + " " + user + " " + std::string(pw.view().begin(), pw.view().end()));
    if (user != "engineering") return done(fail(Errc::kAuthFailed, "Access-Reject from RADIUS server 127.0.0.1 for " + user));
    aaa::RadiusAuthorization r;
    r.tunnel_password = Secret(std::string_view("eng-key"));
    r.attributes.set("ipsec:dns-servers", "198.18.0.91 198.18.0.92", source);
    r.attributes.set("ipsec:default-domain", "eng.example.net", source);
    r.attributes.set("ipsec:banner", "Engineering only", source);
    r.attributes.set("ipsec:include-local-lan", "1", source);
    r.attributes.set("ipsec:max-users", "3", source);
    r.attributes.set("ipsec:max-logins", "1", source);
    r.classes = {Bytes{'g', 'r', 'p'}};
    done(std::move(r));
  });
  std::vector<ConfigPolicy::AccountedUser> accounted;
  cp.set_accounting([&](ConfigPolicy::AccountedUser u) { accounted.push_back(std::move(u)); });
  auto peer = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.11"), isakmp::IdType::kKeyId, "engineering");
  ASSERT_TRUE(peer);
  ASSERT_TRUE(peer->key_source);
  EXPECT_EQ(peer->group, "engineering");
  EXPECT_EQ(peer->profile, "rad");
  ike::PeerKeys got;
  ike::PskQuery q{"rad", {ike::IdType::kKeyId, Bytes{'e', 'n', 'g', 'i', 'n', 'e', 'e', 'r', 'i', 'n', 'g'}}, {}, {}};
  peer->key_source->begin_lookup(q, [&](ike::PeerKeys k) { got = std::move(k); });
  EXPECT_EQ(got.error, "");
  EXPECT_TRUE(got.remote.equals(as_bytes("eng-key")));
  EXPECT_EQ(asked, (std::vector<std::string>{"RADGROUP engineering cisco"}));
  // Its session limits, for the engine to count (as a local group's).
  EXPECT_FALSE(peer->max_users || peer->max_logins);
  p.ezvpn_group_authorized(*peer);
  EXPECT_EQ(peer->max_users, 3u);
  EXPECT_EQ(peer->max_logins, 1u);
  auto r = p.mode_config({"engineering", "rad", "alice", "engineering", ip("198.51.100.11"), 5, {Bytes{'u', '1'}}});
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.dns.size(), 2u);
  EXPECT_EQ(r.dns[0].str(), "198.18.0.91");
  EXPECT_EQ(r.domain, "eng.example.net");
  EXPECT_EQ(r.banner, "Engineering only");
  EXPECT_TRUE(r.include_local_lan);
  ASSERT_EQ(accounted.size(), 1u);
  EXPECT_EQ(accounted[0].group, "RADGROUP");
  EXPECT_EQ(accounted[0].user, "alice");
  EXPECT_EQ(accounted[0].ike_id, "engineering");
  EXPECT_EQ(accounted[0].session_id, 5u);
  // RFC 2865 §5.25: the XAUTH Accept's Class, then the group's.
  EXPECT_EQ(accounted[0].classes, (std::vector<Bytes>{Bytes{'u', '1'}, Bytes{'g', 'r', 'p'}}));
  // A group of that profile RADIUS has not authorized: no configuration.
  EXPECT_NE(p.mode_config({"cisco", "rad", "bob", "cisco", ip("198.51.100.12"), 6}).error, "");
  // A local list, and a profile whose list is not configured.
  cp.set_model(configure({"aaa new-model", "aaa authorization network radlist local",
                          "aaa attribute list AL", " attribute type dns-servers \"198.18.0.77\"", " exit",
                          "crypto isakmp client configuration group cisco", " key k", " dns 198.18.0.53",
                          " domain example.net", " crypto aaa attribute list AL", " exit",
                          "crypto isakmp profile local", " match identity group cisco",
                          " isakmp authorization list radlist", " exit",
                          "crypto isakmp profile undefined", " match identity group other",
                          " isakmp authorization list nolist", " exit"}));
  // A local list: the local group, its key; the attribute list's DNS over the group's.
  peer = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.12"), isakmp::IdType::kKeyId, "cisco");
  ASSERT_TRUE(peer);
  EXPECT_FALSE(peer->key_source);
  EXPECT_TRUE(peer->psk.equals(as_bytes("k")));
  EXPECT_FALSE(peer->max_users || peer->max_logins);  // the local group sets none
  r = p.mode_config({"cisco", "local", "bob", "cisco", ip("198.51.100.12"), 6});
  ASSERT_EQ(r.dns.size(), 1u);
  EXPECT_EQ(r.dns[0].str(), "198.18.0.77");
  EXPECT_EQ(r.domain, "example.net");
  EXPECT_EQ(accounted.size(), 1u);  // no accounting list
  peer = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.13"), isakmp::IdType::kKeyId, "other");
  ASSERT_TRUE(peer && peer->key_source);
  peer->key_source->begin_lookup(q, [&](ike::PeerKeys k) { got = std::move(k); });
  EXPECT_EQ(got.error, "aaa authorization network nolist is not configured");
}

TEST(IsakmpPolicy, XauthCheckerOfEachLoginList) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"username alice secret alice-pw", "aaa new-model", "aaa authentication login L local",
                          "aaa authentication login R group RADGROUP", "aaa authentication login RL group RADGROUP local"}));
  const IpAddress client = ip("198.51.100.11");
  EXPECT_EQ(p.xauth_checker("undefined", client), nullptr);
  auto local = p.xauth_checker("L", client);
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->answers_on_loop());
  EXPECT_EQ(local->check("alice", Secret(std::string_view("alice-pw"))).error, "");
  EXPECT_EQ(local->check("alice", Secret(std::string_view("nope"))).error, "wrong user name or password");
  // No RADIUS client: a group list refuses with the reason; with `local`
  // after it, the local users decide.
  EXPECT_EQ(p.xauth_checker("R", client)->check("alice", Secret(std::string_view("alice-pw"))).error,
            "login list R: no aaa group server radius RADGROUP (or no RADIUS client)");
  EXPECT_EQ(p.xauth_checker("RL", client)->check("alice", Secret(std::string_view("alice-pw"))).error, "");
  // With one, the group's checker, given the client's address and the fallback.
  std::string asked;
  bool fallback = false;
  p.set_radius_passwords([&](const std::string& g, const IpAddress& remote, std::shared_ptr<ike::PasswordChecker> f)
                             -> std::shared_ptr<ike::PasswordChecker> {
    asked = g + " " + remote.str();
    fallback = f != nullptr;
    return f;
  });
  EXPECT_TRUE(p.xauth_checker("RL", client));
  EXPECT_EQ(asked, "RADGROUP 198.51.100.11");
  EXPECT_TRUE(fallback);
}

// crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand] (seed 001:
// 10-3600, 2-60 default 2, on-demand the default and never written), nat
// keepalive, invalid-spi-recovery: parsed, given to the engine, written back.
TEST(IsakmpPolicy, KeepaliveCommands) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({}));
  EXPECT_EQ(p.keepalive(ip("198.51.100.2"), "").interval_s, 0u);  // no DPD unless configured
  cp.set_model(configure({"crypto isakmp keepalive 60 5"}));
  EXPECT_EQ(p.keepalive({}, ""), (ike::DpdConfig{60, 5, false}));
  cp.set_model(configure({"crypto isakmp keepalive 10 periodic"}));
  EXPECT_EQ(p.keepalive({}, ""), (ike::DpdConfig{10, 2, true}));
  cp.set_model(configure({"crypto isakmp keepalive 10 5 periodic", "crypto isakmp keepalive 10 on-demand"}));
  EXPECT_EQ(p.keepalive({}, ""), (ike::DpdConfig{10, 2, false}));

  config::Config c;
  config::CliSession s(c);
  for (auto l : {"enable", "configure terminal", "crypto isakmp keepalive 10 5 periodic", "crypto isakmp nat keepalive 20",
                 "crypto isakmp invalid-spi-recovery"})
    EXPECT_TRUE(s.execute(l).ok) << l;
  std::string rc = c.running_config_text();
  for (auto want : {"crypto isakmp keepalive 10 5 periodic\n", "crypto isakmp nat keepalive 20\n",
                    "crypto isakmp invalid-spi-recovery\n"})
    EXPECT_NE(rc.find(want), std::string::npos) << want << rc;
  EXPECT_EQ(c.model().isakmp.nat_keepalive, 20);
  EXPECT_TRUE(c.model().isakmp.invalid_spi_recovery);
  for (auto bad : {"crypto isakmp keepalive", "crypto isakmp keepalive 9", "crypto isakmp keepalive 3601",
                   "crypto isakmp keepalive 10 1", "crypto isakmp keepalive 10 61", "crypto isakmp nat keepalive 4"})
    EXPECT_FALSE(s.execute(bad).ok) << bad;
  EXPECT_EQ(c.model().isakmp.keepalive->retry, 5);  // unchanged by the refused lines
  for (auto l : {"no crypto isakmp keepalive", "no crypto isakmp nat keepalive", "no crypto isakmp invalid-spi-recovery"})
    EXPECT_TRUE(s.execute(l).ok) << l;
  EXPECT_FALSE(c.model().isakmp.keepalive);
  EXPECT_FALSE(c.model().isakmp.nat_keepalive);
  EXPECT_EQ(c.running_config_text().find("crypto isakmp keepalive"), std::string::npos);
  EXPECT_EQ(c.running_config_text().find("invalid-spi"), std::string::npos);
}

// keepalive SECONDS retry RETRY in a crypto isakmp profile overrides the
// global keepalive for SAs using the profile (IOS: on demand); either one
// makes phase 1 announce DPD. Bad values are refused and change nothing.
TEST(IsakmpPolicy, ProfileKeepaliveOverridesTheGlobalOne) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({}));
  EXPECT_FALSE(p.dpd_configured());
  cp.set_model(configure({"crypto isakmp profile P", " keepalive 20 retry 3", " exit"}));
  EXPECT_TRUE(p.dpd_configured());
  EXPECT_EQ(p.keepalive({}, "P"), (ike::DpdConfig{20, 3, false}));
  EXPECT_EQ(p.keepalive({}, "").interval_s, 0u);
  cp.set_model(configure({"crypto isakmp keepalive 60 10 periodic", "crypto isakmp profile P", " keepalive 20 retry 3",
                          " exit", "crypto isakmp profile Q", " exit"}));
  EXPECT_EQ(p.keepalive({}, "P"), (ike::DpdConfig{20, 3, false}));
  EXPECT_EQ(p.keepalive({}, "Q"), (ike::DpdConfig{60, 10, true}));  // Q has none: the global one

  config::Config c;
  config::CliSession s(c);
  for (auto l : {"enable", "configure terminal", "crypto isakmp profile P", "keepalive 20 retry 3"})
    EXPECT_TRUE(s.execute(l).ok) << l;
  for (auto bad : {"keepalive 9 retry 2", "keepalive 20 retry 61", "keepalive 20", "keepalive 20 2"})
    EXPECT_FALSE(s.execute(bad).ok) << bad;
  EXPECT_EQ(c.model().ezvpn.profiles.at("P").keepalive_retry, 3);
  EXPECT_NE(c.running_config_text().find("crypto isakmp profile P\n   keepalive 20 retry 3\n"), std::string::npos)
      << c.running_config_text();
  EXPECT_TRUE(s.execute("no keepalive 20 retry 3").ok);
  EXPECT_EQ(c.model().ezvpn.profiles.at("P").keepalive, 0);
}

// set isakmp-profile: the initiator's key comes from that profile's keyring
// only; a responder finds the key in any keyring by address, then matches
// the profile by identity; map_profile names the entry's profile.
TEST(IsakmpPolicy, CryptoMapIsakmpProfileKeysAndMatching) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"crypto keyring KR1", " pre-shared-key address 198.51.100.11 key 0 key-one", " exit",
                          "crypto keyring KR2", " pre-shared-key address 198.51.100.12 key 0 key-two", " exit",
                          "crypto isakmp profile P1", " match identity address 198.51.100.11", " keyring KR1", " exit",
                          "crypto isakmp profile P2", " match identity address 198.51.100.12", " keyring KR2", " exit",
                          "crypto ipsec transform-set TS esp-aes esp-sha-hmac",
                          "access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.63",
                          "crypto map CMAP 10 ipsec-isakmp", " set peer 198.51.100.11", " set transform-set TS",
                          " set isakmp-profile P1", " match address 101", " exit",
                          "interface eth0", " ip address 198.51.100.1 255.255.255.0", " crypto map CMAP", " exit"}));
  EXPECT_TRUE(p.profile_psk("P1", {}, ip("198.51.100.11"))->equals(as_bytes("key-one")));
  EXPECT_FALSE(p.profile_psk("P1", {}, ip("198.51.100.12")));  // only P1's keyring
  EXPECT_TRUE(p.psk({}, ip("198.51.100.12"))->equals(as_bytes("key-two")));  // responder: any keyring
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.11"), isakmp::IdType::kIpv4Addr, "198.51.100.11"), "P1");
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.12"), isakmp::IdType::kIpv4Addr, "198.51.100.12"), "P2");
  EXPECT_EQ(p.match_profile({}, ip("203.0.113.5"), isakmp::IdType::kIpv4Addr, "203.0.113.5"), "");
  EXPECT_EQ(p.map_profile({}, ip("198.51.100.11")), "P1");
  EXPECT_EQ(p.map_profile({}, ip("198.51.100.12")), "");
}

// Invalid-SPI recovery only for static peers: a key for the address alone.
TEST(IsakmpPolicy, InvalidSpiRecoveryOnlyForStaticPeers) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  std::vector<std::string> lines = {"crypto isakmp key 0 k1 address 198.51.100.2",
                                    "crypto isakmp key 0 k2 address 0.0.0.0 0.0.0.0"};
  cp.set_model(configure(lines));
  EXPECT_FALSE(p.invalid_spi_recovery(ip("198.51.100.2")));  // off by default
  lines.push_back("crypto isakmp invalid-spi-recovery");
  cp.set_model(configure(lines));
  EXPECT_TRUE(p.invalid_spi_recovery(ip("198.51.100.2")));
  EXPECT_FALSE(p.invalid_spi_recovery(ip("198.51.100.3")));  // only the wildcard key
}

TEST(ShowIsakmp, SaTableAsIos) {
  ikev1::IsakmpSaInfo s;
  s.conn_id = 1001;
  s.initiator = true;
  s.local = {ip("198.51.100.1"), 4500};
  s.remote = {ip("198.51.100.2"), 4500};
  s.state = "QM_IDLE";
  s.status = "ACTIVE";
  s.policy = {10, crypto::Cipher::kAesCbc, 256, crypto::Prf::kHmacSha2_256, crypto::Group::kModp2048};
  s.expire_in_s = 3599;
  s.nat = true;
  EXPECT_NE(isakmp_sa_text({s}).find("198.51.100.2    198.51.100.1    QM_IDLE           1001 ACTIVE\n"),
            std::string::npos) << isakmp_sa_text({s});
  EXPECT_NE(isakmp_sa_detail_text({s}).find("1001  198.51.100.1    198.51.100.2           ACTIVE aes  sha256 psk  14 00:59:59 N\n"),
            std::string::npos) << isakmp_sa_detail_text({s});
}

// authentication ecdsa-sig (IOS 15): written back, shown, and given to the
// engine as an ECDSA method (the engine offers its key's curve's).
TEST(IsakmpPolicy, EcdsaSigPolicy) {
  config::Config c;
  config::CliSession s(c);
  for (auto l : {"enable", "configure terminal", "crypto isakmp policy 10", " authentication ecdsa-sig", " end"})
    EXPECT_TRUE(s.execute(l).ok) << l;
  EXPECT_NE(c.running_config_text().find("crypto isakmp policy 10\n authentication ecdsa-sig\n"), std::string::npos)
      << c.running_config_text();
  auto shown = s.execute("show crypto isakmp policy");
  EXPECT_NE(shown.text.find("authentication method:  ECDSA Signature\n"), std::string::npos) << shown.text;
  // A method we do not have: refused, the policy unchanged.
  for (auto l : {"configure terminal", "crypto isakmp policy 10"}) EXPECT_TRUE(s.execute(l).ok) << l;
  EXPECT_FALSE(s.execute(" authentication dsa-sig").ok);
  EXPECT_EQ(c.model().isakmp.policies.at(10).authentication, "ecdsa-sig");
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(c.model());
  ASSERT_EQ(p.policies().size(), 1u);
  EXPECT_TRUE(ikev1::ecdsa_auth(p.policies()[0].auth));

  ikev1::IsakmpSaInfo sa;
  sa.conn_id = 1001;
  sa.local = {ip("198.51.100.1"), 500};
  sa.remote = {ip("198.51.100.2"), 500};
  sa.status = "ACTIVE";
  sa.policy = {10, crypto::Cipher::kAesCbc, 256, crypto::Prf::kHmacSha1, crypto::Group::kModp2048, isakmp::P1Auth::kEcdsa256};
  sa.expire_in_s = 3599;
  EXPECT_NE(isakmp_sa_detail_text({sa}).find("ACTIVE aes  sha    ecsig 14 00:59:59"), std::string::npos)
      << isakmp_sa_detail_text({sa});
}


// crypto isakmp peer address A: the engine's Aggressive Mode identity and
// key, only with both the password and the client-endpoint; a tunnel to A
// uses ISAKMP with it alone.
TEST(IsakmpPolicy, AggressivePeerNeedsPasswordAndClientEndpoint) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  auto lines = kSite;
  for (auto l : {"crypto isakmp peer address 198.51.100.2", " set aggressive-mode password 0 am-pass",
                 " set aggressive-mode client-endpoint user-fqdn site-a@example.net", " exit",
                 "crypto isakmp peer address 198.51.100.3", " set aggressive-mode client-endpoint ipv4-address 198.51.100.1",
                 " set aggressive-mode password am-pass-3", " exit", "crypto isakmp peer address 198.51.100.4",
                 " set aggressive-mode password am-pass-4", " exit"})
    lines.push_back(l);
  cp.set_model(configure(lines));
  auto a = p.aggressive_peer(ip("198.51.100.2"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id_type, isakmp::IdType::kUserFqdn);
  EXPECT_EQ(std::string(a->id.begin(), a->id.end()), "site-a@example.net");
  EXPECT_TRUE(a->psk.equals(as_bytes("am-pass")));
  auto b = p.aggressive_peer(ip("198.51.100.3"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id_type, isakmp::IdType::kIpv4Addr);
  EXPECT_EQ(b->id, (Bytes{198, 51, 100, 1}));
  EXPECT_FALSE(p.aggressive_peer(ip("198.51.100.4")));  // no client-endpoint: Main Mode
  EXPECT_FALSE(p.aggressive_peer(ip("198.51.100.9")));
  EXPECT_TRUE(p.tunnel_uses_isakmp("Tunnel0"));  // no crypto isakmp key for 198.51.100.2, the peer entry
  EXPECT_FALSE(p.aggressive_mode_disabled());
  lines.push_back("crypto isakmp aggressive-mode disable");
  cp.set_model(configure(lines));
  EXPECT_TRUE(p.aggressive_mode_disabled());
}

// crypto isakmp peer fqdn NAME: the entry of the address NAME resolves to
// when keygated needs it. While the first lookup runs, initiations wait;
// a name that does not resolve matches nothing, is logged and asked again.
TEST(IsakmpPolicy, FqdnPeerMatchesTheAddressItsNameResolvesTo) {
  std::string logs;
  log::set_sink([&](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
  FakeClock clock;
  std::map<std::string, PeerNames::Done> asked;
  PeerNames names(clock, [&](const std::string& n, PeerNames::Done done) { asked[n] = std::move(done); }, "crypto isakmp peer fqdn");
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  p.set_peer_names(&names);
  auto lines = kSite;
  for (auto l : {"crypto isakmp peer fqdn hub.example.net", " set aggressive-mode password 0 am-pass",
                 " set aggressive-mode client-endpoint fqdn site-a.example.net", " exit",
                 "crypto isakmp peer fqdn gone.example.net", " set aggressive-mode password 0 x", " exit"})
    lines.push_back(l);
  cp.set_model(configure(lines));
  const IpAddress hub = ip("198.51.100.2");
  EXPECT_TRUE(p.peer_lookup_pending(hub));  // both names asked, none answered
  EXPECT_EQ(asked.size(), 2u);
  EXPECT_FALSE(p.aggressive_peer(hub));
  auto answer = [&](const char* n, std::optional<IpAddress> a) {
    auto done = std::move(asked.at(n));
    asked.erase(n);
    done(a);
  };
  answer("hub.example.net", hub);
  EXPECT_TRUE(p.peer_lookup_pending(hub));  // gone.example.net still unanswered
  answer("gone.example.net", std::nullopt);
  EXPECT_FALSE(p.peer_lookup_pending(hub));
  EXPECT_NE(logs.find("crypto isakmp peer fqdn gone.example.net does not resolve"), std::string::npos) << logs;
  auto a = p.aggressive_peer(hub);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id_type, isakmp::IdType::kFqdn);
  EXPECT_EQ(std::string(a->id.begin(), a->id.end()), "site-a.example.net");
  EXPECT_TRUE(p.tunnel_uses_isakmp("Tunnel0"));  // no crypto isakmp key: the fqdn entry
  EXPECT_FALSE(p.aggressive_peer(ip("198.51.100.3")));
  EXPECT_TRUE(asked.empty());  // answers are reused ...
  clock.advance(PeerNames::kRetry);
  EXPECT_FALSE(p.aggressive_peer(ip("198.51.100.3")));
  EXPECT_EQ(asked.count("gone.example.net"), 1u);  // ... a failed name is asked again after kRetry
  EXPECT_FALSE(p.peer_lookup_pending(hub));  // and waits for nobody meanwhile
  EXPECT_TRUE(p.aggressive_peer(hub));
  log::set_sink(nullptr);
}

// self-identity in a crypto isakmp profile overrides crypto isakmp identity
// for that profile's SAs.
TEST(IsakmpPolicy, ProfileSelfIdentityOverridesIsakmpIdentity) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"hostname site-a", "crypto isakmp identity hostname", "crypto isakmp profile U",
                          " self-identity user-fqdn vpn@example.net", " exit", "crypto isakmp profile F",
                          " self-identity fqdn", " exit", "crypto isakmp profile A", " self-identity address", " exit",
                          "crypto isakmp profile N", " exit"}));
  using K = ikev1::LocalIdentity::Kind;
  EXPECT_EQ(p.identity("").kind, K::kHostname);
  EXPECT_EQ(p.identity("N").kind, K::kHostname);  // no self-identity: the global one
  EXPECT_EQ(p.identity("U").kind, K::kUserFqdn);
  EXPECT_EQ(p.identity("U").hostname, "vpn@example.net");
  EXPECT_EQ(p.identity("F").kind, K::kHostname);
  EXPECT_EQ(p.identity("F").hostname, "site-a");
  EXPECT_EQ(p.identity("A").kind, K::kAddress);
}

// match identity user NAME | user domain NAME (IOS): a user-FQDN identity,
// whole or by its domain, without case; an FQDN identity is no user.
TEST(IsakmpPolicy, MatchIdentityUserWholeOrByDomain) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"crypto isakmp profile ALICE", " match identity user alice@example.net", " exit",
                          "crypto isakmp profile STAFF", " match identity user domain staff.example.net", " exit"}));
  using T = isakmp::IdType;
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.20"), T::kUserFqdn, "Alice@Example.net"), "ALICE");
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.21"), T::kUserFqdn, "bob@staff.example.net"), "STAFF");
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.21"), T::kUserFqdn, "bob@evilstaff.example.net"), "");
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.22"), T::kUserFqdn, "carol@example.net"), "");
  EXPECT_EQ(p.match_profile({}, ip("198.51.100.20"), T::kFqdn, "alice@example.net"), "");

  config::Config c;
  config::CliSession s(c);
  for (auto l : {"enable", "configure terminal", "crypto isakmp profile P", "match identity user alice@example.net",
                 "match identity user domain staff.example.net"})
    EXPECT_TRUE(s.execute(l).ok) << l;
  EXPECT_NE(c.running_config_text().find("crypto isakmp profile P\n   match identity user alice@example.net\n"
                                         "   match identity user domain staff.example.net\n"),
            std::string::npos)
      << c.running_config_text();
  EXPECT_TRUE(s.execute("no match identity user domain staff.example.net").ok);
  EXPECT_EQ(c.model().ezvpn.profiles.at("P").match_users, std::vector<std::string>{"alice@example.net"});
}

// local-address IFACE | A.B.C.D: a profile takes only SAs on that address of
// ours (an interface: its address).
TEST(IsakmpPolicy, ProfileLocalAddressLimitsItsScope) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"interface eth1", " ip address 203.0.113.1 255.255.255.0", " exit",
                          "crypto isakmp profile ON1", " match identity address 198.51.100.30", " local-address eth1",
                          " exit", "crypto isakmp profile ON2", " match identity address 198.51.100.30",
                          " local-address 198.51.100.1", " exit"}));
  using T = isakmp::IdType;
  EXPECT_EQ(p.match_profile(ip("203.0.113.1"), ip("198.51.100.30"), T::kIpv4Addr, "198.51.100.30"), "ON1");
  EXPECT_EQ(p.match_profile(ip("198.51.100.1"), ip("198.51.100.30"), T::kIpv4Addr, "198.51.100.30"), "ON2");
  EXPECT_EQ(p.match_profile(ip("192.0.2.9"), ip("198.51.100.30"), T::kIpv4Addr, "198.51.100.30"), "");
  config::Config c;
  config::CliSession s(c);
  for (auto l : {"enable", "configure terminal", "crypto isakmp profile P", "local-address eth1"})
    EXPECT_TRUE(s.execute(l).ok) << l;
  EXPECT_NE(c.running_config_text().find("crypto isakmp profile P\n   local-address eth1\n"), std::string::npos)
      << c.running_config_text();
}

}  // namespace
}  // namespace kg::daemon

namespace kg::daemon {
namespace {

// Seed 001's identity hostname example: the key by host name, found in
// Main Mode through the ip host table and in Aggressive Mode by the peer's
// FQDN identity; an address key still wins for its address.
TEST(IsakmpPolicy, HostnameKeysThroughIpHostAndFqdnIdentity) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"crypto isakmp identity hostname",
                          "crypto isakmp key sharedkeystring hostname RemoteRouter.example.com",
                          "ip host RemoteRouter.example.com 198.19.0.1 198.19.0.2",
                          "crypto isakmp key 0 addr-key address 198.19.0.2"}));
  EXPECT_TRUE(p.psk({}, ip("198.19.0.1"))->equals(as_bytes("sharedkeystring")));
  EXPECT_TRUE(p.psk({}, ip("198.19.0.2"))->equals(as_bytes("addr-key")));
  EXPECT_FALSE(p.psk({}, ip("198.19.0.3")));
  EXPECT_TRUE(p.hostname_psk("remoterouter.example.com")->equals(as_bytes("sharedkeystring")));
  EXPECT_FALSE(p.hostname_psk("other.example.com"));
  auto peer = p.ezvpn_peer(ip("198.51.100.1"), ip("203.0.113.9"), isakmp::IdType::kFqdn, "RemoteRouter.example.com");
  ASSERT_TRUE(peer);
  EXPECT_TRUE(peer->psk.equals(as_bytes("sharedkeystring")));
}

// crypto map NAME client authentication list / isakmp authorization list /
// client configuration address, for Easy VPN peers the map serves without
// an ISAKMP profile; a profile's own list wins. crypto logging ezvpn marks
// the group's sessions.
TEST(IsakmpPolicy, CryptoMapClientListsAndEzvpnLogging) {
  std::vector<std::string> lines = {
      "crypto isakmp client configuration group cisco", " key 0 group-key", " exit",
      "crypto ipsec transform-set TS esp-aes esp-sha-hmac", "crypto dynamic-map DYN 10", " set transform-set TS", " exit",
      "crypto map CMAP client authentication list maplist", "crypto map CMAP client configuration address initiate",
      "crypto map CMAP 65535 ipsec-isakmp dynamic DYN",
      "interface eth0", " ip address 198.51.100.1 255.255.255.0", " crypto map CMAP", " exit"};
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure(lines));
  auto peer = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.11"), isakmp::IdType::kKeyId, "cisco");
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->auth_list, "maplist");
  EXPECT_TRUE(peer->push_config);
  EXPECT_FALSE(peer->log_connections);
  lines.insert(lines.end(), {"crypto isakmp profile ez", " match identity group cisco", " client authentication list proflist",
                             " exit", "crypto logging ezvpn group cisco"});
  cp.set_model(configure(lines));
  peer = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.11"), isakmp::IdType::kKeyId, "cisco");
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->auth_list, "proflist");  // the profile's own list wins
  EXPECT_TRUE(peer->push_config);          // the profile has none: the map's
  EXPECT_TRUE(peer->log_connections);
  lines.back() = "crypto logging ezvpn group other";
  cp.set_model(configure(lines));
  EXPECT_FALSE(p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.11"), isakmp::IdType::kKeyId, "cisco")->log_connections);
  lines.back() = "crypto logging ezvpn";
  cp.set_model(configure(lines));
  EXPECT_TRUE(p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.11"), isakmp::IdType::kKeyId, "cisco")->log_connections);
}

// crypto isakmp key ... no-xauth (seed 001): a router peer keyed by address
// on the same crypto map as Easy VPN clients is not asked for XAUTH; a peer
// whose key lacks it is, as on IOS.
TEST(IsakmpPolicy, NoXauthKeyIsNotAskedForXauth) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({"crypto isakmp key 0 router-key address 198.51.100.9 no-xauth",
                          "crypto isakmp key 0 other-key address 198.51.100.10",
                          "crypto ipsec transform-set TS esp-aes esp-sha-hmac", "crypto dynamic-map DYN 10",
                          " set transform-set TS", " exit", "crypto map CMAP client authentication list maplist",
                          "crypto map CMAP 65535 ipsec-isakmp dynamic DYN", "interface eth0",
                          " ip address 198.51.100.1 255.255.255.0", " crypto map CMAP", " exit"}));
  auto router = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.9"), isakmp::IdType::kIpv4Addr, "198.51.100.9");
  ASSERT_TRUE(router);
  EXPECT_TRUE(router->psk.equals(as_bytes("router-key")));
  EXPECT_EQ(router->auth_list, "");
  auto other = p.ezvpn_peer(ip("198.51.100.1"), ip("198.51.100.10"), isakmp::IdType::kIpv4Addr, "198.51.100.10");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->auth_list, "maplist");
}

}  // namespace
}  // namespace kg::daemon
