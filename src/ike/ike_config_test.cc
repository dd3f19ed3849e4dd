// The configuration exchange (tasks/ike_config.cc) between two engines in one
// process on a fake clock: a FlexVPN client asks for an address and advertises
// its LAN; the hub's authorization grants an address, DNS and its routes; the
// hub narrows the client's selectors to them and releases the lease when the
// IKE SA ends.
#include <gtest/gtest.h>

#include <deque>

#include "common/log.h"
#include "ike/engine.h"

namespace kg::ike {
namespace {

Identity fqdn(std::string_view s) { return Identity{IdType::kFqdn, Bytes(s.begin(), s.end())}; }
IpAddress ip(const char* s) { return *IpAddress::parse(s); }
Prefix pre(const char* s) { return *Prefix::parse(s); }
TrafficSelector sel(const char* p) {
  auto x = pre(p);
  TrafficSelector t;
  t.start = x.first();
  t.end = x.last();
  return t;
}

// A hub (responder) with local authorization, or a client (initiator).
struct Policy final : PolicyProvider {
  Policy() { local->policy = this; }
  Policy(const Policy&) = delete;
  ProfileConfig profile;
  Identity peer_id;
  ChildConfig child;
  ConfigDecision decision;         // what its authorizer answers
  std::vector<ConfigQuery> asked;  // what it was asked
  // Local authorization: answers at once.
  struct Local final : Authorizer {
    Policy* policy = nullptr;
    ConfigDecision authorize(const ConfigQuery& q) override {
      policy->asked.push_back(q);
      return policy->decision;
    }
  };
  std::shared_ptr<Local> local = std::make_shared<Local>();
  std::vector<IkeProposalConfig> ike_proposals(const IpAddress&) const override {
    return {{"p", {{EncrId::kAesGcm16, 128}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kCurve25519}}};
  }
  std::optional<ProfileConfig> profile_for_peer(const Identity& id, const IpAddress&, const IpAddress&) const override {
    if (id != peer_id) return std::nullopt;
    return profile;
  }
  std::optional<ProfileConfig> profile_by_name(const std::string&, const IpAddress&) const override { return profile; }
  std::optional<ChildConfig> child_for_peer(const std::string&, const IpAddress&, const IpAddress&) const override {
    return child;
  }
  std::shared_ptr<Authorizer> authorizer() const override { return local; }
};

struct Node {
  Node(uint64_t seed, const char* addr) : rng(seed), me(ip(addr)) {}
  Policy policy;
  FakeRandom rng;
  IpAddress me;
  std::unique_ptr<Engine> engine;
  std::vector<Action> got;
  template <class T>
  std::vector<T> of() const {
    std::vector<T> v;
    for (auto& a : got)
      if (auto* x = std::get_if<T>(&a)) v.push_back(*x);
    return v;
  }
};

class ConfigExchange : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    for (Node* n : {&client, &hub}) {
      bool c = n == &client;
      n->policy.profile = {"default", fqdn(c ? "spoke1.example.net" : "hub.example.net"), AuthKind::kPsk,
                           AuthKind::kPsk, Secret("s3cret"), Secret("s3cret")};
      n->policy.peer_id = fqdn(c ? "hub.example.net" : "spoke1.example.net");
      n->policy.child.transforms = {{"default", EncrId::kAesGcm16, 128, IntegId::kNone}};
      n->policy.child.local_ts = {sel("0.0.0.0/0")};
      n->policy.child.remote_ts = {sel("0.0.0.0/0")};
    }
    client.policy.child.interface = "Tunnel0";
    hub.policy.child.interface = "Virtual-Template1";
    // Tunnel0: ip address negotiated; route set interface Ethernet1 (its LAN).
    ConfigRequest want;
    want.request.want_ip4 = true;
    want.request.want_dns = true;
    want.request.subnets = {pre("192.0.2.128/25")};
    client.policy.child.config_request = want;
    // The hub's authorization: pool address, DNS, domain, route set interface.
    auto& d = hub.policy.decision;
    d.status = ConfigDecision::Status::kGranted;
    d.reply.ip4 = pre("198.18.1.10/32");
    d.reply.dns = {ip("198.18.0.53")};
    d.reply.domain = "example.net";
    d.reply.subnets = {pre("198.18.0.1/32"), pre("203.0.113.0/24")};
    d.session.lease = 77;
    d.session.address = pre("198.18.1.10/32");
    d.session.routes = {pre("192.0.2.128/25")};
  }
  void TearDown() override { log::set_sink(nullptr); }

