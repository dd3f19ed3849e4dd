// Engine::probe (FlexVPN peer reactivate): an IKE_SA_INIT that only asks
// whether an IKE responder is there. Any answer is reported; nothing follows
// it, and the probe is never an SA of a tunnel.
#include "ike/two_engines.h"

namespace kg::ike {
namespace {

using testing::TwoEngines;

class Probe : public TwoEngines {
 protected:
  size_t sent_by_a() const {
    size_t n = 0;
    for (auto& p : sent) n += p.local.addr == a.me;
    return n;
  }
};

// IKE_SA_INIT { SA KE Ni N(NATD_S) N(NATD_D) } -->
//                        <-- IKE_SA_INIT { SA KE Nr N(NATD_S) N(NATD_D) }
// and no IKE_AUTH.
TEST_F(Probe, AnswerIsReportedAndNothingFollows) {
  start();
  take(a, a.engine->probe(7, {a.me, 500}, {b.me, 500}));
  ASSERT_EQ(wire.size(), 1u);
  EXPECT_TRUE(a.engine->sas().empty());  // nothing to show
  pump();
  auto ans = a.of<PeerAnswered>();
  ASSERT_EQ(ans.size(), 1u) << logs;
  EXPECT_EQ(ans[0].probe, 7u);
  EXPECT_EQ(ans[0].remote, (Endpoint{b.me, 500}));
  EXPECT_EQ(sent.size(), 2u);
  run_for(Millis(60'000));
  EXPECT_EQ(sent_by_a(), 1u);  // no retransmission, no IKE_AUTH
  EXPECT_TRUE(a.of<SessionEvent>().empty());
  EXPECT_EQ(a.of<PeerAnswered>().size(), 1u);
}

// A responder that refuses our proposals (NO_PROPOSAL_CHOSEN) is there all the same.
TEST_F(Probe, RefusalIsAnAnswer) {
  b.policy.proposals = {{"p2", {{EncrId::kAesGcm16, 128}}, {}, {PrfId::kHmacSha2_384}, {DhGroup::kEcp384}}};
  start();
  take(a, a.engine->probe(9, {a.me, 500}, {b.me, 500}));
  pump();
  ASSERT_EQ(a.of<PeerAnswered>().size(), 1u) << logs;
  EXPECT_EQ(a.of<PeerAnswered>()[0].probe, 9u);
}

// No answer: retransmitted as any request, then dropped without a report
// and without the warning an IKE SA's failure gives.
TEST_F(Probe, SilenceReportsNothing) {
  start();
  auto to_b = [this](const SendPacket& p) { return p.remote.addr == b.me; };
  take(a, a.engine->probe(3, {a.me, 500}, {b.me, 500}));
  pump(to_b);
  run_for(Millis(120'000), to_b);
  EXPECT_TRUE(a.of<PeerAnswered>().empty());
  EXPECT_GT(sent_by_a(), 1u);
  EXPECT_EQ(logs.find("did not answer"), std::string::npos) << logs;
  size_t total = sent_by_a();
  run_for(Millis(120'000), to_b);
  EXPECT_EQ(sent_by_a(), total);  // gone
}

TEST_F(Probe, IdZeroIsRefused) {
  start();
  EXPECT_TRUE(a.engine->probe(0, {a.me, 500}, {b.me, 500}).empty());
}

}  // namespace
}  // namespace kg::ike
