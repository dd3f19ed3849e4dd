// The daemon's tunnels part on a fake clock, with a fake Host in place of the
// engine and the kernel: the line protocol follows the sessions, a tunnel
// retries until its first session is up, traffic and dead peers bring it
// back, and configuration changes add, shut and remove tunnels.
#include "daemon/tunnels.h"

#include <gtest/gtest.h>

#include "common/log.h"

namespace kg::daemon {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

// Records what the part asks for; the test plays the engine's part.
struct FakeHost final : Tunnels::Host {
  config::Model m;
  std::vector<std::string> initiated, deleted;
  std::set<std::string> with_sas, flexvpn;

  const config::Model& model() const override { return m; }
  void initiate(const std::string& tunnel) override { initiated.push_back(tunnel); }
  void delete_sessions(const std::string& tunnel) override { deleted.push_back(tunnel); }
  std::set<std::string> tunnels_with_sas() const override { return with_sas; }
  bool flexvpn_tunnel(const std::string& tunnel) const override { return flexvpn.contains(tunnel); }
};

struct TunnelsPart : ::testing::Test {
  FakeClock clock;
  FakeRandom rng{7};
  FakeHost host;
  Tunnels part{host, clock, rng};
  std::string logs;

  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    auto& t = host.m.interfaces["Tunnel0"];
    t.tunnel_source = {"192.0.2.2", IpAddress::parse("192.0.2.2")};
    t.tunnel_destination = {IpAddress::parse("198.51.100.1"), false};
    t.tunnel_protection = "P";
  }
  void TearDown() override { log::set_sink(nullptr); }

