#include "daemon/config_policy.h"

#include <gtest/gtest.h>

#include "common/log.h"
#include "config/session.h"
#include "ike/auth_local.h"

namespace kg::daemon {
namespace {

config::Model load(const std::string& file) {
  config::Config c;
  auto r = c.load_file(std::string(KG_SOURCE_DIR) + "/examples/" + file);
  EXPECT_TRUE(r && r->empty()) << (r ? *r : r.error().message);
  return c.model();
}

ike::Identity fqdn(const std::string& s) { return {ike::IdType::kFqdn, Bytes(s.begin(), s.end())}; }

TEST(ConfigPolicy, SiteAExampleGivesProfileKeysAndTunnelSelectors) {
  ConfigPolicy p;
  p.set_model(load("site-a.cfg"));
  auto local = *IpAddress::parse("198.51.100.1"), remote = *IpAddress::parse("198.51.100.2");
  EXPECT_FALSE(p.ike_proposals(local).empty());
  auto prof = p.profile_for_peer(fqdn("site-b.example.net"), local, remote);
  ASSERT_TRUE(prof);
  EXPECT_EQ(prof->local_id.str(), "site-a.example.net");
  EXPECT_FALSE(prof->local_psk.empty());
  EXPECT_FALSE(p.profile_for_peer(fqdn("intruder.example.net"), local, remote));
  auto child = p.child_for_peer(prof->name, local, remote);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->interface, "Tunnel0");
  EXPECT_FALSE(child->transforms.empty());
  // Remote selectors: the tunnel subnet and the routed LAN behind the peer.
  ASSERT_EQ(child->remote_ts.size(), 2u);
  EXPECT_EQ(child->remote_ts[0].start.str(), "203.0.113.0");
  EXPECT_EQ(child->remote_ts[1].start.str(), "192.0.2.128");
  EXPECT_EQ(child->remote_ts[1].end.str(), "192.0.2.255");
  EXPECT_FALSE(p.child_for_peer(prof->name, local, *IpAddress::parse("198.51.100.9")));
}

// nat force-encap on the responder: known at IKE_SA_INIT from the tunnel
// whose destination is the peer, else from any profile for the local address.
TEST(ConfigPolicy, ResponderForceEncapFollowsTheTunnelProfile) {
  config::Config c;
  auto r = c.load_file(std::string(KG_SOURCE_DIR) + "/examples/site-a.cfg");
  ASSERT_TRUE(r && r->empty());
  auto local = *IpAddress::parse("198.51.100.1"), remote = *IpAddress::parse("198.51.100.2");
  auto other = *IpAddress::parse("198.51.100.9");
  ConfigPolicy p;
  p.set_model(c.model());
  EXPECT_FALSE(p.responder_force_encap(local, remote));
  EXPECT_FALSE(p.responder_force_encap(local, other));
  config::CliSession cli(c);
  auto run = [&cli](std::initializer_list<const char*> lines) {
    for (auto* l : lines) ASSERT_TRUE(cli.execute(l).ok) << l;
  };
  run({"configure terminal", "crypto ikev2 profile default", "nat force-encap"});
  p.set_model(c.model());
  EXPECT_TRUE(p.responder_force_encap(local, remote));  // Tunnel0's profile
  EXPECT_TRUE(p.responder_force_encap(local, other));   // no tunnel: any profile for this address
  run({"match address local 198.51.100.7"});
  p.set_model(c.model());
  EXPECT_TRUE(p.responder_force_encap(local, remote));
  EXPECT_FALSE(p.responder_force_encap(local, other));
}

// ChaCha20-Poly1305's words become ENCR 28 without a Key Length attribute.
TEST(ConfigPolicy, Chacha20Poly1305WordsGiveTransform28) {
  config::Config c;
  auto r = c.load_file(std::string(KG_SOURCE_DIR) + "/examples/site-a.cfg");
  ASSERT_TRUE(r && r->empty());
  config::CliSession cli(c);
  for (auto* l : {"configure terminal", "crypto ikev2 proposal default", "encryption chacha20-poly1305",
                  "crypto ipsec transform-set default esp-chacha20-poly1305"})
    ASSERT_TRUE(cli.execute(l).ok) << l;
  ConfigPolicy p;
  p.set_model(c.model());
  bool ike = false;
  for (auto& pr : p.ike_proposals(*IpAddress::parse("198.51.100.1")))
    for (auto& e : pr.encr) ike = ike || (uint16_t(e.id) == 28 && e.key_bits == 0);
  EXPECT_TRUE(ike);
  auto child = p.child_for_tunnel("Tunnel0");
  ASSERT_TRUE(child);
  ASSERT_FALSE(child->transforms.empty());
  EXPECT_EQ(uint16_t(child->transforms[0].encr), 28);
  EXPECT_EQ(child->transforms[0].key_bits, 0);
  EXPECT_EQ(child->transforms[0].integ, ike::IntegId::kNone);
}

TEST(ConfigPolicy, DefaultTransformSetYieldsGcmAndCbcAlternatives) {
  ConfigPolicy p;
  p.set_model(load("site-a.cfg"));
  auto child = p.child_for_tunnel("Tunnel0");
  ASSERT_TRUE(child);
  bool gcm = false, cbc = false;
  for (auto& t : child->transforms) {
    gcm = gcm || (t.encr == ike::EncrId::kAesGcm16 && t.integ == ike::IntegId::kNone);
    cbc = cbc || (t.encr == ike::EncrId::kAesCbc && t.integ != ike::IntegId::kNone);
  }
  EXPECT_TRUE(gcm);
  EXPECT_TRUE(cbc);
}

TEST(ConfigPolicy, IdentityWords) {
  auto a = identity_from_words("address 192.0.2.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, ike::IdType::kIpv4Addr);
  EXPECT_EQ(a->data.size(), 4u);
  EXPECT_FALSE(identity_from_words("bogus x"));
}

TEST(ConfigPolicy, Ipv6TunnelSelectorsAndKeyring) {
  ConfigPolicy p;
  p.set_model(load("site-a-ipv6.cfg"));
  auto local = *IpAddress::parse("2001:db8:100::1"), remote = *IpAddress::parse("2001:db8:100::2");
  auto prof = p.profile_for_peer(fqdn("site-b.example.net"), local, remote);
  ASSERT_TRUE(prof);
  EXPECT_FALSE(prof->local_psk.empty());  // keyring peer address 2001:db8:100::2/128
  auto child = p.child_for_peer(prof->name, local, remote);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->interface, "Tunnel0");
  ASSERT_EQ(child->local_ts.size(), 1u);
  EXPECT_EQ(child->local_ts[0].type, ike::TsType::kIpv6AddrRange);
  EXPECT_EQ(child->local_ts[0].start.str(), "::");
  ASSERT_EQ(child->remote_ts.size(), 2u);
  EXPECT_EQ(child->remote_ts[0].start.str(), "2001:db8:ffff::");
  EXPECT_EQ(child->remote_ts[1].start.str(), "2001:db8:b::");
  EXPECT_EQ(child->remote_ts[1].end.str(), "2001:db8:b:0:ffff:ffff:ffff:ffff");
}

TEST(ConfigPolicy, GreTunnelProtectsTheGreFlow) {
  ConfigPolicy p;
  p.set_model(load("site-a-gre.cfg"));
  auto local = *IpAddress::parse("198.51.100.1"), remote = *IpAddress::parse("198.51.100.2");
  auto prof = p.profile_for_peer(fqdn("site-b.example.net"), local, remote);
  ASSERT_TRUE(prof);
  auto child = p.child_for_peer(prof->name, local, remote);
  ASSERT_TRUE(child);
  ASSERT_EQ(child->local_ts.size(), 1u);
  ASSERT_EQ(child->remote_ts.size(), 1u);
  EXPECT_EQ(child->local_ts[0].ip_protocol, 47);
  EXPECT_EQ(child->local_ts[0].start.str(), "198.51.100.1");
  EXPECT_EQ(child->local_ts[0].end.str(), "198.51.100.1");
  EXPECT_EQ(child->remote_ts[0].ip_protocol, 47);
  EXPECT_EQ(child->remote_ts[0].start.str(), "198.51.100.2");
  EXPECT_EQ(child->remote_ts[0].end.str(), "198.51.100.2");
  // tunnel source eth0 has its address in the model: known before initiating.
  auto init = p.child_for_tunnel("Tunnel0");
  ASSERT_TRUE(init);
  EXPECT_EQ(init->local_ts[0].start.str(), "198.51.100.1");
  EXPECT_TRUE(is_gre("Tunnel0", p.model().interfaces.at("Tunnel0")));
  EXPECT_FALSE(init->transport);
  // mode transport in the transform set: ask for USE_TRANSPORT_MODE.
  auto m = p.model();
  m.transform_sets["TR"] = {{*config::EspTransform::parse("esp-gcm 256")}, "transport"};
  m.ipsec_profiles["default"].transform_sets = {"TR"};
  p.set_model(m);
  ASSERT_TRUE(p.child_for_tunnel("Tunnel0"));
  EXPECT_TRUE(p.child_for_tunnel("Tunnel0")->transport);
  m.interfaces["Tunnel0"].tunnel_mode = config::TunnelMode::kIpsecIpv4;  // a VTI stays in tunnel mode, as on IOS
  p.set_model(m);
  EXPECT_FALSE(p.child_for_tunnel("Tunnel0")->transport);
}

// --- IOS defaults and matching (issue 14, part 4) ---------------------------

config::Model from_lines(std::initializer_list<const char*> lines) {
  config::Config c;
  config::CliSession cli(c);
  EXPECT_TRUE(cli.execute("configure terminal").ok);
  for (auto* l : lines) {
    auto r = cli.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  return c.model();
}

ike::Identity email(const std::string& s) { return {ike::IdType::kRfc822Addr, Bytes(s.begin(), s.end())}; }
ike::Identity key_id(const std::string& s) { return {ike::IdType::kKeyId, Bytes(s.begin(), s.end())}; }
ike::Identity addr_id(const char* a) {
  auto x = *IpAddress::parse(a);
  return {x.is_v4() ? ike::IdType::kIpv4Addr : ike::IdType::kIpv6Addr, Bytes(x.bytes().begin(), x.bytes().end())};
}
IpAddress ip(const char* a) { return *IpAddress::parse(a); }

// Most specific first: exact identity or hostname, then the longest domain,
// then the longest address mask. Peer names sort so that taking the first
// match in name order would give the wrong answer every time.
TEST(IosDefaults, KeyringPeerMostSpecificMatch) {
  auto m = from_lines({"crypto ikev2 keyring KR",
                       "peer a-any", "address 0.0.0.0 0.0.0.0", "pre-shared-key any",
                       "peer b-net", "address 198.51.100.0 255.255.255.0", "pre-shared-key net",
                       "peer c-domain", "identity email domain example.net", "pre-shared-key email-domain",
                       "peer d-fqdn-domain", "identity fqdn domain example.net", "pre-shared-key fqdn-domain",
                       "peer e-host", "address 198.51.100.7", "pre-shared-key host",
                       "peer f-sub", "identity fqdn domain branch.example.net", "pre-shared-key sub",
                       "peer g-alice", "identity email alice@example.net", "pre-shared-key alice",
                       "peer h-name", "hostname r1.example.net", "pre-shared-key hostname",
                       "peer i-v6", "address 2001:db8::/32", "pre-shared-key v6"});
  const auto& kr = m.keyrings.at("KR");
  auto key = [&](const ike::Identity* id, const char* from) {
    auto* p = keyring_peer(kr, id, ip(from));
    return p ? std::string(p->psk.view().begin(), p->psk.view().end()) : std::string("(none)");
  };
  auto alice = email("alice@example.net"), bob = email("bob@example.net"), other = email("eve@example.org");
  auto r1 = fqdn("r1.example.net"), x = fqdn("x.example.net"), br = fqdn("x.branch.example.net");
  auto kid = key_id("k");
  EXPECT_EQ(key(&alice, "198.51.100.7"), "alice");      // exact identity over everything
  EXPECT_EQ(key(&bob, "198.51.100.7"), "email-domain");  // domain over a /32
  EXPECT_EQ(key(&br, "198.51.100.7"), "sub");            // the longer domain
  EXPECT_EQ(key(&x, "198.51.100.7"), "fqdn-domain");
  EXPECT_EQ(key(&r1, "198.51.100.7"), "hostname");       // hostname: exact, over the domain
  EXPECT_EQ(key(&other, "198.51.100.7"), "host");        // no identity entry: longest mask
  EXPECT_EQ(key(&kid, "198.51.100.9"), "net");
  EXPECT_EQ(key(&kid, "203.0.113.5"), "any");
  EXPECT_EQ(key(nullptr, "198.51.100.7"), "host");       // initiating: by address only
  EXPECT_EQ(key(nullptr, "2001:db8::5"), "v6");          // 0.0.0.0/0 does not hold IPv6
}

// `match identity remote address 0.0.0.0` (seed 004, Windows clients) and
// `address 0.0.0.0 0.0.0.0` / `::/0`: any peer, whatever its identity type;
// a real prefix still matches only address identities inside it.
TEST(IosDefaults, MatchIdentityRemoteAddressZeroMatchesAnyPeer) {
  for (const char* rule : {"match identity remote address 0.0.0.0", "match identity remote address 0.0.0.0 0.0.0.0",
                           "match identity remote address ::/0"}) {
    ConfigPolicy p;
    p.set_model(from_lines({"crypto ikev2 profile RA", rule, "authentication local pre-share key l",
                            "authentication remote pre-share key r"}));
    auto local = ip("198.51.100.1"), remote = ip("198.51.100.9");
    for (auto id : {fqdn("win7.example.net"), email("joe@example.net"), addr_id("192.0.2.77"), key_id("x")})
      EXPECT_TRUE(p.profile_for_peer(id, local, remote)) << rule << " " << id.str();
  }
  ConfigPolicy p;
  p.set_model(from_lines({"crypto ikev2 profile NET", "match identity remote address 192.0.2.0 255.255.255.0",
                          "authentication local pre-share key l", "authentication remote pre-share key r"}));
  auto local = ip("198.51.100.1"), remote = ip("198.51.100.9");
  EXPECT_TRUE(p.profile_for_peer(addr_id("192.0.2.77"), local, remote));
  EXPECT_FALSE(p.profile_for_peer(addr_id("192.0.3.1"), local, remote));
  EXPECT_FALSE(p.profile_for_peer(fqdn("win7.example.net"), local, remote));
}

// No identity local: the engine fills in the SA's address (pre-share) or the
// certificate's DN (rsa-sig / ecdsa-sig), as IOS does.
TEST(IosDefaults, IdentityLocalDefaults) {
  ConfigPolicy p;
  p.set_model(from_lines({"crypto ikev2 profile P", "match identity remote any",
                          "authentication local pre-share key l", "authentication remote pre-share key r",
                          "crypto ikev2 profile C", "match identity remote fqdn c.example.net",
                          "authentication local ecdsa-sig", "authentication remote ecdsa-sig"}));
  auto prof = p.profile_by_name("P", ip("198.51.100.2"));
  ASSERT_TRUE(prof);
  EXPECT_TRUE(prof->local_id.data.empty());
  EXPECT_EQ(ike::local_identity(*prof, ip("198.51.100.1")).str(), "198.51.100.1");
  EXPECT_EQ(ike::local_identity(*prof, ip("198.51.100.1")).type, ike::IdType::kIpv4Addr);
  EXPECT_EQ(ike::local_identity(*prof, ip("2001:db8::1")).type, ike::IdType::kIpv6Addr);
  auto cert = p.profile_by_name("C", ip("198.51.100.2"));
  ASSERT_TRUE(cert);
  EXPECT_EQ(cert->local_id.type, ike::IdType::kDerAsn1Dn);
  // Configured identities win.
  p.set_model(from_lines({"crypto ikev2 profile C", "identity local fqdn c.example.net",
                          "authentication local ecdsa-sig"}));
  EXPECT_EQ(p.profile_by_name("C", ip("198.51.100.2"))->local_id.str(), "c.example.net");
}

// The log names what is missing: no keyring peer for this address or
// identity, a keyring that does not exist, a peer without the key, no key
// at all. A profile that exists is found even without a key.
TEST(IosDefaults, MissingKeySaysWhereItWasLookedFor) {
  ConfigPolicy p;
  p.set_model(from_lines({"crypto ikev2 keyring KR", "peer b", "address 198.51.100.2", "pre-shared-key k",
                          "peer half", "address 198.51.100.3", "pre-shared-key remote only-remote",
                          "crypto ikev2 profile default", "match identity remote email domain example.net",
                          "authentication local pre-share", "authentication remote pre-share", "keyring local KR",
                          "crypto ikev2 profile NOKR", "match identity remote fqdn x.example.org",
                          "authentication local pre-share", "authentication remote pre-share", "keyring local GONE",
                          "crypto ikev2 profile NOKEY", "match identity remote fqdn y.example.org"}));
  auto local = ip("198.51.100.1");
  EXPECT_TRUE(p.profile_by_name("default", ip("198.51.100.2"))->psk_missing.empty());
  auto miss = p.profile_by_name("default", ip("198.51.100.9"));
  ASSERT_TRUE(miss);
  EXPECT_EQ(miss->psk_missing, "keyring KR has no peer for address 198.51.100.9");
  EXPECT_FALSE(p.profile_by_name("nonexistent", ip("198.51.100.2")));
  auto r = p.profile_for_peer(email("bob@example.net"), local, ip("198.51.100.9"));
  ASSERT_TRUE(r);  // the profile matched: the missing key is the reason, not the profile
  EXPECT_EQ(r->psk_missing, "keyring KR has no peer for address 198.51.100.9 or identity bob@example.net");
  EXPECT_EQ(p.profile_by_name("default", ip("198.51.100.3"))->psk_missing,
            "keyring KR peer half has no local pre-shared-key");
  EXPECT_EQ(p.profile_for_peer(fqdn("x.example.org"), local, ip("198.51.100.2"))->psk_missing,
            "keyring local GONE is not configured");
  EXPECT_EQ(p.profile_for_peer(fqdn("y.example.org"), local, ip("198.51.100.2"))->psk_missing,
            "no key in `authentication local pre-share key` and no keyring local");
}

// No profile takes the peer: the log says what each profile wanted.
TEST(IosDefaults, NoProfileSaysWhatEachWanted) {
  ConfigPolicy p;
  p.set_model(from_lines({"crypto ikev2 profile RA", "match identity remote email domain example.net",
                          "match identity remote fqdn hub.example.net", "authentication remote pre-share key r",
                          "authentication local pre-share key l", "crypto ikev2 profile SITE",
                          "match identity remote any", "match address local 198.51.100.7"}));
  std::string logs;
  log::set_sink([&logs](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
  EXPECT_FALSE(p.profile_for_peer(email("mallory@example.org"), ip("198.51.100.1"), ip("198.51.100.12")));
  log::set_sink(nullptr);
  EXPECT_NE(logs.find("IKEv2: peer 198.51.100.12 Id: mallory@example.org (email) matches no ikev2 profile: "
                      "RA (wants email domain example.net, fqdn hub.example.net); SITE (match address local "
                      "198.51.100.7, not 198.51.100.1)"),
            std::string::npos)
      << logs;
}

// authentication remote pre-share + rsa-sig: both allowed; without a key
// for this peer the profile still serves certificate peers.
TEST(IosDefaults, SeveralRemoteMethods) {
  ConfigPolicy p;
  p.set_model(from_lines({"crypto ikev2 profile P", "match identity remote any", "authentication local pre-share key l",
                          "authentication remote pre-share", "authentication remote rsa-sig"}));
  auto prof = p.profile_for_peer(fqdn("a.example.net"), ip("198.51.100.1"), ip("198.51.100.2"));
  ASSERT_TRUE(prof);
  EXPECT_TRUE(prof->remote_auth.has(ike::AuthKind::kPsk));
  EXPECT_TRUE(prof->remote_auth.has(ike::AuthKind::kRsaSig));
  EXPECT_FALSE(prof->remote_auth.has(ike::AuthKind::kEcdsaSig));
  EXPECT_TRUE(prof->remote_psk.empty());
  EXPECT_FALSE(prof->psk_missing.empty());
}

// No tunnel mode: GRE over IPv4 on a TunnelN (IOS), IPsec on a Virtual-Template.
TEST(IosDefaults, TunnelWithoutModeIsGre) {
  ConfigPolicy p;
  p.set_model(from_lines({"crypto ikev2 profile default", "match identity remote any",
                          "authentication local pre-share key l", "authentication remote pre-share key r",
                          "interface Tunnel0", "ip address 203.0.113.1 255.255.255.252", "tunnel source 198.51.100.1",
                          "tunnel destination 198.51.100.2", "tunnel protection ipsec profile default",
                          "interface Virtual-Template1 type tunnel", "tunnel protection ipsec profile default"}));
  EXPECT_TRUE(is_gre("Tunnel0", p.model().interfaces.at("Tunnel0")));
  EXPECT_FALSE(is_gre("Virtual-Template1", p.model().interfaces.at("Virtual-Template1")));
  auto c = p.child_for_tunnel("Tunnel0");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->local_ts.size(), 1u);
  EXPECT_EQ(c->local_ts[0].ip_protocol, 47);
  EXPECT_EQ(c->remote_ts[0].start.str(), "198.51.100.2");
  auto m = p.model();
  m.interfaces["Tunnel0"].tunnel_mode = config::TunnelMode::kIpsecIpv4;
  p.set_model(m);
  EXPECT_EQ(p.child_for_tunnel("Tunnel0")->local_ts[0].ip_protocol, 0);
}

}  // namespace
}  // namespace kg::daemon

namespace kg::daemon {
namespace {

// authentication remote eap + aaa authentication eap LIST (group G): the
// profile's EAP back end is the daemon's RADIUS relay to G.
TEST(ConfigPolicy, EapProfileGetsTheRelayOfItsMethodList) {
  config::Config c;
  ASSERT_TRUE(c.load_file(std::string(KG_SOURCE_DIR) + "/examples/ra-hub.cfg"));
  config::CliSession s(c);
  for (const char* l : {"configure terminal", "aaa group server radius frad",
                        "server-private 198.18.0.2 key s3cr3t", "exit", "aaa authentication eap frad group frad",
                        "crypto ikev2 profile default", "no authentication remote pre-share",
                        "authentication remote eap query-identity", "aaa authentication eap frad"})
    ASSERT_TRUE(s.execute(l).ok) << l;
  ConfigPolicy p;
  p.set_model(c.model());
  struct Backend final : ike::EapAuthenticator {
    std::shared_ptr<ike::EapConversation> start(std::string_view) const override { return nullptr; }
  };
  std::vector<std::pair<std::string, bool>> asked;
  p.set_eap_backend([&](const std::string& g, bool q) -> std::shared_ptr<const ike::EapAuthenticator> {
    asked.push_back({g, q});
    return std::make_shared<Backend>();
  });
  auto local = *IpAddress::parse("198.51.100.1"), remote = *IpAddress::parse("198.51.100.11");
  auto prof = p.profile_for_peer(fqdn("client1.example.net"), local, remote);
  ASSERT_TRUE(prof);
  EXPECT_TRUE(prof->remote_auth.has(ike::AuthKind::kEap));
  EXPECT_NE(prof->eap, nullptr);
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.back(), (std::pair<std::string, bool>{"frad", true}));
  // A list that is not a RADIUS group: no back end (EAP refused, logged by the engine).
  ASSERT_TRUE(s.execute("exit").ok);
  ASSERT_TRUE(s.execute("aaa authentication eap frad local").ok);
  p.set_model(c.model());
  EXPECT_EQ(p.profile_for_peer(fqdn("client1.example.net"), local, remote)->eap, nullptr);
}

}  // namespace
}  // namespace kg::daemon
