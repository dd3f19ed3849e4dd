// Two IKEv1 engines in one process on a fake clock: Main Mode + Quick Mode
// end to end, each step the real bytes the other side parses.
#include "ikev1/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>

#include "common/log.h"
#include "crypto/testing/test_ca.h"
#include "wire/isakmp/payloads.h"

namespace kg::ikev1 {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
TrafficSelector range(const char* a, const char* b) {
  TrafficSelector t;
  t.start = ip(a);
  t.end = ip(b);
  return t;
}

struct Policy final : PolicyProvider {
  std::vector<IsakmpPolicy> pols{{10, crypto::Cipher::kAesCbc, 256, crypto::Prf::kHmacSha2_256, crypto::Group::kModp2048}};
  std::string key = "cisco123";
  std::optional<ike::ChildConfig> child;
  std::vector<IsakmpPolicy> policies() const override { return pols; }
  std::optional<Secret> psk(const IpAddress&, const IpAddress&) const override {
    if (key.empty()) return std::nullopt;
    return Secret(key);
  }
  std::optional<ike::ChildConfig> child_for_peer(const IpAddress&, const IpAddress&) const override { return child; }
  // rsa-sig and fragmentation (sig_auth_test.cc)
  std::vector<std::shared_ptr<const crypto::Trustpoint>> tps;
  LocalIdentity ident;
  bool frag = false;
  std::map<std::string, LocalIdentity> profile_ident;  // self-identity of crypto isakmp profile NAME
  LocalIdentity identity(const std::string& profile) const override {
    auto it = profile_ident.find(profile);
    return it != profile_ident.end() ? it->second : ident;
  }
  bool lookup_pending = false;  // a crypto isakmp peer fqdn name still being looked up
  bool peer_lookup_pending(const IpAddress&) const override { return lookup_pending; }
  std::vector<std::shared_ptr<const crypto::Trustpoint>> trustpoints() const override { return tps; }
  bool fragmentation() const override { return frag; }
  ike::DpdConfig dpd;  // crypto isakmp keepalive
  std::map<std::string, ike::DpdConfig> profile_dpd;  // keepalive in crypto isakmp profile NAME
  bool dpd_vid = true;  // DPD configured somewhere: announce it
  ike::DpdConfig keepalive(const IpAddress&, const std::string& profile) const override {
    auto it = profile_dpd.find(profile);
    return it != profile_dpd.end() ? it->second : dpd;
  }
  bool dpd_configured() const override { return dpd_vid; }
  // crypto isakmp profile NAME with a keyring (initiator), and the one a
  // responder's peer matches.
  std::map<std::string, std::string> profile_keys;
  std::string matched;
  std::optional<Secret> profile_psk(const std::string& profile, const IpAddress&, const IpAddress&) const override {
    auto it = profile_keys.find(profile);
    if (it == profile_keys.end()) return std::nullopt;
    return Secret(it->second);
  }
  std::string match_profile(const IpAddress&, const IpAddress&, isakmp::IdType, const std::string&) const override {
    return matched;
  }
  std::string map_wants;  // set isakmp-profile of the peer's crypto map entry
  std::string map_profile(const IpAddress&, const IpAddress&) const override { return map_wants; }
  bool spi_recovery = false;
  bool invalid_spi_recovery(const IpAddress&) const override { return spi_recovery; }
  // Aggressive Mode: the initiator's crypto isakmp peer entry, the
  // responder's keys by identity, crypto isakmp aggressive-mode disable.
  std::optional<AggressivePeer> am_peer;
  std::map<std::string, std::string> am_keys;
  bool am_disabled = false;
  std::optional<AggressivePeer> aggressive_peer(const IpAddress&) const override { return am_peer; }
  bool aggressive_mode_disabled() const override { return am_disabled; }
  std::optional<EzvpnPeer> ezvpn_peer(const IpAddress&, const IpAddress&, isakmp::IdType,
                                      const std::string& id) const override {
    auto k = am_keys.find(id);
    if (k == am_keys.end()) return std::nullopt;
    EzvpnPeer p;
    p.psk = Secret(k->second);
    p.child = child;
    return p;
  }
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

ike::ChildConfig child(const char* l0, const char* l1, const char* r0, const char* r1) {
  ike::ChildConfig c;
  c.interface = "Tunnel0";
  c.transforms = {{"ts", ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha1_96}};
  c.local_ts = {range(l0, l1)};
  c.remote_ts = {range(r0, r1)};
  c.pfs = ike::DhGroup::kModp2048;
  return c;
}

class Ikev1Engines : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    a.policy.child = child("198.18.1.0", "198.18.1.255", "198.18.2.0", "198.18.2.255");
    b.policy.child = child("198.18.2.0", "198.18.2.255", "198.18.1.0", "198.18.1.255");
  }
  void TearDown() override { log::set_sink(nullptr); }
  void start() {
    a.engine = Engine::create(a.policy, clock, a.rng);
    b.engine = Engine::create(b.policy, clock, b.rng);
  }
  Node& node_at(const IpAddress& x) { return x == a.me ? a : b; }
  void take(Node& from, std::vector<Action> acts) {
    for (auto& x : acts) {
      if (auto* s = std::get_if<ike::SendPacket>(&x)) {
        wire.push_back(*s);
        sent.push_back(*s);
      } else {
        from.got.push_back(std::move(x));
      }
    }
  }
  void pump(std::function<bool(const ike::SendPacket&)> drop = nullptr) {
    while (!wire.empty()) {
      auto p = wire.front();
      wire.pop_front();
      if (drop && drop(p)) continue;
      Node& to = node_at(p.remote.addr);
      take(to, to.engine->on_packet(p.remote, p.local, p.data));
    }
  }
  void run_for(Millis d, std::function<bool(const ike::SendPacket&)> drop = nullptr) {
    TimePoint end = clock.now() + d;
    for (;;) {
      TimePoint next = end;
      for (Node* n : {&a, &b})
        if (auto t = n->engine->next_deadline()) next = std::min(next, std::max(*t, clock.now()));
      clock.advance(next - clock.now());
      take(a, a.engine->on_timer());
      take(b, b.engine->on_timer());
      pump(drop);
      if (next >= end) break;
    }
  }
  InitiateRequest req() { return {Endpoint{a.me, 500}, Endpoint{b.me, 500}, *a.policy.child}; }
  void expect_mirrored() {
    auto ia = a.of<ike::InstallChildSa>(), ib = b.of<ike::InstallChildSa>();
    ASSERT_EQ(ia.size(), 1u) << logs;
    ASSERT_EQ(ib.size(), 1u) << logs;
    EXPECT_EQ(ia[0].spi_in, ib[0].spi_out);
    EXPECT_EQ(ia[0].spi_out, ib[0].spi_in);
    // One side's outbound keys are the other's inbound keys.
    EXPECT_TRUE(ia[0].encr_out.equals(ib[0].encr_in.view()));
    EXPECT_TRUE(ia[0].integ_out.equals(ib[0].integ_in.view()));
    EXPECT_TRUE(ia[0].encr_in.equals(ib[0].encr_out.view()));
    EXPECT_FALSE(ia[0].encr_in.equals(ia[0].encr_out.view()));
    EXPECT_EQ(ia[0].encr_in.size(), 16u);
    EXPECT_EQ(ia[0].integ_in.size(), 20u);
  }

  FakeClock clock;
  Node a{1, "198.51.100.1"};
  Node b{2, "198.51.100.2"};
  std::deque<ike::SendPacket> wire;
  std::vector<ike::SendPacket> sent;
  std::string logs;
};

