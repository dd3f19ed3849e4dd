// FlexVPN client peer selection on a fake clock: lowest sequence number
// first, the next peer when DPD declares the current one dead, when an attempt
// fails or times out, when a name does not resolve; a pause after a whole
// round of failures; IOS log lines and show layout.
#include "daemon/flexvpn_client.h"

#include <gtest/gtest.h>

#include "common/log.h"

namespace kg::daemon {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
const Millis kSec{1000};

struct Flex : ::testing::Test {
  FakeClock clock;
  std::string logs;
  std::map<std::string, IpAddress> dns{{"hub3.example.net", ip("198.51.100.9")}};
  config::FlexvpnClient cfg;
  std::unique_ptr<FlexvpnClient> c;
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    cfg.connect = "Tunnel0";
    cfg.peers = {{2, "198.51.100.3"}, {1, "198.51.100.1"}};
  }
  void TearDown() override { log::set_sink(nullptr); }
  void make() {
    c = std::make_unique<FlexvpnClient>("default", cfg, [this](const std::string& n) -> std::optional<IpAddress> {
      auto it = dns.find(n);
      if (it == dns.end()) return std::nullopt;
      return it->second;
    });
  }
  std::string dest() { return c->destination() ? c->destination()->str() : "none"; }
  void up() { c->on_up({ip("198.51.100.2"), 500}, {*c->destination(), 500}); }
};

TEST_F(Flex, ConnectsToLowestSequenceNumberFirst) {
  make();
  EXPECT_EQ(dest(), "none");
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.1");
  EXPECT_EQ(c->peer_seq(), 1);
  EXPECT_FALSE(c->tick(clock.now(), true));  // negotiating: wait
  up();
  EXPECT_EQ(c->state(), FlexvpnClient::State::kConnected);
  EXPECT_NE(logs.find("%FLEXVPN-6-FLEXVPN_CONNECTION_UP: FlexVPN(default) Client_public_addr = 198.51.100.2 "
                      "Server_public_addr = 198.51.100.1"),
            std::string::npos)
      << logs;
  clock.advance(3600 * kSec);
  EXPECT_FALSE(c->tick(clock.now(), true));
  EXPECT_EQ(dest(), "198.51.100.1");
}

// DPD: the session goes down, then PeerDead; the client moves to peer 2 at once.
TEST_F(Flex, DeadPeerMovesToNextPeer) {
  make();
  c->tick(clock.now(), false);
  up();
  clock.advance(100 * kSec);
  c->on_down();
  c->on_dead();
  EXPECT_NE(logs.find("%FLEXVPN-6-FLEXVPN_CONNECTION_DOWN: FlexVPN(default)"), std::string::npos) << logs;
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.3");
  EXPECT_EQ(c->peer_seq(), 2);
  up();
  // Peer 2 dies too: round robin back to peer 1.
  c->on_dead();
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.1");
}

// A cleared session (no PeerDead) also selects a new peer, as IOS does.
TEST_F(Flex, SessionClearedSelectsNextPeer) {
  make();
  c->tick(clock.now(), false);
  up();
  c->on_down();
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.3");
}

// The IKE SA of an attempt is gone (retransmissions gave up, authentication
// failed) before the session came up: next peer.
TEST_F(Flex, FailedAttemptMovesOn) {
  make();
  c->tick(clock.now(), false);
  clock.advance(16 * kSec);
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.3");
  EXPECT_NE(logs.find("connection to peer 1 198.51.100.1 failed"), std::string::npos) << logs;
}

TEST_F(Flex, AttemptTimesOut) {
  make();
  c->tick(clock.now(), false);
  clock.advance(FlexvpnClient::kConnectTimeout - kSec);
  EXPECT_FALSE(c->tick(clock.now(), true));
  EXPECT_EQ(dest(), "198.51.100.1");
  clock.advance(kSec);
  ASSERT_TRUE(c->tick(clock.now(), true));
  EXPECT_EQ(dest(), "198.51.100.3");
}

// Every peer failed: pause kRoundPause, then start again where the round began.
TEST_F(Flex, PausesAfterAFullRound) {
  make();
  c->tick(clock.now(), false);
  clock.advance(kSec);
  ASSERT_TRUE(c->tick(clock.now(), false));  // peer 1 failed -> peer 2
  clock.advance(kSec);
  EXPECT_FALSE(c->tick(clock.now(), false));  // peer 2 failed -> pause
  EXPECT_EQ(c->state(), FlexvpnClient::State::kIdle);
  EXPECT_EQ(dest(), "none");
  EXPECT_NE(logs.find("no peer answered; trying again in 10 s"), std::string::npos) << logs;
  clock.advance(FlexvpnClient::kRoundPause - kSec);
  EXPECT_FALSE(c->tick(clock.now(), false));
  clock.advance(kSec);
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.1");
}

// peer N fqdn NAME: resolved at each selection; a name that does not resolve
// is skipped (IOS: "The DNS resolution of the peer name fails").
TEST_F(Flex, FqdnPeersResolveOrAreSkipped) {
  cfg.peers = {{1, "fqdn nowhere.example.net dynamic"}, {2, "fqdn hub3.example.net"}, {3, "198.51.100.3"}};
  make();
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(dest(), "198.51.100.9");
  EXPECT_EQ(c->peer_seq(), 2);
  EXPECT_NE(logs.find("peer 1 nowhere.example.net does not resolve"), std::string::npos) << logs;
  dns.clear();
  c->on_dead();
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(c->peer_seq(), 3);
  c->on_dead();
  EXPECT_FALSE(c->tick(clock.now(), false));  // nothing resolves: a pause
  EXPECT_EQ(c->state(), FlexvpnClient::State::kIdle);
}