  const config::Interface& tunnel0() { return host.m.interfaces.at("Tunnel0"); }
  void session(bool up, const char* t = "Tunnel0") {
    part.on_session({up, t, {ip("192.0.2.2"), 500}, {ip("198.51.100.1"), 500}});
  }
  void peer_dead(const char* t) {
    ike::PeerDead ev;
    ev.interface = t;
    ev.remote = {ip("198.51.100.1"), 500};
    part.on_peer_dead(ev);
  }
  // Runs the ticks until `d` has passed, as the daemon's loop does.
  void run_for(Millis d) {
    for (Millis s{0}; s < d; s += Millis(1'000)) {
      clock.advance(Millis(1'000));
      part.tick();
    }
  }
};

TEST_F(TunnelsPart, LineProtocolIsUpWhileAnySessionIs) {
  session(true);
  EXPECT_TRUE(part.up("Tunnel0"));
  session(true);   // a peer reconnects: its new session comes up first
  session(false);  // then the stale one goes, without a flap
  EXPECT_TRUE(part.up("Tunnel0"));
  session(false);
  EXPECT_FALSE(part.up("Tunnel0"));
  EXPECT_FALSE(part.up("Tunnel9"));
  EXPECT_NE(logs.find("Line protocol on Interface Tunnel0, changed state to up"), std::string::npos) << logs;
  EXPECT_NE(logs.find("Line protocol on Interface Tunnel0, changed state to down"), std::string::npos) << logs;
  EXPECT_EQ(std::count(logs.begin(), logs.end(), '\n'), 2) << logs;  // one line each way
}

TEST_F(TunnelsPart, ANewTunnelTriesUntilItsFirstSessionIsUp) {
  part.configured("Tunnel0", nullptr, tunnel0());
  auto first = part.next_retry();
  ASSERT_TRUE(first);
  EXPECT_LT(*first, clock.now() + Millis(1'000));  // jittered, within a second
  run_for(Millis(1'000));
  EXPECT_EQ(host.initiated, std::vector<std::string>{"Tunnel0"});
  // Still negotiating: the retry does not start a second IKE SA.
  host.with_sas = {"Tunnel0"};
  run_for(Tunnels::kRetryInterval);
  EXPECT_EQ(host.initiated.size(), 1u);
  // That attempt failed: the next one comes kRetryInterval later.
  host.with_sas.clear();
  run_for(Tunnels::kRetryInterval);
  EXPECT_EQ(host.initiated.size(), 2u);
  session(true);
  EXPECT_FALSE(part.next_retry());
  run_for(Tunnels::kRetryInterval * 3);
  EXPECT_EQ(host.initiated.size(), 2u);
  // Once it has been up, a session that goes waits for traffic.
  session(false);
  EXPECT_FALSE(part.next_retry());
  run_for(Tunnels::kRetryInterval * 3);
  EXPECT_EQ(host.initiated.size(), 2u);
}

TEST_F(TunnelsPart, APacketWithNoSaInitiatesAtMostEveryTrafficRetry) {
  part.on_no_sa("Tunnel0");
  part.on_no_sa("Tunnel0");
  EXPECT_EQ(host.initiated, std::vector<std::string>{"Tunnel0"});
  clock.advance(Tunnels::kTrafficRetry);
  part.on_no_sa("Tunnel0");
  EXPECT_EQ(host.initiated.size(), 2u);
  // Also while up: the IKE SA may have lost its CHILD_SA.
  session(true);
  clock.advance(Tunnels::kTrafficRetry);
  part.on_no_sa("Tunnel0");
  EXPECT_EQ(host.initiated.size(), 3u);
  // A hub never initiates to its clients.
  part.on_no_sa("Virtual-Template1");
  EXPECT_EQ(host.initiated.size(), 3u);
}

TEST_F(TunnelsPart, AStaticTunnelWhosePeerDiedKeepsInitiating) {
  part.configured("Tunnel0", nullptr, tunnel0());
  session(true);
  session(false);  // DPD: the IKE SA is gone
  peer_dead("Tunnel0");
  EXPECT_NE(logs.find("Tunnel0: peer 198.51.100.1 is dead; re-initiating"), std::string::npos) << logs;
  run_for(Millis(1'000));
  EXPECT_EQ(host.initiated, std::vector<std::string>{"Tunnel0"});
  run_for(Tunnels::kRetryInterval);
  EXPECT_EQ(host.initiated.size(), 2u);  // until the peer is back
}

TEST_F(TunnelsPart, ADeadPeerOfADynamicOrShutTunnelIsNotRetried) {
  host.m.interfaces["Tunnel0"].tunnel_destination = {std::nullopt, true};
  peer_dead("Tunnel0");
  host.m.interfaces["Tunnel0"].tunnel_destination = {IpAddress::parse("198.51.100.1"), false};
  host.m.interfaces["Tunnel0"].shutdown = true;
  peer_dead("Tunnel0");
  peer_dead("Tunnel7");  // no such interface
  EXPECT_FALSE(part.next_retry());
  run_for(Tunnels::kRetryInterval);
  EXPECT_TRUE(host.initiated.empty());
}

TEST_F(TunnelsPart, AFlexvpnClientsTunnelIsLeftToItsClient) {
  host.flexvpn = {"Tunnel0"};
  part.configured("Tunnel0", nullptr, tunnel0());
  run_for(Tunnels::kRetryInterval * 2);
  EXPECT_TRUE(host.initiated.empty());
}

TEST_F(TunnelsPart, ConfigChangesShutRestartAndRemoveTunnels) {
  config::Interface before = tunnel0();
  part.configured("Tunnel0", nullptr, before);
  session(true);
  // The same settings again (another interface's line changed): nothing.
  part.configured("Tunnel0", &before, before);
  EXPECT_FALSE(part.next_retry());
  EXPECT_TRUE(host.deleted.empty());
  // shutdown: the sessions go, and nothing is retried.
  config::Interface shut = before;
  shut.shutdown = true;
  part.configured("Tunnel0", &before, shut);
  EXPECT_EQ(host.deleted, std::vector<std::string>{"Tunnel0"});
  session(false);
  EXPECT_FALSE(part.next_retry());
  // no shutdown: it tries again.
  part.configured("Tunnel0", &shut, before);
  run_for(Millis(1'000));
  EXPECT_EQ(host.initiated, std::vector<std::string>{"Tunnel0"});
  session(true);
  // Removed: its sessions go and it is forgotten.
  part.removed("Tunnel0");
  EXPECT_EQ(host.deleted, (std::vector<std::string>{"Tunnel0", "Tunnel0"}));
  EXPECT_FALSE(part.up("Tunnel0"));
  EXPECT_FALSE(part.next_retry());
}

TEST_F(TunnelsPart, NewCredentialsRetryTunnelsThatAreDownNow) {
  part.configured("Tunnel0", nullptr, tunnel0());
  session(true);
  session(false);  // deleted: waits for traffic
  part.on_no_sa("Tunnel1");  // another tunnel, tried once by traffic
  host.initiated.clear();
  part.credentials_changed();
  EXPECT_EQ(part.next_retry(), clock.now());
  part.tick();
  EXPECT_EQ(host.initiated, (std::vector<std::string>{"Tunnel0", "Tunnel1"}));
}

}  // namespace
}  // namespace kg::daemon
