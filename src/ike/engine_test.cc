// Two engines in one process: a FakeClock, FakeRandoms and an in-memory
// network that carries SendPacket actions between them.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "common/log.h"
#include "crypto/algorithms.h"
#include "ike/admission.h"
#include "ike/engine.h"
#include "ike/engine_impl.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

Identity fqdn(std::string_view s) { return Identity{IdType::kFqdn, Bytes(s.begin(), s.end())}; }
IpAddress ip(const char* s) { return *IpAddress::parse(s); }
TrafficSelector range(const char* a, const char* b) {
  TrafficSelector t;
  t.start = ip(a);
  t.end = ip(b);
  return t;
}

struct TestPolicy final : PolicyProvider {
  std::vector<IkeProposalConfig> proposals{
      {"p1", {{EncrId::kAesGcm16, 256}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kEcp256}}};
  ProfileConfig profile;
  Identity peer_id;
  ChildConfig child;
  IkeLimits lim;
  bool force_encap = false;  // responder_force_encap's answer
  IkeLimits limits() const override { return lim; }
  bool responder_force_encap(const IpAddress&, const IpAddress&) const override { return force_encap; }
  std::vector<IkeProposalConfig> ike_proposals(const IpAddress&) const override { return proposals; }
  std::optional<ProfileConfig> profile_for_peer(const Identity& id, const IpAddress&,
                                                const IpAddress&) const override {
    if (id != peer_id) return std::nullopt;
    return profile;
  }
  std::optional<ProfileConfig> profile_by_name(const std::string& n, const IpAddress&) const override {
    if (n != profile.name) return std::nullopt;
    return profile;
  }
  std::optional<ChildConfig> child_for_peer(const std::string&, const IpAddress&, const IpAddress&) const override {
    return child;
  }
};

struct Node {
  Node(FakeClock& c, uint64_t seed, const char* addr) : rng(seed), me(ip(addr)) { (void)c; }
  TestPolicy policy;
  FakeRandom rng;
  IpAddress me;
  std::unique_ptr<Engine> engine;
  std::vector<Action> got;  // everything except SendPacket
  template <class T>
  std::vector<T> of() const {
    std::vector<T> v;
    for (auto& a : got)
      if (auto* x = std::get_if<T>(&a)) v.push_back(*x);
    return v;
  }
};

class TwoEngines : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    setup(a, "site-a.example.net", "site-b.example.net", "10.1.0.0", "10.1.255.255", "10.2.0.0", "10.2.255.255");
    setup(b, "site-b.example.net", "site-a.example.net", "10.2.0.0", "10.2.255.255", "10.1.0.0", "10.1.255.255");
  }
  void TearDown() override { log::set_sink(nullptr); }

  static void setup(Node& n, const char* me, const char* peer, const char* l0, const char* l1, const char* r0,
                    const char* r1) {
    n.policy.profile = {"prof", fqdn(me), AuthKind::kPsk, AuthKind::kPsk, Secret("cisco123"), Secret("cisco123")};
    n.policy.peer_id = fqdn(peer);
    n.policy.child.interface = "Tunnel0";
    n.policy.child.transforms = {{"ts", EncrId::kAesGcm16, 256, IntegId::kNone}};
    n.policy.child.local_ts = {range(l0, l1)};
    n.policy.child.remote_ts = {range(r0, r1)};
  }
  void start() {
    a.engine = Engine::create(a.policy, clock, a.rng);
    b.engine = Engine::create(b.policy, clock, b.rng);
  }
  InitiateRequest req() {
    return {Endpoint{a.me, 500}, Endpoint{b.me, 500}, "prof", a.policy.child};
  }
  Node& node_at(const IpAddress& x) { return x == a.me ? a : b; }
  void take(Node& from, std::vector<Action> acts) {
    for (auto& x : acts) {
      if (auto* s = std::get_if<SendPacket>(&x)) {
        wire.push_back(*s);
        sent.push_back(*s);
      } else {
        from.got.push_back(std::move(x));
      }
    }
  }
  // Deliver queued datagrams until the network is quiet; `drop` may eat some.
  void pump(std::function<bool(const SendPacket&)> drop = nullptr) {
    while (!wire.empty()) {
      auto p = wire.front();
      wire.pop_front();
      if (drop && drop(p)) continue;
      Node& to = node_at(p.remote.addr);
      take(to, to.engine->on_packet(p.remote, p.local, p.data));
    }
  }
  void deliver(const SendPacket& p) {
    Node& to = node_at(p.remote.addr);
    take(to, to.engine->on_packet(p.remote, p.local, p.data));
  }
  void handshake() {
    start();
    // IKE_SA_INIT { SA KE Ni N(NATD_S) N(NATD_D) } -->
    // <-- IKE_SA_INIT { SA KE Nr N(NATD_S) N(NATD_D) }
    // IKE_AUTH { IDi AUTH SA TSi TSr } -->   (now on UDP 4500)
    // <-- IKE_AUTH { IDr AUTH SA TSi TSr }
    take(a, a.engine->initiate(req()));
    pump();
  }

  FakeClock clock;
  Node a{clock, 1, "198.51.100.1"};
  Node b{clock, 2, "198.51.100.2"};
  std::deque<SendPacket> wire;
  std::vector<SendPacket> sent;
  std::string logs;
};

