// Test harness for the lifetime tests: two engines in one process on a fake
// clock, an in-memory network, and a model of each side's data path (which
// SAs are installed, which one carries outbound traffic, per the rules of
// esp/sa_table.h). After every delivered datagram the harness sends one
// "packet" each way through the models: the sender's current outbound SA
// must exist as an inbound SA at the receiver. That is "no traffic loss"
// through rekeys and collisions, checked at every step.
#pragma once
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <optional>

#include "common/log.h"
#include "ike/engine.h"

namespace kg::ike::testing {

inline Identity fqdn(std::string_view s) { return Identity{IdType::kFqdn, Bytes(s.begin(), s.end())}; }
inline IpAddress ip(const char* s) { return *IpAddress::parse(s); }
inline TrafficSelector range(const char* a, const char* b) {
  TrafficSelector t;
  t.start = ip(a);
  t.end = ip(b);
  return t;
}

struct Policy final : PolicyProvider {
  std::vector<IkeProposalConfig> proposals{
      {"p1", {{EncrId::kAesGcm16, 256}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kEcp256}}};
  ProfileConfig profile;
  Identity peer_id;
  ChildConfig child;
  std::shared_ptr<Authorizer> authz;  // responder's authorization; null: none
  std::vector<IkeProposalConfig> ike_proposals(const IpAddress&) const override { return proposals; }
  std::shared_ptr<Authorizer> authorizer() const override { return authz; }
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

// One side's data path as the actions describe it.
struct DatapathModel {
  enum class Out { kActive, kPending, kRetired };
  struct Sa {
    uint32_t spi_in, spi_out;
    Out out;
  };
  std::vector<Sa> sas;  // installation order
  void apply(const Action& a) {
    if (auto* i = std::get_if<InstallChildSa>(&a)) sas.push_back({i->spi_in, i->spi_out, i->defer_outbound ? Out::kPending : Out::kActive});
    if (auto* r = std::get_if<RemoveChildSa>(&a)) std::erase_if(sas, [&](auto& s) { return s.spi_in == r->spi_in; });
    if (auto* r = std::get_if<RetireChildSa>(&a))
      for (auto& s : sas)
        if (s.spi_in == r->spi_in) s.out = Out::kRetired;
  }
  const Sa* current() const {
    const Sa* best = nullptr;
    for (auto it = sas.rbegin(); it != sas.rend(); ++it) {
      if (it->out == Out::kActive) return &*it;
      if (!best || (it->out == Out::kPending && best->out == Out::kRetired)) best = &*it;
    }
    return best;
  }
  Sa* inbound(uint32_t spi) {
    for (auto& s : sas)
      if (s.spi_in == spi) return &s;
    return nullptr;
  }
};

struct FakeTraffic final : TrafficSource {
  std::map<uint32_t, ChildActivity> by_spi;
  std::optional<ChildActivity> activity(uint32_t spi) const override {
    auto it = by_spi.find(spi);
    if (it == by_spi.end()) return ChildActivity{};
    return it->second;
  }
};

struct Node {
  Node(uint64_t seed, const char* addr) : rng(seed), me(ip(addr)) {}
  Policy policy;
  FakeRandom rng;
  IpAddress me;
  std::unique_ptr<Engine> engine;
  std::vector<Action> got;  // everything except SendPacket
  DatapathModel dp;
  FakeTraffic traffic;
  template <class T>
  std::vector<T> of() const {
    std::vector<T> v;
    for (auto& a : got)
      if (auto* x = std::get_if<T>(&a)) v.push_back(*x);
    return v;
  }
  const IkeSaInfo* ready() const {
    static thread_local std::vector<IkeSaInfo> keep;
    keep = engine->sas();
    for (auto& s : keep)
      if (s.state == "READY") return &s;
    return nullptr;
  }
  size_t sessions() const {  // what the daemon's line protocol counts
    int n = 0;
    for (auto& e : of<SessionEvent>()) n += e.up ? 1 : -1;
    return size_t(n);
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
    n.policy.child.lifetime_kb = 0;
  }
  // A fresh pair for tests that loop over variants (seeds, directions).
  void reset(uint64_t seed_a = 1, uint64_t seed_b = 2) {
    a = Node{seed_a, "198.51.100.1"};
    b = Node{seed_b, "198.51.100.2"};
    setup(a, "site-a.example.net", "site-b.example.net", "10.1.0.0", "10.1.255.255", "10.2.0.0", "10.2.255.255");
    setup(b, "site-b.example.net", "site-a.example.net", "10.2.0.0", "10.2.255.255", "10.1.0.0", "10.1.255.255");
    relay.reset();
    wire.clear();
    sent.clear();
    logs.clear();
    check_traffic = false;
    lost = 0;
  }
  void start(Node& n) {
    n.engine = Engine::create(n.policy, clock, n.rng);
    n.engine->set_traffic_source(&n.traffic);
  }
  void start() {
    start(a);
    start(b);
  }
  InitiateRequest req(Node& from, Node& to) {
    return {Endpoint{from.me, 500}, Endpoint{peer_addr(from, to), 500}, "prof", from.policy.child};
  }
  // With a relay between them (use_relay), each side sees the other at the
  // relay's address on its own side, as through a NAT or a UDP relay.
  void use_relay(const char* seen_by_a, const char* seen_by_b) { relay = {ip(seen_by_a), ip(seen_by_b)}; }
  IpAddress peer_addr(Node& from, Node& to) const {
    if (!relay) return to.me;
    return &from == &a ? relay->first : relay->second;
  }
  Node& node_at(const IpAddress& x) { return x == a.me || (relay && x == relay->second) ? a : b; }
  Node& peer_of(Node& n) { return &n == &a ? b : a; }
  void take(Node& from, std::vector<Action> acts) {
    for (auto& x : acts) {
      if (auto* s = std::get_if<SendPacket>(&x)) {
        wire.push_back(*s);
        sent.push_back(*s);
      } else {
        from.dp.apply(x);
        from.got.push_back(std::move(x));
      }
    }
  }
  // One packet each way through the data path models once both have an SA.
  void traffic_check() {
    if (!check_traffic) return;
    for (Node* n : {&a, &b}) {
      auto* cur = n->dp.current();
      if (!cur) {
        if (!peer_of(*n).dp.sas.empty()) ++lost;
        continue;
      }
      auto* in = peer_of(*n).dp.inbound(cur->spi_out);
      if (!in) {
        ++lost;
        continue;
      }
      if (in->out == DatapathModel::Out::kPending) in->out = DatapathModel::Out::kActive;
    }
  }
  // Deliver queued datagrams until the network is quiet; `drop` may eat some.
  void pump(std::function<bool(const SendPacket&)> drop = nullptr) {
    while (!wire.empty()) {
      auto p = wire.front();
      wire.pop_front();
      if (drop && drop(p)) continue;
      Node& to = node_at(p.remote.addr);
      Endpoint here = p.remote, there = p.local;
      if (relay) {
        here.addr = to.me;
        there.addr = peer_addr(to, peer_of(to));
      }
      take(to, to.engine->on_packet(here, there, p.data));
      traffic_check();
    }
  }
  // Whether `p` is a message of exchange type `ex` (IKE header byte 18), a
  // response or a request (the R flag, 0x20 in byte 19), sent by `from`.
  bool is_message(const SendPacket& p, const Node& from, uint8_t ex, bool response) {
    bool sent_by = &node_at(p.remote.addr) != &from;
    return sent_by && p.data.size() > 19 && p.data[18] == ex && bool(p.data[19] & 0x20) == response;
  }
  // A drop filter for pump(): holds back, in `held`, the first message of
  // exchange `ex` that `from` sends as a request; the test delivers it later.
  std::function<bool(const SendPacket&)> hold_first_request(const Node& from, uint8_t ex,
                                                            std::vector<SendPacket>& held) {
    return [this, &from, ex, &held](const SendPacket& p) {
      if (!held.empty() || !is_message(p, from, ex, false)) return false;
      held.push_back(p);
      return true;
    };
  }
  void timers(std::function<bool(const SendPacket&)> drop = nullptr) {
    take(a, a.engine->on_timer());
    take(b, b.engine->on_timer());
    pump(drop);
  }
  // Run the fake clock for `d`, waking both engines at their deadlines.
  void run_for(Millis d, std::function<bool(const SendPacket&)> drop = nullptr) {
    TimePoint end = clock.now() + d;
    for (;;) {
      TimePoint next = end;
      for (Node* n : {&a, &b})
        if (auto t = n->engine->next_deadline()) next = std::min(next, std::max(*t, clock.now()));
      clock.advance(next - clock.now());
      timers(drop);
      if (next >= end) break;
    }
  }
  void handshake() {
    start();
    // IKE_SA_INIT, IKE_AUTH (with N(INITIAL_CONTACT)): the first CHILD_SA.
    take(a, a.engine->initiate(req(a, b)));
    pump();
    check_traffic = true;
  }
  uint32_t child_in(Node& n) {
    auto* s = n.ready();
    return s && !s->children.empty() ? s->children.back().spi_in : 0;
  }
  size_t count(const std::string& needle) const {
    size_t n = 0;
    for (size_t p = logs.find(needle); p != std::string::npos; p = logs.find(needle, p + 1)) ++n;
    return n;
  }
  // Both sides agree: one child each, mirrored, and the models match.
  void expect_one_mirrored_child() {
    auto* sa = a.ready();
    ASSERT_NE(sa, nullptr) << logs;
    auto ca = sa->children;
    auto* sb = b.ready();
    ASSERT_NE(sb, nullptr) << logs;
    auto cb = sb->children;
    ASSERT_EQ(ca.size(), 1u) << logs;
    ASSERT_EQ(cb.size(), 1u) << logs;
    EXPECT_EQ(ca[0].spi_in, cb[0].spi_out);
    EXPECT_EQ(ca[0].spi_out, cb[0].spi_in);
    EXPECT_EQ(a.dp.sas.size(), 1u) << logs;
    EXPECT_EQ(b.dp.sas.size(), 1u) << logs;
  }

  FakeClock clock;
  Node a{1, "198.51.100.1"};
  Node b{2, "198.51.100.2"};
  std::optional<std::pair<IpAddress, IpAddress>> relay;  // the peer's address as a, b see it
  std::deque<SendPacket> wire;
  std::vector<SendPacket> sent;
  std::string logs;
  bool check_traffic = false;
  int lost = 0;
};

}  // namespace kg::ike::testing