TEST_F(Flex, NothingWithoutPeersOrTunnel) {
  cfg.connect.clear();
  make();
  EXPECT_FALSE(c->tick(clock.now(), false));
  cfg.connect = "Tunnel0";
  cfg.peers.clear();
  make();
  EXPECT_FALSE(c->tick(clock.now(), false));
}

// peer reactivate: on a backup peer, the better peers are probed every
// kProbeInterval; one that answers gets the tunnel back once the backup
// session is gone.
TEST_F(Flex, ReactivateReturnsToABetterPeerThatAnswers) {
  cfg.peer_reactivate = true;
  make();
  c->tick(clock.now(), false);
  up();
  EXPECT_TRUE(c->probes_due(clock.now()).empty());  // on the best peer already
  c->on_dead();
  ASSERT_TRUE(c->tick(clock.now(), false));
  up();
  EXPECT_EQ(c->peer_seq(), 2);
  auto p = c->probes_due(clock.now());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].str(), "198.51.100.1");
  clock.advance(FlexvpnClient::kProbeInterval - kSec);
  EXPECT_TRUE(c->probes_due(clock.now()).empty());
  EXPECT_FALSE(c->on_probe_answer(clock.now(), ip("198.51.100.3")));  // not a better peer
  clock.advance(kSec);
  ASSERT_EQ(c->probes_due(clock.now()).size(), 1u);
  ASSERT_TRUE(c->on_probe_answer(clock.now(), ip("198.51.100.1")));
  EXPECT_NE(logs.find("peer 1 198.51.100.1 answers again; returning to it (peer reactivate)"), std::string::npos) << logs;
  EXPECT_EQ(dest(), "198.51.100.1");
  c->on_down();                                // the daemon deleted the backup session
  EXPECT_FALSE(c->tick(clock.now(), true));    // its IKE SA is still being deleted
  ASSERT_TRUE(c->tick(clock.now(), false));    // gone: initiate
  EXPECT_FALSE(c->tick(clock.now(), true));
  up();
  EXPECT_EQ(c->peer_seq(), 1);
  EXPECT_TRUE(c->probes_due(clock.now() + 3600 * kSec).empty());
}

TEST_F(Flex, NoProbesWithoutPeerReactivate) {
  make();
  c->tick(clock.now(), false);
  c->on_dead();
  c->tick(clock.now(), false);
  up();
  EXPECT_EQ(c->peer_seq(), 2);
  EXPECT_TRUE(c->probes_due(clock.now() + 3600 * kSec).empty());
  EXPECT_FALSE(c->on_probe_answer(clock.now(), ip("198.51.100.1")));
}

// A better peer that answers probes but does not come up: back to the
// backup, and the probes slow down (doubling) so the tunnel does not flap.
TEST_F(Flex, FailedReturnBacksOff) {
  cfg.peer_reactivate = true;
  make();
  c->tick(clock.now(), false);
  c->on_dead();
  c->tick(clock.now(), false);
  up();
  ASSERT_EQ(c->probes_due(clock.now()).size(), 1u);
  ASSERT_TRUE(c->on_probe_answer(clock.now(), ip("198.51.100.1")));
  ASSERT_TRUE(c->tick(clock.now(), false));
  clock.advance(FlexvpnClient::kConnectTimeout);
  ASSERT_TRUE(c->tick(clock.now(), true));  // timed out: back to peer 2
  EXPECT_EQ(c->peer_seq(), 2);
  up();
  ASSERT_EQ(c->probes_due(clock.now()).size(), 1u);  // the old schedule
  clock.advance(2 * FlexvpnClient::kProbeInterval - kSec);
  EXPECT_TRUE(c->probes_due(clock.now()).empty());
  clock.advance(kSec);
  EXPECT_EQ(c->probes_due(clock.now()).size(), 1u);
}

// shutdown / no shutdown of the tunnel starts again from peer 1.
TEST_F(Flex, ResetStartsFromTheFirstPeer) {
  make();
  c->tick(clock.now(), false);
  c->on_dead();
  c->tick(clock.now(), false);
  up();
  EXPECT_EQ(c->peer_seq(), 2);
  c->on_down();
  c->reset();
  EXPECT_EQ(dest(), "none");
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(c->peer_seq(), 1);
}

// A client configured (or reconfigured) while its tunnel is already up to
// peer 2 learns that from the session.
TEST_F(Flex, LearnsTheConnectedPeerFromTheSession) {
  make();
  c->on_up({ip("198.51.100.2"), 500}, {ip("198.51.100.3"), 500});
  EXPECT_EQ(c->peer_seq(), 2);
  EXPECT_EQ(dest(), "198.51.100.3");
  c->on_dead();
  ASSERT_TRUE(c->tick(clock.now(), false));
  EXPECT_EQ(c->peer_seq(), 1);
}

TEST_F(Flex, ShowLayout) {
  make();
  EXPECT_EQ(show_flexvpn_client(*c, false, std::nullopt),
            "Profile : default\nCurrent state:Tunnel0 down\nPeer : None\nBackup group: None\nTunnel0 : unassigned\n");
  c->tick(clock.now(), false);
  up();
  EXPECT_EQ(show_flexvpn_client(*c, true, Prefix{ip("198.18.1.10"), 32}),
            "Profile : default\nCurrent state:Tunnel0 up\nPeer : 198.51.100.1\nBackup group: None\n"
            "Tunnel0 : 198.18.1.10\n");
}

}  // namespace
}  // namespace kg::daemon