TEST_F(TwoEngines, PskHandshakeInstallsMirroredChildSa) {
  handshake();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 1u) << logs;
  ASSERT_EQ(ib.size(), 1u) << logs;
  EXPECT_EQ(ia[0].spi_in, ib[0].spi_out);
  EXPECT_EQ(ia[0].spi_out, ib[0].spi_in);
  EXPECT_TRUE(ia[0].encr_out.equals(ib[0].encr_in.view()));
  EXPECT_TRUE(ia[0].encr_in.equals(ib[0].encr_out.view()));
  EXPECT_EQ(ia[0].encr_out.size(), 36u);  // AES-256 + 4-byte GCM salt
  EXPECT_FALSE(ia[0].encr_out.equals(ia[0].encr_in.view()));
  // No NAT between them: plain ESP (IP protocol 50) and IKE stays on 500.
  EXPECT_FALSE(ia[0].udp_encap);
  EXPECT_FALSE(ib[0].udp_encap);
  EXPECT_EQ(ia[0].local, (Endpoint{a.me, 0}));
  EXPECT_EQ(ia[0].remote, (Endpoint{b.me, 0}));
  EXPECT_FALSE(ia[0].peer_may_float);
  EXPECT_EQ(ia[0].interface, "Tunnel0");
  EXPECT_EQ(ia[0].remote_ts, b.policy.child.local_ts);
  EXPECT_EQ(sent[0].remote.port, 500);
  EXPECT_EQ(sent[2].remote.port, 500);
  EXPECT_EQ(sent[3].local.port, 500);  // responder answers where the request arrived
  ASSERT_EQ(a.of<SessionEvent>().size(), 1u);
  EXPECT_TRUE(a.of<SessionEvent>()[0].up);
  EXPECT_EQ(a.of<SessionEvent>()[0].remote_id, "site-b.example.net");
  EXPECT_EQ(b.of<SessionEvent>()[0].remote_id, "site-a.example.net");
  EXPECT_NE(logs.find("%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP"), std::string::npos) << logs;
  ASSERT_EQ(a.engine->sas().size(), 1u);
  EXPECT_EQ(a.engine->sas()[0].state, "READY");
  EXPECT_EQ(b.engine->sas()[0].state, "READY");
  EXPECT_EQ(a.engine->sas()[0].spi_r, b.engine->sas()[0].spi_r);
}

// nat force-encap, on whichever side: no NAT, yet that side's faked NAT-D
// source hash makes its peer see one, it counts itself behind a NAT (and so
// never follows the peer), IKE floats to 4500 and both install ESP in UDP.
void expect_forced_esp_in_udp(Node& forced, Node& other, const std::string& logs) {
  auto f = forced.of<InstallChildSa>(), o = other.of<InstallChildSa>();
  ASSERT_EQ(f.size(), 1u) << logs;
  ASSERT_EQ(o.size(), 1u) << logs;
  EXPECT_TRUE(f[0].udp_encap);
  EXPECT_TRUE(o[0].udp_encap);
  EXPECT_EQ(f[0].remote, (Endpoint{other.me, 4500}));
  EXPECT_EQ(o[0].remote, (Endpoint{forced.me, 4500}));
  EXPECT_TRUE(forced.engine->sas()[0].nat_local);
  EXPECT_TRUE(other.engine->sas()[0].nat_remote);
  EXPECT_FALSE(other.engine->sas()[0].nat_local);
  EXPECT_FALSE(f[0].peer_may_float);
}

