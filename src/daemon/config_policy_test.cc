#include "daemon/config_policy.h"

#include <gtest/gtest.h>

#include "config/session.h"

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
  auto m = parse_addr_mask("192.0.2.0 255.255.255.128");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->len, 25);
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
  auto m = parse_addr_mask("2001:db8:100::2/128");  // keyring peer address
  ASSERT_TRUE(m);
  EXPECT_EQ(m->len, 128);
  EXPECT_TRUE(m->contains(remote));
  EXPECT_FALSE(m->contains(*IpAddress::parse("2001:db8:100::9")));
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
  EXPECT_TRUE(is_gre(p.model().interfaces.at("Tunnel0")));
  EXPECT_FALSE(init->transport);
  // mode transport in the transform set: ask for USE_TRANSPORT_MODE.
  auto m = p.model();
  m.transform_sets["TR"] = {{"esp-gcm 256"}, "transport"};
  m.ipsec_profiles["default"].transform_sets = {"TR"};
  p.set_model(m);
  ASSERT_TRUE(p.child_for_tunnel("Tunnel0"));
  EXPECT_TRUE(p.child_for_tunnel("Tunnel0")->transport);
  m.interfaces["Tunnel0"].tunnel_mode = "ipsec ipv4";  // a VTI stays in tunnel mode, as on IOS
  p.set_model(m);
  EXPECT_FALSE(p.child_for_tunnel("Tunnel0")->transport);
}

}  // namespace
}  // namespace kg::daemon