// MM1..MM6, QM1..QM3: nine datagrams, then both sides hold mirrored ESP SAs
// with the selectors of the initiator's interface.
TEST_F(Ikev1Engines, MainModeThenQuickModeInstallsMirroredSas) {
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(sent.size(), 9u) << logs;
  expect_mirrored();
  auto ia = a.of<ike::InstallChildSa>()[0], ib = b.of<ike::InstallChildSa>()[0];
  EXPECT_EQ(ia.local_ts[0].start.str(), "198.18.1.0");
  EXPECT_EQ(ib.local_ts[0].start.str(), "198.18.2.0");
  EXPECT_EQ(ib.remote_ts[0].end.str(), "198.18.1.255");
  EXPECT_FALSE(ia.udp_encap);  // no NAT between them
  EXPECT_EQ(a.of<ike::SessionEvent>().size(), 1u);
  EXPECT_EQ(b.of<ike::SessionEvent>().size(), 1u);
  auto sa = a.engine->sas();
  ASSERT_EQ(sa.size(), 1u);
  EXPECT_EQ(sa[0].state, "QM_IDLE");
  EXPECT_EQ(sa[0].status, "ACTIVE");
  EXPECT_EQ(sa[0].conn_id, 1001u);
  EXPECT_EQ(b.engine->sas()[0].remote_id, "198.51.100.1");
  EXPECT_NE(logs.find("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP  .  Peer 198.51.100.2:500       Id: 198.51.100.2"),
            std::string::npos) << logs;
  // Every datagram is ISAKMP that our own codec decodes; 5 on are encrypted.
  for (size_t i = 0; i < sent.size(); ++i) {
    auto m = isakmp::parse_message(sent[i].data);
    ASSERT_TRUE(m) << i;
    EXPECT_EQ(m->header.encrypted(), i >= 4) << i;
  }
}

// A crypto map's ACL: as on IOS, each permit line (source, destination) is
// its own Quick Mode and IPsec SA; the responder takes identities inside one
// of its pairs and refuses others with INVALID-ID-INFORMATION.
TEST_F(Ikev1Engines, CryptoMapPermitLinesAreOneSaEach) {
  auto two = [](ike::ChildConfig c, const char* l0, const char* l1, const char* r0, const char* r1) {
    c.local_ts.push_back(range(l0, l1));
    c.remote_ts.push_back(range(r0, r1));
    return c;
  };
  a.policy.child = two(*a.policy.child, "198.18.5.1", "198.18.5.1", "198.18.6.0", "198.18.6.255");
  b.policy.child = two(*b.policy.child, "198.18.6.0", "198.18.6.255", "198.18.5.0", "198.18.5.255");
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(sent.size(), 12u) << logs;  // MM1..MM6, then QM1..QM3 twice
  auto ia = a.of<ike::InstallChildSa>(), ib = b.of<ike::InstallChildSa>();
  ASSERT_EQ(ia.size(), 2u) << logs;
  ASSERT_EQ(ib.size(), 2u) << logs;
  EXPECT_EQ(ia[0].local_ts[0].start.str(), "198.18.1.0");
  EXPECT_EQ(ia[1].local_ts[0].start.str(), "198.18.5.1");
  EXPECT_EQ(ia[1].remote_ts[0].end.str(), "198.18.6.255");
  EXPECT_EQ(ib[1].remote_ts[0].start.str(), "198.18.5.1");
  EXPECT_EQ(ia[1].spi_out, ib[1].spi_in);
  EXPECT_EQ(a.of<ike::SessionEvent>().size(), 1u);  // one session, two SAs
  // Asked again while both are up: nothing new.
  sent.clear();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(sent.empty());
}

// IOS: a deny line is not protected. The responder refuses a proposal the
// first covering line denies, and one a deny line before its permit overlaps.
TEST_F(Ikev1Engines, DenyLinesRefuseTheirSelectors) {
  auto rule = [](bool permit, const char* l0, const char* l1, const char* r0, const char* r1) {
    return ike::SelectorRule{permit, range(l0, l1), range(r0, r1)};
  };
  b.policy.child->acl = {rule(false, "198.18.2.0", "198.18.2.255", "198.18.1.7", "198.18.1.7"),
                         rule(true, "198.18.2.0", "198.18.2.255", "198.18.1.0", "198.18.1.255")};
  start();
  take(a, a.engine->initiate(req()));  // 198.18.1.0/24: the deny overlaps it
  pump();
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("are not permitted by the access list"), std::string::npos) << logs;
  a.policy.child->local_ts = {range("198.18.1.8", "198.18.1.15")};  // inside the permit, clear of the deny
  take(a, a.engine->delete_sessions(""));
  pump();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u) << logs;
  a.policy.child->local_ts = {range("198.18.1.7", "198.18.1.7")};  // the denied host
  take(a, a.engine->delete_sessions(""));
  pump();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u) << logs;
}