// On the initiator (IOS; strongSwan's encap=yes). Without the command on
// either side the same pair stays on plain ESP (PskHandshakeInstallsMirroredChildSa).
TEST_F(TwoEngines, NatForceEncapPutsEspInUdpWithoutNat) {
  a.policy.profile.nat_force_encap = true;
  handshake();
  expect_forced_esp_in_udp(a, b, logs);
  EXPECT_EQ(sent[0].remote.port, 500);
  EXPECT_EQ(sent[2].remote.port, 4500);  // IKE_AUTH floated (RFC 7296 §2.23)
}

// On the responder only (both sites configured with it and the other one
// initiated): the policy tells it at IKE_SA_INIT, before its profile is known.
TEST_F(TwoEngines, NatForceEncapOnTheResponderPutsEspInUdpToo) {
  b.policy.force_encap = true;
  handshake();
  expect_forced_esp_in_udp(b, a, logs);
}

TEST_F(TwoEngines, WrongPskIsAuthenticationFailed) {
  b.policy.profile.remote_psk = Secret("wrong");
  handshake();
  EXPECT_TRUE(a.of<InstallChildSa>().empty());
  EXPECT_TRUE(b.of<InstallChildSa>().empty());
  EXPECT_NE(logs.find("AUTHENTICATION_FAILED from 198.51.100.1 Id: site-a.example.net"), std::string::npos) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty());
}

TEST_F(TwoEngines, NoCommonProposalLogsBothSides) {
  a.policy.proposals = {{"old", {{EncrId::kAesCbc, 128}}, {IntegId::kHmacSha1_96}, {}, {DhGroup::kModp2048}}};
  handshake();
  EXPECT_NE(logs.find("NO_PROPOSAL_CHOSEN from 198.51.100.1: peer offered AES-CBC-128"), std::string::npos) << logs;
  EXPECT_NE(logs.find("we accept AES-GCM-256"), std::string::npos) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty());
}

TEST_F(TwoEngines, ResponderNarrowsTrafficSelectors) {
  a.policy.child.remote_ts = {range("10.0.0.0", "10.255.255.255")};  // ask for more than B gives
  handshake();
  auto ia = a.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 1u) << logs;
  EXPECT_EQ(ia[0].remote_ts, b.policy.child.local_ts);
}

TEST_F(TwoEngines, DisjointSelectorsAreTsUnacceptable) {
  b.policy.child.local_ts = {range("192.0.2.0", "192.0.2.255")};
  handshake();
  EXPECT_TRUE(a.of<InstallChildSa>().empty());
  EXPECT_NE(logs.find("TS_UNACCEPTABLE"), std::string::npos) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
}

TEST_F(TwoEngines, InvalidKePayloadRetriesWithRequestedGroup) {
  a.policy.proposals[0].groups = {DhGroup::kModp2048, DhGroup::kEcp256};
  handshake();
  ASSERT_EQ(a.of<InstallChildSa>().size(), 1u) << logs;
  EXPECT_EQ(a.engine->sas()[0].dh_group, uint16_t(DhGroup::kEcp256));
  EXPECT_EQ(sent.size(), 6u);  // INIT, INVALID_KE, INIT, INIT resp, AUTH, AUTH resp
}

TEST_F(TwoEngines, DroppedRequestIsRetransmitted) {
  start();
  take(a, a.engine->initiate(req()));
  bool dropped = false;
  pump([&](const SendPacket& p) {  // lose the first IKE_AUTH request
    auto m = parse_message(p.data);
    if (m && m->header.exchange == ExchangeType::kIkeAuth && !dropped) return dropped = true;
    return false;
  });
  EXPECT_TRUE(a.of<InstallChildSa>().empty());
  ASSERT_TRUE(a.engine->next_deadline());
  clock.advance(Millis(499));
  take(a, a.engine->on_timer());
  EXPECT_TRUE(wire.empty());
  clock.advance(Millis(1));
  take(a, a.engine->on_timer());
  pump();
  EXPECT_EQ(a.of<InstallChildSa>().size(), 1u) << logs;
  EXPECT_EQ(a.engine->stats().retransmits, 1u);
}