  Node& at(const IpAddress& x) { return x == client.me ? client : hub; }
  void take(Node& n, std::vector<Action> acts) {
    for (auto& x : acts) {
      if (auto* s = std::get_if<SendPacket>(&x)) wire.push_back(*s);
      else n.got.push_back(std::move(x));
    }
  }
  void pump() {
    while (!wire.empty()) {
      auto p = wire.front();
      wire.pop_front();
      Node& to = at(p.remote.addr);
      take(to, to.engine->on_packet(p.remote, p.local, p.data));
    }
  }
  void connect() {
    client.engine = Engine::create(client.policy, clock, client.rng);
    hub.engine = Engine::create(hub.policy, clock, hub.rng);
    // IKE_SA_INIT { SA KE Ni N(NATD_S) N(NATD_D) } -->
    // <-- IKE_SA_INIT { SA KE Nr N(NATD_S) N(NATD_D) }
    // IKE_AUTH { IDi AUTH CP(CFG_REQUEST) SA TSi TSr } -->
    // <-- IKE_AUTH { IDr AUTH CP(CFG_REPLY) SA TSi TSr }
    take(client, client.engine->initiate({Endpoint{client.me, 500}, Endpoint{hub.me, 500}, "default",
                                          client.policy.child}));
    pump();
  }

  FakeClock clock;
  Node client{11, "198.51.100.2"};
  Node hub{12, "198.51.100.1"};
  std::deque<SendPacket> wire;
  std::string logs;
};

TEST_F(ConfigExchange, ClientGetsAddressDnsAndRoutes) {
  connect();
  ASSERT_EQ(hub.policy.asked.size(), 1u) << logs;
  const ConfigQuery& q = hub.policy.asked[0];
  EXPECT_TRUE(q.request.want_ip4);
  EXPECT_TRUE(q.request.want_dns);
  EXPECT_EQ(q.request.subnets, std::vector<Prefix>{pre("192.0.2.128/25")});
  EXPECT_EQ(q.peer_id, fqdn("spoke1.example.net"));
  EXPECT_EQ(q.profile, "default");

  auto ev = client.of<SessionEvent>();
  ASSERT_EQ(ev.size(), 1u) << logs;
  EXPECT_TRUE(ev[0].up);
  EXPECT_EQ(ev[0].config.address, pre("198.18.1.10/32"));
  EXPECT_EQ(ev[0].config.dns, std::vector<IpAddress>{ip("198.18.0.53")});
  EXPECT_EQ(ev[0].config.domain, "example.net");
  EXPECT_EQ(ev[0].config.routes, (std::vector<Prefix>{pre("198.18.0.1/32"), pre("203.0.113.0/24")}));

  auto hev = hub.of<SessionEvent>();
  ASSERT_EQ(hev.size(), 1u);
  EXPECT_EQ(hev[0].interface, "Virtual-Template1");
  EXPECT_EQ(hev[0].config.lease, 77u);
  EXPECT_EQ(hev[0].config.address, pre("198.18.1.10/32"));
  EXPECT_EQ(hev[0].ike_spi_i, hub.engine->sas()[0].spi_i);
  EXPECT_EQ(hev[0].tunnel_id, hub.engine->sas()[0].tunnel_id);
}

