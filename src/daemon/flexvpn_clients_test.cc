// The daemon's FlexVPN part on a fake clock, with a fake Host in place of
// the engine, the sockets and the worker thread: a client fails over to its
// backup peer and returns to the better one (peer reactivate) without any
// real socket; peer names are looked up off the loop.
#include "daemon/flexvpn_clients.h"

#include <gtest/gtest.h>

#include "common/log.h"

namespace kg::daemon {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

// Records what the part asks for; the test plays the engine's part.
struct FakeHost final : FlexvpnClients::Host {
  bool enabled = true, up = false;
  std::vector<ike::IkeSaInfo> sas;  // the tunnel's IKE SAs
  std::vector<std::string> initiated, deleted;
  std::vector<std::pair<uint64_t, Endpoint>> probes;  // Engine::probe asked for
  std::map<std::string, std::function<void(std::optional<IpAddress>)>> lookups;  // still running
  int wakes = 0;

  bool tunnel_enabled(const std::string&) const override { return enabled; }
  bool tunnel_up(const std::string&) const override { return up; }
  std::vector<ike::IkeSaInfo> tunnel_sas(const std::string&) const override { return sas; }
  std::optional<IpAddress> tunnel_source(const std::string&) override { return ip("192.0.2.2"); }
  void initiate(const std::string& tunnel, const IpAddress& to) override {
    initiated.push_back(tunnel + " " + to.str());
    ike::IkeSaInfo sa;  // IKE_SA_INIT is out
    sa.interface = tunnel;
    sa.remote = {to, 500};
    sa.state = "IN-NEG";
    sas = {sa};
  }
  void delete_sessions(const std::string& tunnel) override { deleted.push_back(tunnel); }
  void probe(uint64_t id, const Endpoint&, const Endpoint& remote) override { probes.push_back({id, remote}); }
  void lookup(const std::string& name, std::function<void(std::optional<IpAddress>)> done) override {
    lookups[name] = std::move(done);
  }
  void wake() override { ++wakes; }
};

struct Part : ::testing::Test {
  FakeClock clock;
  FakeHost host;
  FlexvpnClients part{host, clock};
  config::Model model;
  std::string logs;

  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    auto& c = model.flexvpn_clients["default"];
    c.connect = "Tunnel0";
    c.peers = {{1, "198.51.100.1"}, {2, "198.51.100.3"}};
    c.peer_reactivate = true;
  }
  void TearDown() override { log::set_sink(nullptr); }

  // The engine's session events for the tunnel's IKE SA with `peer`.
  void session_up(const char* peer) {
    host.up = true;
    host.sas.at(0).state = "READY";
    part.on_session({true, "Tunnel0", {ip("192.0.2.2"), 500}, {ip(peer), 500}});
  }
  void session_down(const char* peer) {
    host.up = false;
    part.on_session({false, "Tunnel0", {ip("192.0.2.2"), 500}, {ip(peer), 500}});
  }
  // The engine heard an answer to the probe asked for last, from `from`.
  void answer_probe(const char* from) { part.on_peer_answered({host.probes.back().first, {ip(from), 500}}); }
};

TEST_F(Part, FailsOverAndReturnsWithoutAnyRealSocket) {
  part.apply(model);
  part.tick();
  ASSERT_EQ(host.initiated, std::vector<std::string>{"Tunnel0 198.51.100.1"});
  // Peer 1 never answers: after the connect timeout, the backup peer.
  clock.advance(FlexvpnClient::kConnectTimeout);
  part.tick();
  ASSERT_EQ(host.initiated.size(), 2u);
  EXPECT_EQ(host.initiated[1], "Tunnel0 198.51.100.3");
  session_up("198.51.100.3");
  EXPECT_EQ(part.for_tunnel("Tunnel0")->peer_seq(), 2);
  // peer reactivate: the engine asks peer 1 whether it answers again.
  part.tick();
  ASSERT_EQ(host.probes.size(), 1u);
  EXPECT_EQ(host.probes[0].second, (Endpoint{ip("198.51.100.1"), 500}));
  answer_probe("198.51.100.3");  // not the peer probed: not an answer
  EXPECT_TRUE(host.deleted.empty());
  clock.advance(FlexvpnClient::kProbeInterval);  // the first probe got no answer
  part.tick();
  ASSERT_EQ(host.probes.size(), 2u);
  EXPECT_NE(host.probes[0].first, host.probes[1].first);
  answer_probe("198.51.100.1");
  EXPECT_EQ(host.deleted, std::vector<std::string>{"Tunnel0"});  // the backup session goes first
  session_down("198.51.100.3");
  part.tick();  // its IKE SA is still being deleted
  EXPECT_EQ(host.initiated.size(), 2u);
  host.sas.clear();
  part.tick();
  ASSERT_EQ(host.initiated.size(), 3u);
  EXPECT_EQ(host.initiated[2], "Tunnel0 198.51.100.1");
  session_up("198.51.100.1");
  EXPECT_EQ(part.for_tunnel("Tunnel0")->peer_seq(), 1);
  EXPECT_EQ(part.for_tunnel("Tunnel0")->state(), FlexvpnClient::State::kConnected);
  clock.advance(Millis(3'600'000));
  part.tick();
  EXPECT_EQ(host.probes.size(), 2u);  // on the best peer: no more probes
  EXPECT_NE(logs.find("answers again; returning to it (peer reactivate)"), std::string::npos) << logs;
}