TEST_F(TwoEngines, DuplicateRequestAnsweredFromCache) {
  handshake();
  SendPacket auth_req = sent[2], auth_resp = sent[3];
  deliver(auth_req);  // the peer retransmits IKE_AUTH
  ASSERT_FALSE(wire.empty());
  EXPECT_EQ(wire.back().data, auth_resp.data);
  EXPECT_EQ(b.of<InstallChildSa>().size(), 1u);
  pump();  // A drops the duplicate response: nothing outstanding
  EXPECT_EQ(a.engine->stats().rx_dropped_replay, 1u);
  EXPECT_EQ(a.of<InstallChildSa>().size(), 1u);
}

TEST_F(TwoEngines, PeerGivesUpAfterFiveTries) {
  start();
  take(a, a.engine->initiate(req()));
  wire.clear();
  for (int i = 0; i < 6; ++i) {
    clock.advance(Millis(20'000));
    take(a, a.engine->on_timer());
  }
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_EQ(a.engine->stats().retransmits, 4u);
}

// ChaCha20-Poly1305 (RFC 7634) for the IKE SA and the CHILD_SA, both sides
// configured with it only: IKE_AUTH and the INFORMATIONAL delete travel in
// SK payloads it protects; the CHILD_SA gets 36 bytes of key material.
TEST_F(TwoEngines, Chacha20Poly1305ForIkeAndEsp) {
  const EncrId cp = EncrId(crypto::find_encr_ike_word("chacha20-poly1305")->ikev2_id);
  for (Node* n : {&a, &b}) {
    n->policy.proposals = {{"cp", {{cp, 0}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kCurve25519}}};
    n->policy.child.transforms = {{"ts", cp, 0, IntegId::kNone}};
  }
  handshake();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 1u) << logs;
  ASSERT_EQ(ib.size(), 1u) << logs;
  EXPECT_EQ(encr_id(ia[0].suite.encr), EncrId(28));  // ENCR_CHACHA20_POLY1305
  EXPECT_EQ(ia[0].suite.integ, crypto::Mac::kNone);
  EXPECT_EQ(ia[0].encr_out.size(), 36u);  // 256-bit key + 4-byte salt (RFC 7634 §2)
  EXPECT_EQ(ia[0].integ_out.size(), 0u);
  EXPECT_TRUE(ia[0].encr_out.equals(ib[0].encr_in.view()));
  EXPECT_TRUE(ia[0].encr_in.equals(ib[0].encr_out.view()));
  for (Node* n : {&a, &b}) {
    ASSERT_EQ(n->engine->sas().size(), 1u);
    auto sa = n->engine->sas()[0];
    EXPECT_EQ(sa.state, "READY");
    EXPECT_EQ(sa.encr, "CHACHA20-POLY1305");
    EXPECT_EQ(sa.key_bits, 256);
    EXPECT_EQ(sa.integ, "NONE");
    EXPECT_EQ(sa.dh_group, 31);
  }
  take(a, a.engine->delete_sessions("Tunnel0"));
  pump();
  EXPECT_EQ(b.of<RemoveChildSa>().size(), 1u) << logs;
  EXPECT_TRUE(b.engine->sas().empty());
  EXPECT_TRUE(a.engine->sas().empty());
}

TEST_F(TwoEngines, DeleteFromInitiatorRemovesBothChildren) {
  handshake();
  take(a, a.engine->delete_sessions("Tunnel0"));
  pump();
  EXPECT_EQ(a.of<RemoveChildSa>().size(), 1u);
  EXPECT_EQ(b.of<RemoveChildSa>().size(), 1u);
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty());
  EXPECT_NE(logs.find("is DOWN"), std::string::npos);
}