TEST_F(ConfigExchange, SelectorsNarrowedToAssignedAddressAndSubnets) {
  connect();
  auto h = hub.of<InstallChildSa>(), c = client.of<InstallChildSa>();
  ASSERT_EQ(h.size(), 1u) << logs;
  ASSERT_EQ(c.size(), 1u) << logs;
  std::vector<TrafficSelector> expect = {sel("198.18.1.10/32"), sel("192.0.2.128/25")};
  EXPECT_EQ(h[0].remote_ts, expect);
  EXPECT_EQ(c[0].local_ts, expect);
  EXPECT_EQ(c[0].remote_ts, std::vector<TrafficSelector>{sel("0.0.0.0/0")});
}

TEST_F(ConfigExchange, LeaseReleasedWhenTheSessionEnds) {
  connect();
  EXPECT_TRUE(hub.of<ReleaseConfig>().empty());
  take(client, client.engine->delete_sessions("Tunnel0"));
  pump();
  auto r = hub.of<ReleaseConfig>();
  ASSERT_EQ(r.size(), 1u) << logs;
  EXPECT_EQ(r[0].lease, 77u);
  EXPECT_TRUE(client.of<ReleaseConfig>().empty());  // the client held no lease
  EXPECT_TRUE(hub.engine->sas().empty());
}

TEST_F(ConfigExchange, LeaseReleasedWhenTheHubClears) {
  connect();
  take(hub, hub.engine->delete_sessions(""));
  pump();
  ASSERT_EQ(hub.of<ReleaseConfig>().size(), 1u) << logs;
}

TEST_F(ConfigExchange, EmptyPoolIsInternalAddressFailure) {
  hub.policy.decision = {};
  hub.policy.decision.status = ConfigDecision::Status::kNoAddress;
  connect();
  EXPECT_TRUE(hub.of<InstallChildSa>().empty());
  EXPECT_TRUE(client.of<InstallChildSa>().empty());
  EXPECT_NE(logs.find("INTERNAL_ADDRESS_FAILURE: no address left for 198.51.100.2"), std::string::npos) << logs;
  EXPECT_NE(logs.find("assigned no address to Tunnel0 (INTERNAL_ADDRESS_FAILURE"), std::string::npos) << logs;
  EXPECT_TRUE(client.engine->sas().empty());
  EXPECT_TRUE(hub.engine->sas().empty());  // the client deleted the IKE SA
}

TEST_F(ConfigExchange, RefusedAuthorizationFailsAuthentication) {
  hub.policy.decision = {};
  hub.policy.decision.status = ConfigDecision::Status::kRefused;
  connect();
  EXPECT_TRUE(client.of<SessionEvent>().empty());
  EXPECT_NE(logs.find("AUTHENTICATION_FAILED: authorization of 198.51.100.2"), std::string::npos) << logs;
  EXPECT_TRUE(hub.engine->sas().empty());
}

TEST_F(ConfigExchange, HubWithoutAuthorizationIgnoresTheRequest) {
  hub.policy.decision = {};
  client.policy.child.config_request->request.want_ip4 = false;  // only routes: no address needed
  connect();
  ASSERT_EQ(client.of<SessionEvent>().size(), 1u) << logs;
  EXPECT_FALSE(client.of<SessionEvent>()[0].config.address);
  EXPECT_EQ(hub.of<InstallChildSa>()[0].remote_ts, std::vector<TrafficSelector>{sel("0.0.0.0/0")});
}

TEST_F(ConfigExchange, RouteAcceptOffIgnoresPushedRoutes) {
  client.policy.child.config_request->accept_routes = false;
  connect();
  ASSERT_EQ(client.of<SessionEvent>().size(), 1u) << logs;
  EXPECT_TRUE(client.of<SessionEvent>()[0].config.routes.empty());
  EXPECT_EQ(client.of<SessionEvent>()[0].config.address, pre("198.18.1.10/32"));
}

}  // namespace
}  // namespace kg::ike
