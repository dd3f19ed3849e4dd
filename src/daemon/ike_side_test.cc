// The daemon's IKE side with a fake Host: each of the engine's actions goes
// to its part, in order; slow work runs off the loop and comes back to the
// engine; the engine's own output (a probe's IKE_SA_INIT) reaches the data
// path. No sockets, no threads: the fake Host runs the "worker" itself.
#include "daemon/ike_side.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/random.h"
#include "config/session.h"
#include "daemon/config_policy.h"

namespace kg::daemon {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

// Records which part each action reached.
struct FakeHost final : IkeSide::Host {
  std::vector<std::string> got;
  std::vector<std::function<std::function<void()>()>> jobs;  // waiting for the "worker"
  std::vector<std::function<std::function<void()>()>> cpu_jobs;  // waiting for a "crypto worker"
  int batches = 0;

  void send(const ike::SendPacket& p) override { got.push_back("send " + p.remote.str()); }
  void install(const ike::InstallChildSa& sa) override { got.push_back("install " + sa.interface); }
  void update_peer(const ike::UpdateChildSaPeer& u) override { got.push_back("update " + std::to_string(u.spi_in)); }
  void remove(const ike::RemoveChildSa& sa) override { got.push_back("remove " + sa.interface); }
  void retire(const ike::RetireChildSa& sa) override { got.push_back("retire " + std::to_string(sa.spi_in)); }
  void release(const ike::ReleaseConfig& rc) override { got.push_back("release " + std::to_string(rc.lease)); }
  void session(const ike::SessionEvent& ev) override { got.push_back("session " + ev.interface); }
  void peer_dead(const ike::PeerDead& ev) override { got.push_back("dead " + ev.interface); }
  void peer_answered(const ike::PeerAnswered& a) override { got.push_back("answered " + std::to_string(a.probe)); }
  void off_loop(std::function<std::function<void()>()> job) override { jobs.push_back(std::move(job)); }
  void compute(std::function<std::function<void()>()> job) override { cpu_jobs.push_back(std::move(job)); }
  void actions_done() override { ++batches; }
};

struct IkeSidePart : ::testing::Test {
  FakeClock clock;
  FakeRandom rng{3};
  ConfigPolicy policy;
  FakeHost host;
  IkeSide side{ike::Engine::create(policy, clock, rng), host};
};

TEST_F(IkeSidePart, EachActionGoesToItsPartInOrder) {
  std::vector<ike::Action> actions;
  ike::SendPacket send;
  send.remote = {ip("198.51.100.1"), 500};
  actions.emplace_back(send);
  ike::InstallChildSa install;
  install.interface = "Tunnel0";
  actions.emplace_back(install);
  actions.emplace_back(ike::UpdateChildSaPeer{7, {}, {}});
  ike::RemoveChildSa remove;
  remove.interface = "Tunnel1";
  actions.emplace_back(remove);
  actions.emplace_back(ike::RetireChildSa{"Tunnel0", 9});
  actions.emplace_back(ike::ReleaseConfig{4});
  ike::SessionEvent ev;
  ev.interface = "Tunnel0";
  actions.emplace_back(ev);
  ike::PeerDead dead;
  dead.interface = "Tunnel0";
  actions.emplace_back(dead);
  actions.emplace_back(ike::PeerAnswered{12, {}});
  side.execute(std::move(actions));
  EXPECT_EQ(host.got, (std::vector<std::string>{"send 198.51.100.1:500", "install Tunnel0", "update 7",
                                                "remove Tunnel1", "retire 9", "release 4", "session Tunnel0",
                                                "dead Tunnel0", "answered 12"}));
  EXPECT_EQ(host.batches, 1);  // the deadline is looked at once, after the batch
  EXPECT_TRUE(host.jobs.empty());
}

TEST_F(IkeSidePart, SlowWorkRunsOffTheLoopAndGoesBackToTheEngine) {
  side.execute({ike::WorkRequest{5, ike::SignWork{}}});
  ASSERT_EQ(host.jobs.size(), 1u);
  EXPECT_TRUE(host.got.empty());
  auto completion = host.jobs[0]();  // on the worker: fails (no signer)
  ASSERT_TRUE(completion);
  EXPECT_EQ(host.batches, 1);
  completion();  // on the loop: Engine::resume; no exchange waits for id 5
  EXPECT_EQ(host.batches, 2);
  EXPECT_TRUE(host.got.empty());
}

// A key exchange goes to the crypto workers, not the (one-thread) slow-work
// queue, and its result back to the engine on the loop.
TEST_F(IkeSidePart, KeyExchangeRunsOnTheCryptoWorkers) {
  Bytes peer(32, 9);  // an X25519 public value
  side.execute({ike::WorkRequest{8, ike::DhWork{crypto::Group::kCurve25519, peer}}});
  EXPECT_TRUE(host.jobs.empty());
  ASSERT_EQ(host.cpu_jobs.size(), 1u);
  auto completion = host.cpu_jobs[0]();  // on a worker: the key pair and g^ir
  ASSERT_TRUE(completion);
  completion();  // on the loop: Engine::resume; no exchange waits for id 8
  EXPECT_EQ(host.batches, 2);
  EXPECT_TRUE(host.got.empty());
}

// keyring aaa's lookup answers on the loop (a RADIUS request), never off
// it: at once (inside begin_lookup) or later, it goes back to the engine.
struct LoopKeys final : ike::PskSource {
  bool answers_on_loop() const override { return true; }
  ike::PeerKeys lookup(const ike::PskQuery&) override { return {{}, {}, "off the loop"}; }
  void begin_lookup(const ike::PskQuery&, LookupDone done) override {
    if (at_once) return done({{}, {}, "at once"});
    later = std::move(done);
  }
  bool at_once = false;
  LookupDone later;
};

TEST_F(IkeSidePart, KeyLookupAnswersOnTheLoop) {
  auto keys = std::make_shared<LoopKeys>();
  side.execute({ike::WorkRequest{6, ike::PskWork{keys, {}}}});
  EXPECT_TRUE(host.jobs.empty()) << "not off the loop";
  EXPECT_EQ(host.batches, 1);
  ASSERT_TRUE(keys->later);
  keys->later({{}, {}, "later"});  // Engine::resume: nothing waits for id 6
  EXPECT_EQ(host.batches, 2);
  keys->at_once = true;
  side.execute({ike::WorkRequest{7, ike::PskWork{keys, {}}}});
  EXPECT_TRUE(host.jobs.empty());
  EXPECT_EQ(host.batches, 4);  // the request's batch, then the resumed one after begin_lookup returned
}

// A password checker that waits on the network (RADIUS for IKEv1 XAUTH).
struct OnLoopChecker final : ike::PasswordChecker {
  CheckDone pending;
  bool answers_on_loop() const override { return true; }
  void begin_check(const std::string&, const Secret&, CheckDone done) override { pending = std::move(done); }
  ike::PasswordVerdict check(const std::string&, const Secret&) override { return {"off the loop", {}}; }
};

TEST_F(IkeSidePart, AnotherEnginesWorkComesBackToItNotToOurs) {
  auto checker = std::make_shared<OnLoopChecker>();
  std::vector<std::string> resumed;
  IkeSide::Resume v1 = [&](uint64_t id, ike::WorkResult r) {
    auto* v = std::get_if<ike::PasswordVerdict>(&r);
    resumed.push_back(std::to_string(id) + " " + (v ? v->error : "?"));
    ike::SendPacket p;
    p.remote = {ip("198.51.100.11"), 500};
    return std::vector<ike::Action>{p};  // the SET(STATUS) the verdict gives
  };
  side.execute({ike::WorkRequest{3, ike::PasswordWork{checker, "alice", Secret(std::string_view("pw"))}}}, v1);
  EXPECT_TRUE(host.jobs.empty());  // not a worker's job: answered on the loop
  ASSERT_TRUE(checker->pending);
  EXPECT_TRUE(resumed.empty());
  checker->pending(ike::PasswordVerdict{"Access-Reject", "RADIUS server R"});
  EXPECT_EQ(resumed, std::vector<std::string>{"3 Access-Reject"});
  EXPECT_EQ(host.got, std::vector<std::string>{"send 198.51.100.11:500"});
}

TEST_F(IkeSidePart, TheEnginesPacketsReachTheDataPath) {
  config::Config c;  // a site's configuration: proposals to probe with
  auto r = c.load_file(std::string(KG_SOURCE_DIR) + "/examples/site-a.cfg");
  ASSERT_TRUE(r && r->empty());
  policy.set_model(c.model());
  side.probe(1, {ip("192.0.2.2"), 500}, {ip("198.51.100.1"), 500});
  EXPECT_EQ(host.got, std::vector<std::string>{"send 198.51.100.1:500"});
  EXPECT_TRUE(side.engine().sas().empty());  // a probe is no SA
}

}  // namespace
}  // namespace kg::daemon