// A RADIUS Disconnect-Request names one session: only the IKE SA to that
// peer goes (a DELETE to it), and none when the peer is another.
TEST_F(TwoEngines, DeleteSessionsToOnePeer) {
  handshake();
  auto sa = b.engine->sas().at(0);
  Endpoint other = sa.remote;
  other.port = uint16_t(other.port + 1);
  take(b, b.engine->delete_sessions_to(other));
  pump();
  EXPECT_EQ(b.engine->sas().size(), 1u);
  take(b, b.engine->delete_sessions_to(sa.remote));
  pump();
  EXPECT_EQ(a.of<RemoveChildSa>().size(), 1u) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty());
}

TEST_F(TwoEngines, DeleteFromResponderRemovesBothChildren) {
  handshake();
  take(b, b.engine->delete_sessions(""));
  pump();
  EXPECT_EQ(a.of<RemoveChildSa>().size(), 1u);
  EXPECT_EQ(b.of<RemoveChildSa>().size(), 1u);
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty());
}

TEST_F(TwoEngines, MalformedAndBadIcvDroppedWithoutStateChange) {
  handshake();
  take(a, a.engine->delete_sessions("Tunnel0"));
  SendPacket del = wire.front();
  wire.clear();
  auto before = b.engine->stats();
  // Truncated, garbage and bad-ICV versions of a genuine request.
  SendPacket cut = del;
  cut.data.resize(20);
  deliver(cut);
  SendPacket junk = del;
  junk.data.assign(100, 0xff);
  deliver(junk);
  SendPacket bad = del;
  bad.data.back() ^= 1;
  deliver(bad);
  EXPECT_TRUE(wire.empty());
  EXPECT_EQ(b.engine->stats().rx_dropped_malformed, before.rx_dropped_malformed + 2);
  EXPECT_EQ(b.engine->stats().rx_dropped_auth, before.rx_dropped_auth + 1);
  EXPECT_EQ(b.engine->sas().size(), 1u);
  EXPECT_TRUE(b.of<RemoveChildSa>().empty());
  deliver(del);  // the genuine one still works
  pump();
  EXPECT_EQ(b.of<RemoveChildSa>().size(), 1u);
}

TEST_F(TwoEngines, ReplayedOldMessageIdIgnored) {
  handshake();
  SendPacket old_init = sent[0];
  deliver(sent[1]);  // a stale IKE_SA_INIT response to A
  EXPECT_TRUE(wire.empty());
  EXPECT_EQ(a.engine->sas()[0].state, "READY");
  (void)old_init;
}

// --- NAT traversal (RFC 7296 §2.23, RFC 3948) ---

// A behind a NAT (public address 203.0.113.9): what B sees of A's packets is
// the NAT's address and a mapped port per A's source port.
class Nat : public TwoEngines {
 protected:
  IpAddress pub = ip("203.0.113.9");
  uint16_t map500 = 31000, map4500 = 31001;
  void pump_nat() {
    while (!wire.empty()) {
      SendPacket p = wire.front();
      wire.pop_front();
      if (p.local.addr == a.me) {
        Endpoint seen{pub, p.local.port == 500 ? map500 : map4500};
        take(b, b.engine->on_packet(p.remote, seen, p.data));
      } else {
        ASSERT_EQ(p.remote.addr, pub);  // B answers the mapping, never A itself
        Endpoint to{a.me, uint16_t(p.remote.port == map500 ? 500 : 4500)};
        if (p.remote.port != map500 && p.remote.port != map4500) continue;  // stale mapping: NAT drops it
        take(a, a.engine->on_packet(to, p.local, p.data));
      }
    }
  }
  void nat_handshake() {
    start();
    b.policy.child.remote_ts = a.policy.child.local_ts;
    take(a, a.engine->initiate(req()));
    pump_nat();
  }
};

