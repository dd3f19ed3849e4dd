// Remote access in the daemon without I/O: local authorization over the
// examples (pool addresses, DNS, route set, route accept, refusals), the
// Virtual-Template a hub profile clones, a FlexVPN client's own request, and
// Virtual-Access numbering.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/session.h"
#include "daemon/config_policy.h"
#include "daemon/remote_access.h"

namespace kg::daemon {
namespace {

config::Model load(const std::string& file, const std::vector<std::string>& extra = {}) {
  config::Config c;
  auto r = c.load_file(std::string(KG_SOURCE_DIR) + "/examples/" + file);
  EXPECT_TRUE(r && r->empty()) << (r ? *r : r.error().message);
  config::CliSession s(c);
  s.execute("configure terminal");
  for (auto& l : extra) EXPECT_TRUE(s.execute(l).ok) << l;
  return c.model();
}

ike::Identity fqdn(const std::string& s) { return {ike::IdType::kFqdn, Bytes(s.begin(), s.end())}; }
IpAddress ip(const char* s) { return *IpAddress::parse(s); }
Prefix pre(const char* s) { return *Prefix::parse(s); }

struct Hub : ::testing::Test {
  ConfigPolicy policy;
  aaa::AddressPools pools;
  void use(const config::Model& m) {
    policy.set_model(m);
    pools.configure(m);
    policy.set_remote_access(&pools, nullptr);
  }
  ike::ConfigQuery query(const std::string& id, const char* from = "198.51.100.11") {
    ike::ConfigQuery q{"default", ike::AuthKind::kPsk, fqdn(id), ip("198.51.100.1"), ip(from), {}};
    q.request.want_ip4 = true;
    q.request.want_dns = true;
    return q;
  }
};

TEST_F(Hub, RemoteAccessGrantsPoolAddressDnsAndSplitRoutes) {
  use(load("ra-hub.cfg"));
  auto d = policy.authorize(query("client1.example.net"));
  ASSERT_EQ(d.status, ike::ConfigDecision::Status::kGranted);
  EXPECT_EQ(d.reply.ip4, pre("198.18.1.10/32"));
  EXPECT_EQ(d.reply.dns, (std::vector<IpAddress>{ip("198.18.0.53"), ip("198.18.0.54")}));
  EXPECT_EQ(d.reply.domain, "example.net");
  // route set interface (Virtual-Template1 unnumbered to Loopback0) + route set remote.
  EXPECT_EQ(d.reply.subnets, (std::vector<Prefix>{pre("198.18.0.1/32"), pre("203.0.113.0/24")}));
  EXPECT_NE(d.session.lease, 0u);
  EXPECT_EQ(d.session.address, pre("198.18.1.10/32"));
  EXPECT_EQ(pools.lease(d.session.lease)->user, "client1.example.net");
  auto d2 = policy.authorize(query("client2.example.net", "198.51.100.12"));
  EXPECT_EQ(d2.reply.ip4, pre("198.18.1.11/32"));
  pools.release(d.session.lease);  // ReleaseConfig
  EXPECT_EQ(policy.authorize(query("client3.example.net", "198.51.100.13")).reply.ip4, pre("198.18.1.10/32"));
}

// EAP users the RADIUS relay accepted: their Access-Accept's attributes win
// over the local policy, once (aaa/radius_eap.h AcceptedUsers).
TEST_F(Hub, RadiusAttributesOfAnEapUserDecideAddressPoolAndDns) {
  use(load("ra-hub.cfg", {"ip local pool RA-POOL2 198.18.2.10 198.18.2.20", "crypto ikev2 profile default",
                          "aaa authorization group eap list flex_local RA"}));
  auto accepted = std::make_shared<aaa::AcceptedUsers>();
  policy.set_accepted_users(accepted);
  aaa::RadiusAuthorization bob;
  bob.pool = "RA-POOL2";
  bob.dns = {ip("198.18.0.99")};
  bob.routes = {pre("198.51.100.128/25")};
  accepted->put("client2.example.net", {"bob", bob});
  auto q = query("client2.example.net", "198.51.100.12");
  q.peer_auth = ike::AuthKind::kEap;
  auto d = policy.authorize(q);
  ASSERT_EQ(d.status, ike::ConfigDecision::Status::kGranted);
  EXPECT_EQ(d.reply.ip4, pre("198.18.2.10/32"));
  EXPECT_EQ(d.reply.dns, std::vector<IpAddress>{ip("198.18.0.99")});
  // RADIUS's route with the policy's (seed 004 merging: route sets of both sides).
  EXPECT_NE(std::find(d.reply.subnets.begin(), d.reply.subnets.end(), pre("198.51.100.128/25")), d.reply.subnets.end());
  EXPECT_GE(d.reply.subnets.size(), 2u);
  EXPECT_EQ(pools.lease(d.session.lease)->user, "bob");
  EXPECT_EQ(accepted->size(), 0u);  // used once

  aaa::RadiusAuthorization alice;
  alice.framed_ip = ip("198.18.3.7");
  accepted->put("client1.example.net", {"alice", alice});
  auto q1 = query("client1.example.net");
  q1.peer_auth = ike::AuthKind::kEap;
  auto d1 = policy.authorize(q1);
  EXPECT_EQ(d1.reply.ip4, pre("198.18.3.7/32"));  // RADIUS-managed: no lease
  EXPECT_EQ(d1.session.lease, 0u);
  // Without cached attributes the local policy applies as before.
  q1.peer_id = fqdn("client3.example.net");
  EXPECT_EQ(policy.authorize(q1).reply.ip4, pre("198.18.1.10/32"));
}

// keyring aaa (seed 004, "AAA Pre-Shared Keys – Packet Flow": "other user
// attributes ... cached for authorization"): the Accept that gave a PSK
// peer its keys leaves its other attributes for that peer's authorization.
TEST_F(Hub, KeyringAaaAcceptIsCachedForThePskPeer) {
  use(load("ra-hub.cfg"));
  auto accepted = std::make_shared<aaa::AcceptedUsers>();
  policy.set_accepted_users(accepted);
  aaa::RadiusAuthorization r1;
  r1.framed_ip = ip("198.18.3.8");
  accepted->put("r1.example.net", {"r1", r1});
  auto d = policy.authorize(query("r1.example.net"));
  ASSERT_EQ(d.status, ike::ConfigDecision::Status::kGranted);
  EXPECT_EQ(d.reply.ip4, pre("198.18.3.8/32"));
  EXPECT_EQ(accepted->size(), 0u);  // used once
  ASSERT_TRUE(policy.authorized_session(ip("198.51.100.11"), "r1.example.net"));
  EXPECT_EQ(policy.authorized_session(ip("198.51.100.11"), "r1.example.net")->user, "r1");
}

// `aaa accounting eap LIST` in the profile: an authorized EAP session is
// handed to accounting with its group, the accepted user and the Class
// values; PSK peers and profiles without the line are not.
TEST_F(Hub, AccountedEapSessionsAreReportedWithUserAndClass) {
  use(load("ra-hub.cfg", {"aaa new-model", "aaa accounting network acct start-stop group frad",
                          "crypto ikev2 profile default", "aaa authorization group eap list flex_local RA",
                          "aaa accounting eap acct"}));
  auto accepted = std::make_shared<aaa::AcceptedUsers>();
  policy.set_accepted_users(accepted);
  std::vector<ConfigPolicy::AccountedUser> got;
  policy.set_accounting([&](ConfigPolicy::AccountedUser u) { got.push_back(std::move(u)); });
  aaa::RadiusAuthorization alice;
  alice.framed_ip = ip("198.18.3.7");
  alice.classes = {Bytes{'c', '1'}};
  accepted->put("client1.example.net", {"alice", alice});
  auto q = query("client1.example.net");
  q.peer_auth = ike::AuthKind::kEap;
  ASSERT_EQ(policy.authorize(q).status, ike::ConfigDecision::Status::kGranted);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ike_id, "client1.example.net");
  EXPECT_EQ(got[0].group, "frad");
  EXPECT_EQ(got[0].user, "alice");
  EXPECT_EQ(got[0].classes, std::vector<Bytes>{(Bytes{'c', '1'})});
  EXPECT_EQ(got[0].framed_ip, ip("198.18.3.7"));
  policy.authorize(query("client2.example.net", "198.51.100.12"));  // PSK: `aaa accounting eap` only
  EXPECT_EQ(got.size(), 1u);
}

TEST_F(Hub, EmptyPoolIsNoAddress) {
  use(load("ra-hub.cfg", {"no ip local pool RA-POOL", "ip local pool RA-POOL 198.18.1.10"}));
  EXPECT_EQ(policy.authorize(query("client1.example.net")).status, ike::ConfigDecision::Status::kGranted);
  auto d = policy.authorize(query("client2.example.net"));
  EXPECT_EQ(d.status, ike::ConfigDecision::Status::kNoAddress);
  EXPECT_EQ(pools.leases().size(), 1u);  // nothing leaked
}

TEST_F(Hub, AuthorizationFailureRefusesAndNoAaaIgnores) {
  use(load("ra-hub.cfg", {"crypto ikev2 profile default", "aaa authorization user psk list flex_local"}));
  // User authorization by identity: no policy named client1.example.net.
  EXPECT_EQ(policy.authorize(query("client1.example.net")).status, ike::ConfigDecision::Status::kRefused);
  use(load("site-a.cfg"));
  EXPECT_EQ(policy.authorize(query("site-b.example.net")).status, ike::ConfigDecision::Status::kNone);
}

TEST_F(Hub, SpokeRoutesAcceptedButNeverItsOwnEndpoint) {
  use(load("flexvpn-hub1.cfg"));
  auto q = query("spoke1.example.net", "198.51.100.2");
  q.request.subnets = {pre("192.0.2.0/25"), pre("0.0.0.0/0"), pre("198.51.100.0/24")};
  auto d = policy.authorize(q);
  ASSERT_EQ(d.status, ike::ConfigDecision::Status::kGranted);
  EXPECT_EQ(d.session.routes, std::vector<Prefix>{pre("192.0.2.0/25")});
  // route set interface + route set access-list HUB-LANS.
  EXPECT_EQ(d.reply.subnets, (std::vector<Prefix>{pre("198.18.0.1/32"), pre("203.0.113.0/24")}));
}

TEST_F(Hub, ProfileVirtualTemplateServesPeersWithoutTunnels) {
  use(load("ra-hub.cfg"));
  auto c = policy.child_for_peer("default", ip("198.51.100.1"), ip("198.51.100.77"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->interface, "Virtual-Template1");
  ASSERT_EQ(c->local_ts.size(), 1u);
  EXPECT_EQ(c->local_ts[0].end.str(), "255.255.255.255");
  EXPECT_FALSE(c->config_request);
  use(load("ra-hub.cfg", {"interface Virtual-Template1 type tunnel", "shutdown"}));
  EXPECT_FALSE(policy.child_for_peer("default", ip("198.51.100.1"), ip("198.51.100.77")));
}

TEST_F(Hub, FlexvpnClientAsksForAnAddressAndAdvertisesItsLan) {
  use(load("flexvpn-spoke1.cfg"));
  auto c = policy.child_for_tunnel("Tunnel0");
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->config_request);
  EXPECT_TRUE(c->config_request->request.want_ip4);
  EXPECT_EQ(c->config_request->request.subnets, std::vector<Prefix>{pre("192.0.2.0/25")});
  EXPECT_TRUE(c->config_request->accept_routes);
  // A plain site-to-site tunnel sends no configuration payload.
  use(load("site-a.cfg"));
  EXPECT_FALSE(policy.child_for_tunnel("Tunnel0")->config_request);
}

TEST(VirtualAccessTable, LowestFreeNumber) {
  VirtualAccessTable t;
  for (uint32_t id : {7u, 8u, 9u}) {
    VirtualAccess va;
    va.templ = "Virtual-Template1";
    va.session = id;
    va.remote = {ip("198.51.100.9"), uint16_t(id)};
    t.add(va);
  }
  EXPECT_EQ(t.by_session(8)->name, "Virtual-Access2");
  EXPECT_EQ(t.by_remote("Virtual-Template1", {ip("198.51.100.9"), 9})->name, "Virtual-Access3");
  EXPECT_FALSE(t.by_remote("Virtual-Template1", {ip("198.51.100.9"), 4500}));
  EXPECT_FALSE(t.by_remote("Virtual-Template2", {ip("198.51.100.9"), 9}));
  ASSERT_TRUE(t.remove(8));
  EXPECT_FALSE(t.remove(8));
  VirtualAccess va;
  va.session = 10;
  EXPECT_EQ(t.add(va).name, "Virtual-Access2");
  EXPECT_EQ(t.by_name("Virtual-Access2")->session, 10u);
  EXPECT_FALSE(t.by_name("Virtual-Access5"));
}

}  // namespace
}  // namespace kg::daemon