// DPD declares the peer dead: the part moves to the next peer at once.
TEST_F(Part, DeadPeerMovesOnAtOnce) {
  part.apply(model);
  part.tick();
  session_up("198.51.100.1");
  session_down("198.51.100.1");
  host.sas.clear();
  EXPECT_TRUE(part.on_peer_dead({"Tunnel0", "default", {ip("192.0.2.2"), 500}, {ip("198.51.100.1"), 500}}));
  EXPECT_GE(host.wakes, 1);
  part.tick();
  EXPECT_EQ(host.initiated.back(), "Tunnel0 198.51.100.3");
  EXPECT_FALSE(part.on_peer_dead({"Tunnel1", "default", {}, {}}));  // no client there
}

// peer N fqdn NAME: the lookup runs off the loop (the Host's worker); the
// client waits for it without blocking, and a name that does not resolve is
// skipped once its answer is in.
TEST_F(Part, NamesAreLookedUpOffTheLoop) {
  model.flexvpn_clients["default"].peers = {{1, "fqdn nowhere.example.net"}, {2, "fqdn hub2.example.net"}};
  part.apply(model);
  part.tick();
  EXPECT_TRUE(host.initiated.empty());
  ASSERT_TRUE(host.lookups.contains("nowhere.example.net"));
  part.tick();  // still looking: asked once
  EXPECT_EQ(host.lookups.size(), 1u);
  host.lookups["nowhere.example.net"](std::nullopt);
  EXPECT_EQ(host.wakes, 1);
  part.tick();
  EXPECT_NE(logs.find("peer 1 nowhere.example.net does not resolve"), std::string::npos) << logs;
  ASSERT_TRUE(host.lookups.contains("hub2.example.net"));
  EXPECT_TRUE(host.initiated.empty());
  host.lookups["hub2.example.net"](ip("198.51.100.9"));
  part.tick();
  EXPECT_EQ(host.initiated, std::vector<std::string>{"Tunnel0 198.51.100.9"});
}

// peer N fqdn NAME with `ip host NAME A`: the table answers, no lookup;
// an edit of the table serves the next selection.
TEST_F(Part, IpHostNamesNeedNoLookup) {
  model.flexvpn_clients["default"].peers = {{1, "fqdn hub1.example.net"}};
  model.ip_hosts["hub1.example.net"] = {"198.51.100.1"};
  part.apply(model);
  part.tick();
  EXPECT_TRUE(host.lookups.empty());
  EXPECT_EQ(host.initiated, std::vector<std::string>{"Tunnel0 198.51.100.1"});
  model.ip_hosts["hub1.example.net"] = {"198.51.100.3"};
  part.apply(model);
  host.sas.clear();
  clock.advance(FlexvpnClient::kConnectTimeout);
  part.tick();  // peer 1 failed: the round is over, a pause
  clock.advance(FlexvpnClient::kRoundPause);
  part.tick();
  EXPECT_TRUE(host.lookups.empty());
  ASSERT_FALSE(host.initiated.empty());
  EXPECT_EQ(host.initiated.back(), "Tunnel0 198.51.100.3");
}

// A tunnel that is shut down resets its client; no shutdown starts again
// from the first peer.
TEST_F(Part, ShutdownTunnelResetsTheClient) {
  part.apply(model);
  part.tick();
  clock.advance(FlexvpnClient::kConnectTimeout);
  part.tick();
  EXPECT_EQ(part.for_tunnel("Tunnel0")->peer_seq(), 2);
  host.enabled = false;
  host.sas.clear();
  part.tick();
  EXPECT_EQ(part.for_tunnel("Tunnel0")->state(), FlexvpnClient::State::kIdle);
  host.enabled = true;
  part.tick();
  EXPECT_EQ(host.initiated.back(), "Tunnel0 198.51.100.1");
}

}  // namespace
}  // namespace kg::daemon