TEST_F(Nat, DetectedOnTheRightSideFloatsTo4500AndEncapsulates) {
  nat_handshake();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 1u) << logs;
  ASSERT_EQ(ib.size(), 1u) << logs;
  EXPECT_TRUE(a.engine->sas()[0].nat_local);    // A: "NAT-T is detected inside"
  EXPECT_FALSE(a.engine->sas()[0].nat_remote);
  EXPECT_TRUE(b.engine->sas()[0].nat_remote);   // B: "... outside"
  EXPECT_FALSE(b.engine->sas()[0].nat_local);
  // Only the side behind the NAT has SAs to keep its mapping open.
  auto ka = a.engine->behind_nat();
  ASSERT_EQ(ka.size(), 1u);
  EXPECT_EQ(ka[0].spi_i, a.engine->sas()[0].spi_i);
  EXPECT_EQ(ka[0].remote, (Endpoint{b.me, 4500}));
  EXPECT_EQ(ka[0].child_spis_in, std::vector<uint32_t>{ia[0].spi_in});
  EXPECT_TRUE(b.engine->behind_nat().empty());
  EXPECT_TRUE(ia[0].udp_encap && ib[0].udp_encap);
  EXPECT_EQ(ia[0].local.port, 4500);
  EXPECT_EQ(ia[0].remote, (Endpoint{b.me, 4500}));
  EXPECT_EQ(ib[0].remote, (Endpoint{pub, map4500}));  // the NAT's mapping of A's 4500
  EXPECT_EQ(sent[2].local.port, 4500);  // IKE_AUTH floated (§2.23)
  EXPECT_FALSE(ia[0].peer_may_float);   // behind a NAT: never follow (§2.23)
  EXPECT_TRUE(ib[0].peer_may_float);
}

TEST_F(Nat, MappingChangeFollowedFromEspAndIke) {
  nat_handshake();
  auto ib = b.of<InstallChildSa>();
  ASSERT_EQ(ib.size(), 1u) << logs;
  // The data path saw a valid ESP packet from a new mapping: B's IKE SA follows.
  auto acts = b.engine->peer_moved(ib[0].spi_in, Endpoint{pub, 32000});
  ASSERT_EQ(acts.size(), 1u);
  auto* up = std::get_if<UpdateChildSaPeer>(&acts[0]);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->remote, (Endpoint{pub, 32000}));
  EXPECT_EQ(b.engine->sas()[0].remote, (Endpoint{pub, 32000}));
  EXPECT_NE(logs.find("NAT mapping changed"), std::string::npos) << logs;
  // A, behind the NAT, does not follow anything.
  auto ia = a.of<InstallChildSa>();
  EXPECT_TRUE(a.engine->peer_moved(ia[0].spi_in, Endpoint{b.me, 4501}).empty());
  // An authenticated IKE request from yet another mapping moves B again, and
  // B answers there.
  map4500 = 33000;
  take(a, a.engine->delete_sessions("Tunnel0"));
  pump_nat();
  EXPECT_TRUE(a.engine->sas().empty()) << logs;  // the Delete was answered through the new mapping
}

// --- DoS protection (RFC 7296 §2.6, crypto ikev2 cookie-challenge / limit) ---

// A copy of A's first IKE_SA_INIT with another SPIi, "sent" from `from`: what
// a flood of spoofed requests looks like to B.
SendPacket spoofed_init(const SendPacket& genuine, uint64_t spi_i, const char* from) {
  SendPacket p = genuine;
  for (int i = 0; i < 8; ++i) p.data[size_t(i)] = uint8_t(spi_i >> (56 - 8 * i));
  p.local = Endpoint{ip(from), 500};
  return p;
}

class Dos : public TwoEngines {
 protected:
  // A's IKE_SA_INIT, taken off the wire (A keeps its half-open SA).
  SendPacket first_init() {
    start();
    take(a, a.engine->initiate(req()));
    SendPacket p = wire.front();
    wire.clear();
    return p;
  }
  // Floods B with n spoofed requests; returns how many answers B sent.
  size_t flood(const SendPacket& genuine, int n, uint64_t first_spi = 0x1000) {
    size_t before = sent.size();
    for (int i = 0; i < n; ++i) {
      std::string src = "198.18.0." + std::to_string(1 + i % 250);
      deliver(spoofed_init(genuine, first_spi + uint64_t(i), src.c_str()));
    }
    size_t answers = sent.size() - before;
    wire.clear();
    return answers;
  }
  static bool is_cookie(const SendPacket& p) {
    auto m = parse_message(p.data);
    return m && m->header.spi_r == 0 && find_notify(m->payloads, NotifyType::kCookie);
  }
};