// InitiateRequest::tries: a silent peer is given up after that many sends
// of message 1 (a crypto map then tries its next set peer).
TEST_F(Ikev1Engines, SilentPeerGivenUpAfterTheRequestedTries) {
  start();
  auto r = req();
  r.tries = 3;
  take(a, a.engine->initiate(r));
  auto silent = [](const ike::SendPacket&) { return true; };
  run_for(Millis(13'000), silent);
  EXPECT_TRUE(a.of<ike::PeerDead>().empty());
  EXPECT_EQ(sent.size(), 3u);  // at 0, 2 and 6 s
  run_for(Millis(2'000), silent);  // given up at 14 s
  auto dead = a.of<ike::PeerDead>();
  ASSERT_EQ(dead.size(), 1u) << logs;
  EXPECT_EQ(dead[0].interface, "Tunnel0");
  EXPECT_EQ(sent.size(), 3u);
  EXPECT_TRUE(a.engine->sas().empty());
}

TEST_F(Ikev1Engines, IdentitiesOutsideTheResponderSelectorsAreRefused) {
  b.policy.child = child("198.18.2.0", "198.18.2.127", "198.18.1.0", "198.18.1.255");  // narrower on its side
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(a.of<ike::InstallChildSa>().empty());
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Quick mode failed with peer at 198.51.100.1"),
            std::string::npos) << logs;
  // Our side any (a tunnel interface): whatever the peer proposes.
  b.policy.child = child("0.0.0.0", "255.255.255.255", "198.18.9.0", "198.18.9.255");
  a.got.clear();
  b.got.clear();
  take(a, a.engine->delete_sessions(""));
  pump();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u) << logs;
}

TEST_F(Ikev1Engines, WrongPreSharedKeyFailsWithoutSas) {
  b.policy.key = "not-the-same";
  start();
  take(a, a.engine->initiate(req()));
  pump();
  run_for(Millis(180'000));
  EXPECT_TRUE(a.of<ike::InstallChildSa>().empty());
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from 198.51.100.1 failed its sanity check or is malformed"),
            std::string::npos) << logs;
  EXPECT_TRUE(a.engine->sas().empty()) << logs;  // gave up after its retransmissions
  EXPECT_GE(a.engine->stats().retransmits, 5u);
}

TEST_F(Ikev1Engines, NoMatchingPolicyIsRefused) {
  b.policy.pols = {{10, crypto::Cipher::k3des, 192, crypto::Prf::kHmacSha1, crypto::Group::kModp1536}};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(b.engine->stats().no_proposal_chosen, 1u);
  EXPECT_NE(logs.find("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 198.51.100.1"),
            std::string::npos) << logs;
  EXPECT_TRUE(a.engine->sas().empty()) << logs;  // the clear NO-PROPOSAL-CHOSEN ended it
}

// Lose each of the nine datagrams once in turn: retransmission (or the
// answer to a repeated message) still brings both sides up, once.
TEST_F(Ikev1Engines, EveryMessageLostOnceStillConverges) {
  for (int lose = 0; lose < 9; ++lose) {
    SCOPED_TRACE(lose);
    a = Node{uint64_t(10 + lose), "198.51.100.1"};
    b = Node{uint64_t(50 + lose), "198.51.100.2"};
    SetUp();
    wire.clear();
    sent.clear();
    start();
    int n = 0;
    auto drop = [&](const ike::SendPacket&) { return n++ == lose; };
    take(a, a.engine->initiate(req()));
    pump(drop);
    run_for(Millis(30'000), drop);
    expect_mirrored();
  }
}

// The responder's Diffie-Hellman on the daemon's crypto workers
// (EngineOptions::dh_off_loop): message 3 waits for the DhWork, its
// retransmission is held, and message 4 goes once the key pair is in; a
// result nothing waits for any more is dropped.
TEST_F(Ikev1Engines, ResponderKeyExchangeOffTheLoop) {
  a.engine = Engine::create(a.policy, clock, a.rng);
  b.engine = Engine::create(b.policy, clock, b.rng, EngineOptions{.dh_off_loop = true});
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(sent.size(), 3u) << logs;  // MM1, MM2, MM3
  auto work = b.of<ike::WorkRequest>();
  ASSERT_EQ(work.size(), 1u) << logs;
  auto* dh = std::get_if<ike::DhWork>(&work[0].work);
  ASSERT_NE(dh, nullptr);
  EXPECT_EQ(dh->group, crypto::Group::kModp2048);
  EXPECT_EQ(dh->peer_public.size(), 256u);
  run_for(Millis(2'500));  // A sends MM3 again (and B MM2)
  auto from_b = [&] { return std::count_if(sent.begin(), sent.end(), [&](auto& p) { return p.local.addr == b.me; }); };
  EXPECT_LE(from_b(), 2) << "MM2 and its retransmission, no MM4 while the key exchange is out";
  EXPECT_GE(b.engine->stats().rx_retransmitted, 1u);
  EXPECT_EQ(b.of<ike::WorkRequest>().size(), 1u) << "the retransmission started no second key exchange";
  auto before = from_b();
  take(b, b.engine->resume(work[0].id, ike::do_work(work[0].work)));
  pump();
  EXPECT_EQ(from_b(), before + 3) << logs;  // MM4, MM6, QM2
  expect_mirrored();
  EXPECT_TRUE(b.engine->resume(work[0].id, ike::do_work(work[0].work)).empty());
  EXPECT_EQ(b.engine->sas().size(), 1u);
}

// Many responder SAs at once: each message finds its own SA by its cookies
// (the index), also after others are deleted.
TEST_F(Ikev1Engines, ManyResponderSasEachFindTheirOwn) {
  start();
  std::vector<std::unique_ptr<Node>> peers;
  std::vector<std::unique_ptr<Engine>> engines;
  for (int i = 0; i < 6; ++i) {
    auto n = std::make_unique<Node>(uint64_t(100 + i), ("198.51.100." + std::to_string(10 + i)).c_str());
    n->policy.child = a.policy.child;
    n->engine = Engine::create(n->policy, clock, n->rng);
    peers.push_back(std::move(n));
  }
  // Each peer's MM1 first, then everything interleaved as it comes.
  std::deque<std::pair<Node*, ike::SendPacket>> net;
  auto from = [&](Node& n, std::vector<Action> acts) {
    for (auto& x : acts)
      if (auto* p = std::get_if<ike::SendPacket>(&x)) net.emplace_back(&n, *p);
      else n.got.push_back(std::move(x));
  };
  for (auto& n : peers) from(*n, n->engine->initiate({Endpoint{n->me, 500}, Endpoint{b.me, 500}, *n->policy.child}));
  while (!net.empty()) {
    auto [n, p] = net.front();
    net.pop_front();
    if (p.remote.addr == b.me) {
      for (auto& x : b.engine->on_packet(p.remote, p.local, p.data))
        if (auto* q = std::get_if<ike::SendPacket>(&x)) {
          for (auto& m : peers)
            if (m->me == q->remote.addr) net.emplace_back(m.get(), *q);
        } else {
          b.got.push_back(std::move(x));
        }
    } else {
      from(*n, n->engine->on_packet(p.remote, p.local, p.data));
    }
  }
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 6u) << logs;
  EXPECT_EQ(b.engine->sas().size(), 6u);
  for (auto& n : peers) EXPECT_EQ(n->of<ike::InstallChildSa>().size(), 1u) << n->me.str();
  EXPECT_EQ(b.engine->stats().rx_dropped_unknown_sa, 0u);
  // Half of them delete theirs; the others still reach their own.
  for (int i = 0; i < 3; ++i)
    for (auto& x : peers[i]->engine->delete_sessions(""))
      if (auto* q = std::get_if<ike::SendPacket>(&x)) b.engine->on_packet(q->remote, q->local, q->data);
  EXPECT_EQ(b.engine->sas().size(), 3u) << logs;
  auto before = b.engine->stats().rx_dropped_unknown_sa;
  for (int i = 3; i < 6; ++i)
    for (auto& x : peers[i]->engine->delete_sessions(""))
      if (auto* q = std::get_if<ike::SendPacket>(&x)) b.engine->on_packet(q->remote, q->local, q->data);
  EXPECT_TRUE(b.engine->sas().empty()) << logs;
  EXPECT_EQ(b.engine->stats().rx_dropped_unknown_sa, before);
}

TEST_F(Ikev1Engines, DeleteRemovesBothSides) {
  start();
  take(a, a.engine->initiate(req()));
  pump();
  take(a, a.engine->delete_sessions("Tunnel0"));
  pump();
  EXPECT_EQ(a.of<ike::RemoveChildSa>().size(), 1u);
  EXPECT_EQ(b.of<ike::RemoveChildSa>().size(), 1u) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty()) << logs;
  auto down = b.of<ike::SessionEvent>();
  ASSERT_EQ(down.size(), 2u);
  EXPECT_FALSE(down[1].up);
}

// RFC 3947: a NAT in front of the initiator (its source address rewritten
// on the way) makes both sides move to UDP 4500 from message 5 and ask
// for UDP-encapsulated tunnel mode.
TEST_F(Ikev1Engines, NatDetectedMovesTo4500AndEncapsulates) {
  start();
  const IpAddress nat_outside = ip("203.0.113.9");
  auto translate = [&](ike::SendPacket p) {
    if (p.local.addr == a.me) p.local = {nat_outside, uint16_t(p.local.port == 500 ? 1500 : 14500)};
    if (p.remote.addr == nat_outside) p.remote = {a.me, uint16_t(p.remote.port == 1500 ? 500 : 4500)};
    return p;
  };
  take(a, a.engine->initiate(req()));
  while (!wire.empty()) {
    auto p = translate(wire.front());
    wire.pop_front();
    Node& to = p.remote.addr == b.me ? b : a;
    take(to, to.engine->on_packet(p.remote, p.local, p.data));
  }
  expect_mirrored();
  auto ia = a.of<ike::InstallChildSa>()[0], ib = b.of<ike::InstallChildSa>()[0];
  EXPECT_TRUE(ia.udp_encap);
  EXPECT_TRUE(ib.udp_encap);
  EXPECT_EQ(ia.remote.port, 4500);
  EXPECT_EQ(ib.remote.addr, nat_outside);
  EXPECT_EQ(ib.remote.port, 14500);
  EXPECT_TRUE(ib.peer_may_float);
  EXPECT_EQ(sent[4].local.port, 4500);  // message 5 from 4500
}

TEST_F(Ikev1Engines, QuickModeRekeysBeforeTheLifetimeEnds) {
  a.policy.child->lifetime_s = 100;
  b.policy.child->lifetime_s = 100;
  start();
  take(a, a.engine->initiate(req()));
  pump();
  run_for(Millis(95'000));
  EXPECT_EQ(a.of<ike::InstallChildSa>().size(), 2u) << logs;
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 2u) << logs;
  run_for(Millis(10'000));
  EXPECT_EQ(a.of<ike::RemoveChildSa>().size(), 1u);  // the first one, at its lifetime
  EXPECT_EQ(a.engine->sas()[0].child_spis_in.size(), 1u);
}

TEST_F(Ikev1Engines, GarbageAndUnknownCookiesAreCounted) {
  start();
  take(b, b.engine->on_packet({b.me, 500}, {a.me, 500}, Bytes(40, 0x11)));
  EXPECT_EQ(b.engine->stats().rx_dropped_malformed, 1u);
  isakmp::Header h;
  h.cookie_i = 7;
  h.cookie_r = 9;
  h.exchange = isakmp::ExchangeType::kQuickMode;
  take(b, b.engine->on_packet({b.me, 500}, {a.me, 500},
                              isakmp::encode_encrypted(h, isakmp::PayloadType::kHash, Bytes(32, 1))));
  EXPECT_EQ(b.engine->stats().rx_dropped_unknown_sa, 1u);
  EXPECT_NE(logs.find("%CRYPTO-4-IKMP_NO_SA"), std::string::npos);
  EXPECT_TRUE(sent.empty());
}

// rsa-sig (RFC 2409 §5.1): certificates from one test CA on both sides.
using crypto::testing::KeyKind;
using crypto::testing::TestCa;
constexpr std::time_t kNow = FakeClock::kEpoch;

crypto::testing::CertSpec leaf_spec(const std::string& cn, long serial) {
  crypto::testing::CertSpec s;
  s.subject = {{"O", "keygate test"}, {"CN", cn}};
  s.dns = {cn};
  s.serial = serial;
  s.not_before = kNow - 3600;
  s.not_after = kNow + 30 * 86400;
  return s;
}

std::shared_ptr<const crypto::Trustpoint> trustpoint(std::vector<crypto::Certificate> cas,
                                                     std::optional<crypto::Certificate> cert, EVP_PKEY* key) {
  auto tp = std::make_shared<crypto::Trustpoint>();
  tp->name = "TP";
  tp->ca_certs = std::move(cas);
  tp->trust = *crypto::TrustStore::create(tp->ca_certs);
  tp->cert = std::move(cert);
  if (key) tp->signer = crypto::testing::signer_of(key);
  tp->crl_check = false;
  return tp;
}

class Ikev1SigEngines : public Ikev1Engines {
 protected:
  // Both sides' certificates from one root; a's key of `kind`, b's of
  // `kind_b` (the same when not given). The policy is rsa-sig for RSA keys,
  // ecdsa-sig (as the daemon gives it, method 9) for ECDSA ones.
  void certificates(KeyKind kind, std::optional<KeyKind> kind_b = std::nullopt) {
    TestCa root = TestCa::root("Keygate Test Root", kind, 70, kNow);
    auto ka = crypto::testing::test_key(kind, 71), kb = crypto::testing::test_key(kind_b.value_or(kind), 72);
    a.policy.tps = {trustpoint({root.cert}, root.leaf(leaf_spec("site-a.example.net", 0x21), ka.get()), ka.get())};
    b.policy.tps = {trustpoint({root.cert}, root.leaf(leaf_spec("site-b.example.net", 0x22), kb.get()), kb.get())};
    const bool rsa = kind == KeyKind::kRsa2048 || kind == KeyKind::kRsa3072;
    for (Node* n : {&a, &b}) {
      n->policy.ident.kind = LocalIdentity::Kind::kDn;  // the address is not in these certificates
      n->policy.pols[0].auth = rsa ? isakmp::P1Auth::kRsaSig : isakmp::P1Auth::kEcdsa256;
      n->policy.key.clear();  // no pre-shared key anywhere
    }
  }
  // The authentication method of message 1's first transform.
  uint64_t offered_auth() {
    auto m1 = isakmp::parse_message(sent.at(0).data);
    auto* sa = m1 ? isakmp::find_payload<isakmp::SaPayload>(m1->payloads, isakmp::PayloadType::kSa) : nullptr;
    return sa ? sa->proposals.at(0).transforms.at(0).attr(isakmp::P1Attr::kAuthMethod).value_or(0) : 0;
  }
};

// MM3/MM4 carry a CERTREQ, MM5/MM6 ID, CERT and SIG; the DN identity and the
// FQDN one are both found in the certificates; Quick Mode follows.
TEST_F(Ikev1SigEngines, MainModeWithRsaSignaturesAndCertificates) {
  certificates(KeyKind::kRsa2048);
  a.policy.ident.kind = LocalIdentity::Kind::kDn;
  b.policy.ident = {LocalIdentity::Kind::kHostname, "site-b.example.net"};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  expect_mirrored();
  EXPECT_NE(b.engine->sas()[0].remote_id.find("site-a.example.net"), std::string::npos) << b.engine->sas()[0].remote_id;
  EXPECT_EQ(a.engine->sas()[0].remote_id, "site-b.example.net");
  auto mm3 = isakmp::parse_message(sent[2].data);
  ASSERT_TRUE(mm3);
  EXPECT_TRUE(isakmp::find_payload<isakmp::CertReqPayload>(mm3->payloads, isakmp::PayloadType::kCertReq));
  EXPECT_GT(sent[4].data.size(), 1000u);  // MM5 holds the certificate
}

TEST_F(Ikev1SigEngines, ACertificateFromAnotherCaIsRefused) {
  certificates(KeyKind::kRsa2048);
  TestCa other = TestCa::root("Other Root", KeyKind::kRsa2048, 73, kNow);
  auto kb = crypto::testing::test_key(KeyKind::kRsa2048, 72);
  b.policy.tps = {trustpoint({other.cert}, other.leaf(leaf_spec("site-b.example.net", 0x23), kb.get()), kb.get())};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(a.of<ike::InstallChildSa>().empty());
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 198.51.100.1 failed validation"),
            std::string::npos) << logs;
  EXPECT_NE(logs.find("%PKI-3-CERTIFICATE_INVALID"), std::string::npos) << logs;
}

TEST_F(Ikev1SigEngines, AnIdentityNotInTheCertificateIsRefused) {
  certificates(KeyKind::kRsa2048);
  a.policy.ident = {LocalIdentity::Kind::kHostname, "elsewhere.example.net"};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("its identity (elsewhere.example.net) is not in its certificate"), std::string::npos) << logs;
}

// crypto isakmp fragmentation on both sides: MM5/MM6 (certificates) go in
// FRAG payloads no larger than a 576-byte IPv4 datagram; one side without it:
// no vendor ID from it, so nothing is fragmented.
TEST_F(Ikev1SigEngines, LargeMessagesAreFragmentedWhenBothSidesAgree) {
  certificates(KeyKind::kRsa3072);
  a.policy.frag = b.policy.frag = true;
  start();
  take(a, a.engine->initiate(req()));
  pump();
  expect_mirrored();
  size_t frags = 0;
  for (auto& p : sent) {
    auto m = isakmp::parse_message(p.data);
    ASSERT_TRUE(m);
    if (m->header.next_payload != isakmp::PayloadType::kFragment) continue;
    ++frags;
    EXPECT_LE(p.data.size() + 28, 576u);
    EXPECT_FALSE(m->header.encrypted());
    EXPECT_EQ(m->header.message_id, 0u);
  }
  EXPECT_GE(frags, 6u) << logs;

  a.got.clear();
  b.got.clear();
  sent.clear();
  take(a, a.engine->delete_sessions(""));
  pump();
  b.policy.frag = false;
  sent.clear();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u) << logs;
  for (auto& p : sent) EXPECT_NE(p.data[16], uint8_t(isakmp::PayloadType::kFragment));
}

// Fragments out of order and repeated join the same; a fragment for no SA, a
// nested one or one past the limit is dropped.
TEST_F(Ikev1SigEngines, FragmentsOutOfOrderAreJoined) {
  certificates(KeyKind::kRsa3072);
  a.policy.frag = b.policy.frag = true;
  start();
  take(a, a.engine->initiate(req()));
  // Each fragmented message's fragments arrive last first, one twice.
  auto is_frag = [](const ike::SendPacket& p) { return p.data[16] == uint8_t(isakmp::PayloadType::kFragment); };
  size_t joined = 0;
  while (!wire.empty()) {
    std::vector<ike::SendPacket> frags;
    while (!wire.empty() && is_frag(wire.front())) {
      frags.push_back(wire.front());
      wire.pop_front();
    }
    if (frags.empty()) {
      frags.push_back(wire.front());
      wire.pop_front();
    } else {
      ++joined;
      std::reverse(frags.begin(), frags.end());
      ike::SendPacket again = frags[frags.size() / 2];
      frags.insert(frags.begin() + 1, again);
    }
    for (auto& p : frags) {
      Node& to = node_at(p.remote.addr);
      take(to, to.engine->on_packet(p.remote, p.local, p.data));
    }
  }
  EXPECT_GE(joined, 2u);
  pump();
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u) << logs;
  isakmp::Header h;
  h.cookie_i = 5;
  h.cookie_r = 6;
  auto before = b.engine->stats().rx_dropped_unknown_sa;
  take(b, b.engine->on_packet({b.me, 500}, {a.me, 500},
                              isakmp::encode_message(h, {{isakmp::PayloadType::kFragment,
                                                          isakmp::FragmentPayload{1, 1, true, Bytes(40, 1)}}})));
  EXPECT_EQ(b.engine->stats().rx_dropped_unknown_sa, before + 1);
}

// ESP activity as the daemon's data path reports it, set by the test.
struct FakeTraffic final : ike::TrafficSource {
  std::optional<ike::ChildActivity> activity(uint32_t) const override { return act; }
  ike::ChildActivity act;
};

size_t informationals_from(const std::vector<ike::SendPacket>& sent, const IpAddress& from) {
  size_t n = 0;
  for (auto& p : sent)
    if (auto m = isakmp::parse_message(p.data); m && p.local.addr == from && m->header.exchange == isakmp::ExchangeType::kInformational)
      ++n;
  return n;
}

// crypto isakmp keepalive 10 2 periodic: an R-U-THERE after each 10 s of
// silence, answered; once the peer is gone, 6 unanswered (10 + 6 x 2 s) and
// its ISAKMP and IPsec SAs are removed.
TEST_F(Ikev1Engines, PeriodicDpdProbesAndDeclaresSilentPeerDead) {
  a.policy.dpd = {10, 2, true};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  sent.clear();
  run_for(Millis(35'000));
  EXPECT_EQ(informationals_from(sent, a.me), 3u) << logs;  // at 10, 20, 30 s
  EXPECT_EQ(informationals_from(sent, b.me), 3u) << logs;  // the ACKs
  EXPECT_EQ(a.engine->sas().size(), 1u);
  EXPECT_EQ(a.engine->stats().peers_dead, 0u);
  sent.clear();
  auto to_b = [&](const ike::SendPacket& p) { return p.remote.addr == b.me; };
  run_for(Millis(10'000 + 6 * 2'000 + 1'000), to_b);
  EXPECT_TRUE(a.engine->sas().empty()) << logs;
  EXPECT_EQ(informationals_from(sent, a.me), 6u);
  EXPECT_EQ(a.of<ike::RemoveChildSa>().size(), 1u);
  EXPECT_EQ(a.of<ike::PeerDead>().size(), 1u);
  EXPECT_EQ(a.engine->stats().peers_dead, 1u);
  EXPECT_NE(logs.find("did not answer 6 DPD R-U-THERE messages: declared dead"), std::string::npos) << logs;
  EXPECT_NE(logs.find("%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN  .  Peer 198.51.100.2:500"), std::string::npos);
}

// On-demand (the default): no probe while idle; once we send and hear
// nothing for the interval, probes, then dead.
TEST_F(Ikev1Engines, OnDemandDpdProbesOnlyWhenTrafficGoesUnanswered) {
  a.policy.dpd = {10, 2, false};
  start();
  FakeTraffic traffic;
  a.engine->set_traffic_source(&traffic);
  take(a, a.engine->initiate(req()));
  pump();
  sent.clear();
  run_for(Millis(60'000));
  EXPECT_EQ(informationals_from(sent, a.me), 0u) << logs;
  // Traffic both ways: still nothing to ask.
  traffic.act = {clock.now(), clock.now()};
  run_for(Millis(5'000));
  EXPECT_EQ(a.engine->stats().dpd_probes, 0u);
  // We keep sending, nothing comes back.
  TimePoint silent_since = clock.now();
  for (int i = 0; i < 40 && !a.engine->sas().empty(); ++i) {
    traffic.act.last_out = clock.now();
    run_for(Millis(1'000), [&](const ike::SendPacket& p) { return p.remote.addr == b.me; });
  }
  EXPECT_TRUE(a.engine->sas().empty()) << logs;
  EXPECT_EQ(a.engine->stats().dpd_probes, 6u);
  // At most one interval to notice, one more before the first probe, then the retries.
  EXPECT_LE(clock.now() - silent_since, Millis(10'000 + 10'000 + 6 * 2'000 + 1'000));
}

// An ACK to the probe, or ESP from the peer, ends it.
TEST_F(Ikev1Engines, DpdProbeEndsWhenThePeerAnswers) {
  a.policy.dpd = {10, 2, true};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  int lost = 0;  // the first two R-U-THEREs are lost: the third is answered
  run_for(Millis(60'000), [&](const ike::SendPacket& p) { return p.remote.addr == b.me && lost++ < 2; });
  EXPECT_EQ(a.engine->sas().size(), 1u) << logs;
  EXPECT_EQ(a.engine->stats().peers_dead, 0u);
  EXPECT_GE(a.engine->stats().dpd_probes, 5u);
}

// Phase-1 rekey: at 90% of the ISAKMP lifetime the initiator runs a new Main
// Mode (no INITIAL-CONTACT), the IPsec SAs move to it on both sides and the
// old ISAKMP SA is deleted; no IPsec SA is removed or re-negotiated.
TEST_F(Ikev1Engines, IsakmpSaRekeysKeepingItsIpsecSas) {
  a.policy.pols[0].lifetime_s = 100;
  b.policy.pols[0].lifetime_s = 100;
  a.policy.child->lifetime_s = 150;  // a Quick Mode rekey at 135 s, between the phase-1 ones
  b.policy.child->lifetime_s = 150;
  start();
  take(a, a.engine->initiate(req()));
  pump();
  auto spi = a.of<ike::InstallChildSa>()[0].spi_in;
  run_for(Millis(95'000));
  auto sa = a.engine->sas();
  ASSERT_EQ(sa.size(), 1u) << logs;
  EXPECT_EQ(sa[0].conn_id, 1002u);
  EXPECT_EQ(sa[0].child_spis_in, std::vector<uint32_t>{spi});
  EXPECT_GT(sa[0].expire_in_s, 80);
  ASSERT_EQ(b.engine->sas().size(), 1u) << logs;
  EXPECT_EQ(b.engine->sas()[0].child_spis_in.size(), 1u);
  EXPECT_NE(b.engine->sas()[0].cky_i, 0u);
  EXPECT_EQ(a.engine->stats().p1_rekeys, 1u);
  for (Node* n : {&a, &b}) {
    EXPECT_EQ(n->of<ike::InstallChildSa>().size(), 1u);
    EXPECT_TRUE(n->of<ike::RemoveChildSa>().empty()) << logs;
    EXPECT_EQ(n->of<ike::SessionEvent>().size(), 1u);  // up once, never down
  }
  EXPECT_EQ(logs.find("INITIAL-CONTACT from"), std::string::npos) << logs;
  // And again, with a Quick Mode rekey in between on the new ISAKMP SA.
  run_for(Millis(100'000));
  EXPECT_EQ(a.engine->stats().p1_rekeys, 2u);
  ASSERT_EQ(a.engine->sas().size(), 1u);
  EXPECT_EQ(b.engine->sas().size(), 1u);
  EXPECT_EQ(a.engine->sas()[0].child_spis_in.size(), 1u);
  EXPECT_NE(a.engine->sas()[0].child_spis_in[0], spi);
  EXPECT_EQ(a.of<ike::InstallChildSa>().size(), 2u) << logs;
  EXPECT_EQ(a.of<ike::RemoveChildSa>().size(), 1u);  // the first, at its lifetime
}

// Invalid-SPI recovery: b restarts and loses its SAs; a's ESP then has an
// unknown SPI at b, which starts Main Mode (INITIAL-CONTACT makes a drop its
// stale SAs), sends INVALID-SPI and runs Quick Mode for its static entry; a
// second packet within the hold-down does nothing; off (the default),
// nothing at all.
TEST_F(Ikev1Engines, InvalidSpiRecoveryAfterARestart) {
  start();
  take(a, a.engine->initiate(req()));
  pump();
  sent.clear();
  uint32_t stale = a.of<ike::InstallChildSa>()[0].spi_out;
  b.engine = Engine::create(b.policy, clock, b.rng);  // restarted
  b.got.clear();
  take(b, b.engine->on_unknown_spi({b.me, 500}, {a.me, 500}, stale));
  EXPECT_TRUE(wire.empty());  // not configured
  b.policy.spi_recovery = true;
  take(b, b.engine->on_unknown_spi({b.me, 500}, {a.me, 500}, stale));
  pump();
  EXPECT_EQ(b.engine->stats().invalid_spi_notifies, 1u);
  EXPECT_NE(logs.find("%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=198.51.100.2, prot=50"),
            std::string::npos) << logs;
  EXPECT_EQ(informationals_from(sent, b.me), 1u);  // the notify, once Main Mode is done
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u);
  EXPECT_EQ(a.of<ike::RemoveChildSa>().size(), 1u) << logs;  // INITIAL-CONTACT: the stale SAs go
  ASSERT_EQ(b.engine->sas().size(), 1u);
  EXPECT_EQ(b.engine->sas()[0].state, "QM_IDLE");
  EXPECT_EQ(b.engine->sas()[0].child_spis_in.size(), 1u);  // Quick Mode for its static entry
  // Rate-limited: within 10 s nothing; then a notify on the SA that is up.
  sent.clear();
  take(b, b.engine->on_unknown_spi({b.me, 500}, {a.me, 500}, stale));
  EXPECT_TRUE(wire.empty());
  EXPECT_EQ(b.engine->stats().invalid_spi_limited, 1u);
  clock.advance(Millis(10'000));
  take(b, b.engine->on_unknown_spi({b.me, 500}, {a.me, 500}, stale));
  pump();
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(b.engine->stats().invalid_spi_notifies, 2u);
  EXPECT_EQ(b.engine->sas().size(), 1u);
}

// keepalive 10 retry 2 in the crypto map entry's ISAKMP profile: DPD on
// that SA with no global keepalive; but only towards a peer that sent the
// DPD vendor ID (RFC 3706 §5.1), and we send ours only when configured.
TEST_F(Ikev1Engines, ProfileKeepaliveOverridesGlobalWhenThePeerAnnouncesDpd) {
  a.policy.profile_dpd["P"] = {10, 2, true};
  a.policy.profile_keys["P"] = "cisco123";
  start();
  auto r = req();
  r.profile = "P";
  take(a, a.engine->initiate(r));
  pump();
  sent.clear();
  run_for(Millis(25'000));
  EXPECT_EQ(informationals_from(sent, a.me), 2u) << logs;  // at 10 and 20 s
  EXPECT_EQ(informationals_from(sent, b.me), 2u);
  // The same without the peer's vendor ID: no probe, and a log line.
  b.policy.dpd_vid = false;
  b.engine = Engine::create(b.policy, clock, b.rng);
  a.engine = Engine::create(a.policy, clock, a.rng);
  take(a, a.engine->initiate(r));
  pump();
  sent.clear();
  run_for(Millis(25'000));
  EXPECT_EQ(informationals_from(sent, a.me), 0u) << logs;
  EXPECT_EQ(a.engine->stats().dpd_probes, 0u);
  EXPECT_NE(logs.find("sent no DPD vendor ID: no dead peer detection"), std::string::npos) << logs;
}

// The DPD vendor ID is in Main Mode messages 1 and 2 exactly when DPD is
// configured.
bool sent_dpd_vid(const isakmp::Message& m) {
  const Bytes vid = *from_hex("afcad71368a1f1c96b8696fc77570100");  // RFC 3706 §5.1
  for (auto& p : m.payloads)
    if (auto* v = std::get_if<isakmp::VendorIdPayload>(&p.body); v && v->data == vid) return true;
  return false;
}

TEST_F(Ikev1Engines, MainModeCarriesTheDpdVendorIdOnlyWhenConfigured) {
  a.policy.dpd_vid = false;
  start();
  take(a, a.engine->initiate(req()));
  ASSERT_FALSE(wire.empty());
  auto m1 = isakmp::parse_message(wire.front().data);
  ASSERT_TRUE(m1);
  EXPECT_FALSE(sent_dpd_vid(*m1));
  pump();
  auto m2 = isakmp::parse_message(sent[1].data);
  ASSERT_TRUE(m2);
  EXPECT_TRUE(sent_dpd_vid(*m2));  // b: configured
  a.policy.dpd_vid = true;
  sent.clear();
  a.engine = Engine::create(a.policy, clock, a.rng);
  take(a, a.engine->initiate(req()));
  m1 = isakmp::parse_message(wire.front().data);
  ASSERT_TRUE(m1);
  EXPECT_TRUE(sent_dpd_vid(*m1));
}

// set isakmp-profile P: the initiator takes the key from P's keyring (the
// global key differs); a responder whose map entry names another profile
// than the one the peer matched refuses Quick Mode.
TEST_F(Ikev1Engines, CryptoMapIsakmpProfileChoosesKeyAndIsCheckedByTheResponder) {
  a.policy.key = "global-key";
  a.policy.profile_keys["P"] = "profile-key";
  b.policy.key = "profile-key";
  b.policy.matched = "P";
  b.policy.map_wants = "Q";
  start();
  auto r = req();
  r.profile = "P";
  take(a, a.engine->initiate(r));
  pump();
  ASSERT_EQ(a.engine->sas().size(), 1u) << logs;
  EXPECT_EQ(a.engine->sas()[0].state, "QM_IDLE");  // phase 1 with P's key
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("needs ISAKMP profile Q, ISAKMP SA 1001 matched P"), std::string::npos) << logs;
  b.policy.map_wants = "P";
  a.engine = Engine::create(a.policy, clock, a.rng);
  b.engine = Engine::create(b.policy, clock, b.rng);
  take(a, a.engine->initiate(r));
  pump();
  EXPECT_EQ(b.of<ike::InstallChildSa>().size(), 1u) << logs;
  EXPECT_EQ(a.of<ike::InstallChildSa>().size(), 1u);
}

// A phase-1 rekey the peer does not answer is tried again until the old SA
// expires; once the peer answers again the IPsec SAs move without a gap.
// Unanswered until then, the old SA goes with a log line.
TEST_F(Ikev1Engines, FailedPhase1RekeyIsRetriedUntilTheOldSaExpires) {
  a.policy.pols[0].lifetime_s = 3000;  // rekey at 2700 s, 300 s to retry
  b.policy.pols[0].lifetime_s = 3000;
  a.policy.child->lifetime_s = 20000;
  b.policy.child->lifetime_s = 20000;
  start();
  const TimePoint t0 = clock.now();
  take(a, a.engine->initiate(req()));
  pump();
  run_for(Millis(2'690'000));
  // The peer is unreachable from 2690 s to 2850 s: the first attempt (2700 s,
  // given up at ~2826 s) fails, the second gets through.
  auto lost = [&](const ike::SendPacket&) { return clock.now() < t0 + Millis(2'850'000); };
  run_for(Millis(290'000), lost);
  EXPECT_NE(logs.find("rekey of ISAKMP SA 1001 with 198.51.100.2:500 failed (attempt 1, no answer)"), std::string::npos)
      << logs;
  EXPECT_NE(logs.find("rekeying ISAKMP SA 1001 with 198.51.100.2:500 again (attempt 2)"), std::string::npos);
  EXPECT_EQ(a.engine->stats().p1_rekeys, 1u) << logs;
  EXPECT_TRUE(a.of<ike::PeerDead>().empty());
  for (Node* n : {&a, &b}) EXPECT_TRUE(n->of<ike::RemoveChildSa>().empty()) << logs;
  ASSERT_EQ(a.engine->sas().size(), 1u);
  EXPECT_EQ(a.engine->sas()[0].child_spis_in.size(), 1u);
  // Now the peer is gone for good: attempts until the SA expires, then it
  // goes with its IPsec SA, logged.
  logs.clear();
  run_for(Millis(2'980'000), [](const ike::SendPacket&) { return true; });
  EXPECT_NE(logs.find("failed (attempt 2, no answer)"), std::string::npos) << logs;
  EXPECT_NE(logs.find("expired after 3 failed rekey attempts: its IPsec SAs are deleted"), std::string::npos) << logs;
  EXPECT_EQ(a.of<ike::RemoveChildSa>().size(), 1u);
}

// ---- Aggressive Mode initiator (seed 001: crypto isakmp peer address A,
// set aggressive-mode password / client-endpoint; initiate mode aggressive) ----

AggressivePeer am_peer(isakmp::IdType type, std::string id, std::string key) {
  AggressivePeer p;
  p.psk = Secret(key);
  p.id_type = type;
  p.id.assign(id.begin(), id.end());
  return p;
}

// The exchange of each datagram, and whether it was encrypted.
std::vector<std::pair<isakmp::ExchangeType, bool>> exchanges(const std::vector<ike::SendPacket>& sent) {
  std::vector<std::pair<isakmp::ExchangeType, bool>> v;
  for (auto& p : sent)
    if (auto m = isakmp::parse_message(p.data)) v.push_back({m->header.exchange, m->header.encrypted()});
  return v;
}

// AM1 (SA, KE, Ni, IDii = the client-endpoint), AM2, AM3 (encrypted), then
// Quick Mode: six datagrams, mirrored IPsec SAs; the responder found the key
// by the identity and shows it.
TEST_F(Ikev1Engines, AggressiveModeInitiatorWithAPeerEntry) {
  a.policy.key.clear();  // the key is the peer entry's password, not crypto isakmp key's
  a.policy.am_peer = am_peer(isakmp::IdType::kUserFqdn, "site-a@example.net", "am-pass-1");
  b.policy.am_keys["site-a@example.net"] = "am-pass-1";
  start();
  take(a, a.engine->initiate(req()));
  EXPECT_EQ(a.engine->sas()[0].state, "AG_INIT_EXCH");
  pump();
  EXPECT_EQ(sent.size(), 6u) << logs;
  expect_mirrored();
  using X = isakmp::ExchangeType;
  std::vector<std::pair<X, bool>> want = {{X::kAggressive, false}, {X::kAggressive, false}, {X::kAggressive, true},
                                          {X::kQuickMode, true},   {X::kQuickMode, true},   {X::kQuickMode, true}};
  EXPECT_EQ(exchanges(sent), want);
  auto am1 = isakmp::parse_message(sent[0].data);
  auto* id = isakmp::find_payload<isakmp::IdPayload>(am1->payloads, isakmp::PayloadType::kId);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->type, isakmp::IdType::kUserFqdn);
  EXPECT_EQ(std::string(id->data.begin(), id->data.end()), "site-a@example.net");
  EXPECT_EQ(a.engine->sas()[0].state, "QM_IDLE");
  EXPECT_EQ(b.engine->sas()[0].remote_id, "site-a@example.net");
  EXPECT_EQ(a.engine->sas()[0].remote_id, "198.51.100.2");
  EXPECT_EQ(logs.find("am-pass-1"), std::string::npos);
}

// initiate mode aggressive (InitiateRequest::aggressive) without a peer
// entry: our usual identity (the address) and crypto isakmp key's key.
TEST_F(Ikev1Engines, AggressiveModeInitiatorWithOurIdentityAndIsakmpKey) {
  b.policy.am_keys["198.51.100.1"] = "cisco123";
  start();
  auto r = req();
  r.aggressive = true;
  take(a, a.engine->initiate(r));
  pump();
  EXPECT_EQ(sent.size(), 6u) << logs;
  expect_mirrored();
  EXPECT_EQ(b.engine->sas()[0].remote_id, "198.51.100.1");
}

// Message 1's KE fixes the group: only the first usable policy's group is
// offered; the responder's choice among those is taken.
TEST_F(Ikev1Engines, AggressiveModeOffersOneGroup) {
  a.policy.pols.push_back({20, crypto::Cipher::kAesCbc, 128, crypto::Prf::kHmacSha1, crypto::Group::kEcp256});
  a.policy.pols.push_back({30, crypto::Cipher::kAesCbc, 128, crypto::Prf::kHmacSha1, crypto::Group::kModp2048});
  b.policy.pols = {a.policy.pols[2]};
  b.policy.am_keys["198.51.100.1"] = "cisco123";
  start();
  auto r = req();
  r.aggressive = true;
  take(a, a.engine->initiate(r));
  auto am1 = isakmp::parse_message(wire.front().data);
  auto* offer = isakmp::find_payload<isakmp::SaPayload>(am1->payloads, isakmp::PayloadType::kSa);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->proposals[0].transforms.size(), 2u);  // policies 10 and 30 (group 14), not 20 (group 19)
  pump();
  expect_mirrored();
  EXPECT_EQ(a.engine->sas()[0].policy.priority, 30u);
}

// crypto isakmp aggressive-mode disable blocks initiating too (seed 001):
// nothing is sent, the seed's log line.
TEST_F(Ikev1Engines, AggressiveModeDisabledRefusesToInitiate) {
  a.policy.am_peer = am_peer(isakmp::IdType::kFqdn, "site-a.example.net", "am-pass-1");
  a.policy.am_disabled = true;
  start();
  take(a, a.engine->initiate(req()));
  EXPECT_TRUE(wire.empty());
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_NE(logs.find("%CRYPTO-4-IKMP_AG_MODE_DISABLED: Unable to initiate or respond to Aggressive Mode while disabled "
                      "(peer 198.51.100.2)"),
            std::string::npos) << logs;
}

// self-identity in crypto isakmp profile: the initiator's profile (a crypto
// map's set isakmp-profile) and the one the responder's peer matched choose
// the ID each side sends, over crypto isakmp identity; Main Mode, then
// Aggressive Mode (where the responder matches on message 1's identity).
TEST_F(Ikev1Engines, ProfileSelfIdentityIsSentInBothRolesAndModes) {
  for (bool aggressive : {false, true}) {
    SCOPED_TRACE(aggressive ? "Aggressive Mode" : "Main Mode");
    a.policy.ident = {LocalIdentity::Kind::kHostname, "global-a.example.net"};  // crypto isakmp identity hostname
    a.policy.profile_ident["P"] = {LocalIdentity::Kind::kUserFqdn, "site-a@example.net"};
    a.policy.profile_keys["P"] = "cisco123";
    b.policy.matched = "Q";
    b.policy.profile_ident["Q"] = {LocalIdentity::Kind::kHostname, "site-b.example.net"};
    b.policy.am_keys["site-a@example.net"] = "cisco123";
    start();
    auto r = req();
    r.profile = "P";
    r.aggressive = aggressive;
    take(a, a.engine->initiate(r));
    pump();
    expect_mirrored();
    ASSERT_EQ(b.engine->sas().size(), 1u) << logs;
    EXPECT_EQ(b.engine->sas()[0].remote_id, "site-a@example.net");
    EXPECT_EQ(a.engine->sas()[0].remote_id, "site-b.example.net");
    EXPECT_EQ(exchanges(sent)[0].first,
              aggressive ? isakmp::ExchangeType::kAggressive : isakmp::ExchangeType::kIdentityProtection);
    a.got.clear();
    b.got.clear();
    sent.clear();
  }
}

// A crypto isakmp peer fqdn name still being looked up: nothing is sent and
// no SA is left; once the answer is in, the next initiation runs.
TEST_F(Ikev1Engines, InitiationWaitsForAPeerNameLookup) {
  a.policy.lookup_pending = true;
  start();
  take(a, a.engine->initiate(req()));
  EXPECT_TRUE(wire.empty());
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_NE(logs.find("waits for a crypto isakmp peer fqdn lookup"), std::string::npos) << logs;
  a.policy.lookup_pending = false;
  take(a, a.engine->initiate(req()));
  pump();
  expect_mirrored();
}

// A password the responder does not share: HASH_R does not verify, the
// initiator gives up; no IPsec SA anywhere.
TEST_F(Ikev1Engines, AggressiveModeWithTheWrongPasswordFails) {
  a.policy.am_peer = am_peer(isakmp::IdType::kFqdn, "site-a.example.net", "wrong-pass");
  b.policy.am_keys["site-a.example.net"] = "am-pass-1";
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_EQ(sent.size(), 2u) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(a.of<ike::InstallChildSa>().empty());
  EXPECT_EQ(a.engine->stats().rx_dropped_auth, 1u);
  EXPECT_NE(logs.find("%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Aggressive mode failed with peer at 198.51.100.2"),
            std::string::npos) << logs;
}

// Lost messages: AM1 and AM3 are each dropped once; a's retransmission of
// AM1, and its answer (AM3 again) to b's repeated AM2, complete it.
TEST_F(Ikev1Engines, AggressiveModeSurvivesLostMessages) {
  a.policy.am_peer = am_peer(isakmp::IdType::kIpv4Addr, "", "am-pass-1");
  a.policy.am_peer->id = {198, 51, 100, 1};
  b.policy.am_keys["198.51.100.1"] = "am-pass-1";
  start();
  take(a, a.engine->initiate(req()));
  int am_from_a = 0;
  run_for(Millis(20'000), [&](const ike::SendPacket& p) {
    auto m = isakmp::parse_message(p.data);
    if (p.local.addr != a.me || !m || m->header.exchange != isakmp::ExchangeType::kAggressive) return false;
    ++am_from_a;
    return am_from_a == 1 || am_from_a == 3;  // the first AM1, the first AM3
  });
  expect_mirrored();
  EXPECT_EQ(am_from_a, 4);                            // AM1 twice, AM3 twice
  EXPECT_GE(a.engine->stats().rx_retransmitted, 1u);  // b's repeated AM2 got AM3 again
}

// The ISAKMP SA of an Aggressive Mode is rekeyed in Aggressive Mode; its
// IPsec SA moves to the new one on both sides.
TEST_F(Ikev1Engines, AggressiveModeSaRekeysInAggressiveMode) {
  a.policy.pols[0].lifetime_s = b.policy.pols[0].lifetime_s = 100;
  a.policy.am_peer = am_peer(isakmp::IdType::kFqdn, "site-a.example.net", "am-pass-1");
  b.policy.am_keys["site-a.example.net"] = "am-pass-1";
  start();
  take(a, a.engine->initiate(req()));
  pump();
  sent.clear();
  run_for(Millis(95'000));
  EXPECT_EQ(a.engine->stats().p1_rekeys, 1u) << logs;
  ASSERT_EQ(a.engine->sas().size(), 1u);
  ASSERT_EQ(b.engine->sas().size(), 1u) << logs;
  EXPECT_EQ(b.engine->sas()[0].child_spis_in.size(), 1u);
  size_t am = 0, mm = 0;
  for (auto& [x, enc] : exchanges(sent)) {
    am += x == isakmp::ExchangeType::kAggressive;
    mm += x == isakmp::ExchangeType::kIdentityProtection;
  }
  EXPECT_EQ(am, 3u);
  EXPECT_EQ(mm, 0u);
  for (Node* n : {&a, &b}) EXPECT_TRUE(n->of<ike::RemoveChildSa>().empty()) << logs;
}

// rsa-sig in Aggressive Mode, both engines (RFC 2409 §5.1): AM1 carries a
// CERTREQ, AM2 and AM3 CERT and SIG; each side found the other's identity in
// its certificate.
TEST_F(Ikev1SigEngines, AggressiveModeWithRsaSignatures) {
  certificates(KeyKind::kRsa2048);
  b.policy.ident = {LocalIdentity::Kind::kHostname, "site-b.example.net"};
  start();
  auto r = req();
  r.aggressive = true;
  take(a, a.engine->initiate(r));
  pump();
  EXPECT_EQ(sent.size(), 6u) << logs;
  expect_mirrored();
  EXPECT_NE(b.engine->sas()[0].remote_id.find("site-a.example.net"), std::string::npos) << b.engine->sas()[0].remote_id;
  EXPECT_EQ(a.engine->sas()[0].remote_id, "site-b.example.net");
  auto am1 = isakmp::parse_message(sent[0].data), am2 = isakmp::parse_message(sent[1].data);
  ASSERT_TRUE(am1 && am2);
  EXPECT_EQ(am1->header.exchange, isakmp::ExchangeType::kAggressive);
  EXPECT_TRUE(isakmp::find_payload<isakmp::CertReqPayload>(am1->payloads, isakmp::PayloadType::kCertReq));
  EXPECT_TRUE(isakmp::find_payload<isakmp::CertPayload>(am2->payloads, isakmp::PayloadType::kCert));
  EXPECT_TRUE(isakmp::find_payload<isakmp::SigPayload>(am2->payloads, isakmp::PayloadType::kSig));
  EXPECT_GT(sent[2].data.size(), 1000u);  // AM3 holds the certificate
}

TEST_F(Ikev1SigEngines, AggressiveModeRefusesACertificateFromAnotherCa) {
  certificates(KeyKind::kRsa2048);
  TestCa other = TestCa::root("Other Root", KeyKind::kRsa2048, 73, kNow);
  auto ka = crypto::testing::test_key(KeyKind::kRsa2048, 71);
  a.policy.tps = {trustpoint({other.cert}, other.leaf(leaf_spec("site-a.example.net", 0x24), ka.get()), ka.get())};
  start();
  auto r = req();
  r.aggressive = true;
  take(a, a.engine->initiate(r));
  pump();
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 198.51.100.2 failed validation"),
            std::string::npos) << logs;  // a refuses b's certificate in AM2
}

// ecdsa-sig (RFC 4754 §4): the initiator offers the method of its key's
// curve; SIG is r | s (§7) as wide as the curve's coordinates; both sides
// install their IPsec SAs.
TEST_F(Ikev1SigEngines, MainModeWithEcdsaSignatures) {
  for (auto [kind, method] : {std::pair{KeyKind::kEcP256, 9}, std::pair{KeyKind::kEcP384, 10},
                              std::pair{KeyKind::kEcP521, 11}}) {
    SCOPED_TRACE(method);
    sent.clear();
    a.got.clear();
    b.got.clear();
    certificates(kind);
    a.policy.pols[0].hash = b.policy.pols[0].hash = crypto::Prf::kHmacSha1;  // HASH_I still by the method's hash
    start();
    take(a, a.engine->initiate(req()));
    pump();
    expect_mirrored();
    EXPECT_EQ(offered_auth(), uint64_t(method));
    EXPECT_EQ(uint16_t(a.engine->sas()[0].policy.auth), method);
    EXPECT_EQ(uint16_t(b.engine->sas()[0].policy.auth), method);
    EXPECT_NE(b.engine->sas()[0].remote_id.find("site-a.example.net"), std::string::npos);
  }
}

// Keys on two curves: a offers its own (P-256, method 9), b answers it and
// signs with its P-384 key, as strongSwan accepts.
TEST_F(Ikev1SigEngines, EcdsaKeysOnDifferentCurves) {
  certificates(KeyKind::kEcP256, KeyKind::kEcP384);
  start();
  take(a, a.engine->initiate(req()));
  pump();
  expect_mirrored();
  EXPECT_EQ(offered_auth(), 9u);
}

TEST_F(Ikev1SigEngines, AggressiveModeWithEcdsaSignatures) {
  certificates(KeyKind::kEcP256);
  b.policy.ident = {LocalIdentity::Kind::kHostname, "site-b.example.net"};
  start();
  auto r = req();
  r.aggressive = true;
  take(a, a.engine->initiate(r));
  pump();
  EXPECT_EQ(sent.size(), 6u) << logs;
  expect_mirrored();
  EXPECT_EQ(offered_auth(), 9u);
  auto am2 = isakmp::parse_message(sent[1].data);
  ASSERT_TRUE(am2);
  auto* sig = isakmp::find_payload<isakmp::SigPayload>(am2->payloads, isakmp::PayloadType::kSig);
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->data.size(), 64u);  // RFC 4754 §7: r | s, 32 octets each
  EXPECT_EQ(a.engine->sas()[0].remote_id, "site-b.example.net");
}

// ecdsa-sig with only an RSA key: the initiator says why and offers nothing;
// a responder with that mistake refuses the ECDSA offer and says why too.
TEST_F(Ikev1SigEngines, EcdsaSigPolicyWithAnRsaKeySaysSo) {
  certificates(KeyKind::kRsa2048);
  a.policy.pols[0].auth = isakmp::P1Auth::kEcdsa256;
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(sent.empty());
  EXPECT_NE(logs.find("ISAKMP policy 10 not used: ecdsa-sig needs a trustpoint with an ECDSA certificate and key"),
            std::string::npos) << logs;

  logs.clear();
  certificates(KeyKind::kEcP256);
  auto kb = crypto::testing::test_key(KeyKind::kRsa2048, 72);
  TestCa root = TestCa::root("Keygate Test Root", KeyKind::kRsa2048, 74, kNow);
  b.policy.tps = {trustpoint({root.cert}, root.leaf(leaf_spec("site-b.example.net", 0x25), kb.get()), kb.get())};
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(a.of<ike::InstallChildSa>().empty());
  EXPECT_TRUE(b.of<ike::InstallChildSa>().empty());
  EXPECT_NE(logs.find("ecdsa-sig needs a trustpoint with an ECDSA certificate and key"), std::string::npos) << logs;
}

// The reverse: rsa-sig beside an ECDSA key only.
TEST_F(Ikev1SigEngines, RsaSigPolicyWithAnEcdsaKeySaysSo) {
  certificates(KeyKind::kEcP256);
  a.policy.pols[0].auth = isakmp::P1Auth::kRsaSig;
  start();
  take(a, a.engine->initiate(req()));
  pump();
  EXPECT_TRUE(sent.empty());
  EXPECT_NE(logs.find("ISAKMP policy 10 not used: rsa-sig needs a trustpoint with an RSA certificate and key"),
            std::string::npos) << logs;
}

}  // namespace
}  // namespace kg::ikev1