TEST_F(Dos, CookiesEngageAboveThresholdAndGenuineInitiatorStillConnects) {
  b.policy.lim.cookie_challenge = 3;
  SendPacket genuine = first_init();
  // Three spoofed requests make three half-open SAs (each answered normally)...
  EXPECT_EQ(flood(genuine, 3), 3u);
  EXPECT_EQ(b.engine->sas().size(), 3u);
  // ...from then on B keeps no state: every request gets only a cookie.
  size_t before = sent.size();
  EXPECT_EQ(flood(genuine, 200, 0x5000), 200u);
  for (size_t i = before; i < sent.size(); ++i) ASSERT_TRUE(is_cookie(sent[i]));
  EXPECT_EQ(b.engine->sas().size(), 3u);
  EXPECT_EQ(b.engine->stats().cookie_missing, 200u);
  // The genuine initiator: N(COOKIE) back, retry with it first, then done.
  deliver(genuine);
  ASSERT_TRUE(is_cookie(wire.front()));
  pump();
  ASSERT_EQ(a.of<InstallChildSa>().size(), 1u) << logs;
  EXPECT_EQ(b.engine->stats().cookie_accepted, 1u);
  auto retry = parse_message(sent[sent.size() - 4].data);  // INIT with cookie, INIT resp, AUTH, AUTH resp
  ASSERT_TRUE(retry);
  ASSERT_FALSE(retry->payloads.empty());
  auto* first = std::get_if<NotifyPayload>(&retry->payloads.front().body);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, uint16_t(NotifyType::kCookie));  // §2.6: N(COOKIE) first
  EXPECT_NE(logs.find("cookies required"), std::string::npos) << logs;
}

TEST_F(Dos, ForgedOrReplayedCookieIsRejected) {
  b.policy.lim.cookie_challenge = 1;
  SendPacket genuine = first_init();
  flood(genuine, 1);
  // A real cookie for SPIi 0x77 from 198.18.0.9 ...
  deliver(spoofed_init(genuine, 0x77, "198.18.0.9"));
  auto m = parse_message(wire.back().data);
  ASSERT_TRUE(m);
  Bytes cookie = find_notify(m->payloads, NotifyType::kCookie)->data;
  wire.clear();
  // ... is worthless from another address or for another SPIi.
  auto with_cookie = [&](uint64_t spi, const char* from, Bytes c) {
    auto msg = parse_message(genuine.data);
    msg->payloads.insert(msg->payloads.begin(), notify(NotifyType::kCookie, std::move(c)));
    msg->header.spi_i = spi;
    SendPacket p = genuine;
    p.data = encode_message(msg->header, msg->payloads);
    p.local = Endpoint{ip(from), 500};
    return p;
  };
  size_t sas = b.engine->sas().size();
  deliver(with_cookie(0x77, "198.18.0.10", cookie));
  deliver(with_cookie(0x78, "198.18.0.9", cookie));
  Bytes flipped = cookie;
  flipped.back() ^= 1;
  deliver(with_cookie(0x77, "198.18.0.9", flipped));
  EXPECT_EQ(b.engine->stats().cookie_rejected, 3u);
  EXPECT_EQ(b.engine->sas().size(), sas);
  for (auto& p : wire) EXPECT_TRUE(is_cookie(p));  // each answered with a fresh challenge
  wire.clear();
  deliver(with_cookie(0x77, "198.18.0.9", cookie));  // the right one passes
  EXPECT_EQ(b.engine->stats().cookie_accepted, 1u);
  EXPECT_EQ(b.engine->sas().size(), sas + 1);
}

TEST_F(Dos, CookieFromPreviousSecretStillValidThenExpires) {
  FakeRandom rng(9);
  CookieJar jar(clock, rng);
  Bytes ni(32, 7);
  auto from = ip("192.0.2.7");
  Bytes c = jar.make(ni, from, 42);
  EXPECT_EQ(c.size(), CookieJar::kCookieSize);
  EXPECT_TRUE(jar.valid(c, ni, from, 42));
  EXPECT_FALSE(jar.valid(c, Bytes(32, 8), from, 42));
  clock.advance(CookieJar::kSecretLifetime);
  Bytes c2 = jar.make(ni, from, 42);
  EXPECT_NE(c2[0], c[0]);  // version-tagged
  EXPECT_TRUE(jar.valid(c, ni, from, 42));
  EXPECT_TRUE(jar.valid(c2, ni, from, 42));
  clock.advance(CookieJar::kSecretLifetime);
  EXPECT_FALSE(jar.valid(c, ni, from, 42));
}

TEST_F(Dos, InNegotiationLimitDropsUntilHalfOpenTimesOut) {
  b.policy.lim.max_in_negotiation_in = 2;
  SendPacket genuine = first_init();
  EXPECT_EQ(flood(genuine, 5), 2u);  // two answered, three dropped silently
  EXPECT_EQ(b.engine->stats().in_accepted, 2u);
  EXPECT_EQ(b.engine->stats().in_rejected, 3u);
  EXPECT_EQ(b.engine->stats().rejected_sa_limit, 3u);
  EXPECT_NE(logs.find("limit 2 reached"), std::string::npos) << logs;
  // The spoofed SAs never complete; after the half-open timeout they go.
  clock.advance(EngineImpl::kHalfOpenTimeout);
  take(b, b.engine->on_timer());
  EXPECT_TRUE(b.engine->sas().empty());
  deliver(genuine);
  pump();
  EXPECT_EQ(a.of<InstallChildSa>().size(), 1u) << logs;
}

TEST_F(Dos, RetransmittedInitFindsItsHalfOpenSa) {
  b.policy.lim.max_in_negotiation_in = 1;
  SendPacket genuine = first_init();
  deliver(genuine);
  SendPacket answer = wire.back();
  wire.clear();
  deliver(genuine);  // a retransmission is no new SA, whatever the limit
  ASSERT_EQ(wire.size(), 1u);
  EXPECT_EQ(wire.back().data, answer.data);
  EXPECT_EQ(b.engine->sas().size(), 1u);
  EXPECT_EQ(b.engine->stats().in_requests, 1u);
}

TEST_F(Dos, MaxSaLimitsBothDirections) {
  b.policy.lim.max_sa = 1;
  handshake();
  ASSERT_EQ(b.engine->sas().size(), 1u);
  SendPacket init = sent[0];
  EXPECT_EQ(flood(init, 3, 0x9000), 0u);
  EXPECT_EQ(b.engine->stats().rejected_sa_limit, 3u);
  // B may not initiate a second IKE SA either.
  InitiateRequest r{Endpoint{b.me, 500}, Endpoint{ip("198.51.100.3"), 500}, "prof", b.policy.child};
  r.child.interface = "Tunnel1";
  EXPECT_TRUE(b.engine->initiate(r).empty());
  EXPECT_EQ(b.engine->stats().out_rejected, 1u);
}

TEST_F(Dos, OutgoingInNegotiationLimit) {
  a.policy.lim.max_in_negotiation_out = 1;
  start();
  take(a, a.engine->initiate(req()));
  InitiateRequest r = req();
  r.child.interface = "Tunnel1";
  EXPECT_TRUE(a.engine->initiate(r).empty());
  EXPECT_EQ(a.engine->stats().out_requests, 2u);
  EXPECT_EQ(a.engine->stats().out_accepted, 1u);
  EXPECT_EQ(a.engine->stats().out_rejected, 1u);
  a.engine->clear_stats();
  EXPECT_EQ(a.engine->stats().out_requests, 0u);
}

TEST_F(Dos, InitiatorGivesUpOnEndlessCookies) {
  start();
  take(a, a.engine->initiate(req()));
  for (int i = 0; i < 5 && !wire.empty(); ++i) {
    auto m = parse_message(wire.front().data);
    wire.clear();
    ASSERT_TRUE(m);
    Header rh{.spi_i = m->header.spi_i, .exchange = ExchangeType::kIkeSaInit, .flags = kFlagResponse};
    Bytes c(33, uint8_t(i));
    take(a, a.engine->on_packet({a.me, 500}, {b.me, 500}, encode_message(rh, {notify(NotifyType::kCookie, c)})));
  }
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_NE(logs.find("keeps answering IKE_SA_INIT with a COOKIE"), std::string::npos) << logs;
}

}  // namespace
}  // namespace kg::ike
