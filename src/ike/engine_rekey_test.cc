// CREATE_CHILD_SA: CHILD_SA and IKE SA rekeys each way, PFS, collisions
// (RFC 7296 §2.8.1, §2.25), lost messages. Every test also checks, after each
// delivered datagram, that traffic would pass both ways (two_engines.h).
#include "crypto/algorithms.h"
#include "ike/engine_impl.h"
#include "ike/two_engines.h"

namespace kg::ike {
namespace {

using testing::Node;
using testing::TwoEngines;

constexpr Millis kSec{1000};

// CREATE_CHILD_SA { N(REKEY_SA) SA Ni TSi TSr } -->  <-- { SA Nr TSi TSr }
// INFORMATIONAL { D(ESP, old) } -->  <-- { D(ESP, old) }
TEST_F(TwoEngines, ChildRekeyInitiatedByOriginalInitiator) {
  a.policy.child.lifetime_s = 100;
  b.policy.child.lifetime_s = 1000;
  handshake();
  uint32_t old_a = child_in(a), old_b = child_in(b);
  run_for(95 * kSec);
  expect_one_mirrored_child();
  EXPECT_NE(child_in(a), old_a);
  EXPECT_NE(child_in(b), old_b);
  EXPECT_EQ(a.ready()->children[0].rekeys, 1u);
  EXPECT_EQ(b.ready()->children[0].rekeys, 1u);
  // A's new SA is used at once, B's waits for A's first packet on it.
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 2u);
  ASSERT_EQ(ib.size(), 2u);
  EXPECT_FALSE(ia[1].defer_outbound);
  EXPECT_TRUE(ib[1].defer_outbound);
  EXPECT_TRUE(ia[1].encr_out.equals(ib[1].encr_in.view()));
  EXPECT_TRUE(ia[1].encr_in.equals(ib[1].encr_out.view()));
  EXPECT_FALSE(ia[1].encr_out.equals(ia[0].encr_out.view()));
  EXPECT_EQ(a.of<RemoveChildSa>().size(), 1u);
  EXPECT_EQ(a.of<RemoveChildSa>()[0].spi_in, old_a);
  EXPECT_EQ(b.of<RemoveChildSa>()[0].spi_in, old_b);
  EXPECT_EQ(a.engine->stats().child_rekeys, 1u);
  EXPECT_EQ(lost, 0) << logs;
  EXPECT_EQ(a.sessions(), 1u);
  EXPECT_NE(logs.find("CHILD_SA on Tunnel0 rekeyed: inbound SPI"), std::string::npos) << logs;
  // The next rekey is due again, ~90 s later.
  run_for(100 * kSec);
  expect_one_mirrored_child();
  EXPECT_EQ(a.ready()->children[0].rekeys, 2u);
  EXPECT_EQ(lost, 0);
}

TEST_F(TwoEngines, ChildRekeyInitiatedByOriginalResponder) {
  a.policy.child.lifetime_s = 1000;
  b.policy.child.lifetime_s = 60;
  handshake();
  uint32_t old_a = child_in(a);
  run_for(58 * kSec);
  expect_one_mirrored_child();
  EXPECT_NE(child_in(a), old_a);
  EXPECT_TRUE(a.of<InstallChildSa>().back().defer_outbound);
  EXPECT_FALSE(b.of<InstallChildSa>().back().defer_outbound);
  EXPECT_EQ(b.engine->stats().child_rekeys, 1u);
  EXPECT_EQ(lost, 0) << logs;
}

// set pfs group19 on both: KE in CREATE_CHILD_SA, g^ir in KEYMAT (§2.17).
TEST_F(TwoEngines, PfsRekey) {
  a.policy.child.lifetime_s = 100;
  a.policy.child.pfs = b.policy.child.pfs = DhGroup::kEcp256;
  handshake();
  run_for(95 * kSec);
  expect_one_mirrored_child();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 2u);
  EXPECT_TRUE(ia[1].encr_out.equals(ib[1].encr_in.view()));
  EXPECT_EQ(count("(PFS ECP256)"), 2u) << logs;
  EXPECT_EQ(lost, 0);
}

// IOS: a responder without `set pfs` accepts the peer's PFS group.
TEST_F(TwoEngines, PfsFromPeerAcceptedWithoutLocalPfs) {
  a.policy.child.lifetime_s = 100;
  a.policy.child.pfs = DhGroup::kCurve25519;
  handshake();
  run_for(95 * kSec);
  expect_one_mirrored_child();
  EXPECT_EQ(count("(PFS CURVE25519)"), 2u) << logs;
}

// Different `set pfs` groups: the rekey is refused (NO_PROPOSAL_CHOSEN), the
// old SA lives to its hard lifetime and is deleted; the CHILD_SA that would
// replace it is refused too, so the IKE SA goes and the next attempt starts
// from IKE_SA_INIT.
TEST_F(TwoEngines, PfsMismatchFailsCleanlyAndExpires) {
  a.policy.child.lifetime_s = 100;
  a.policy.child.pfs = DhGroup::kEcp256;
  b.policy.child.pfs = DhGroup::kEcp384;
  b.policy.child.lifetime_s = 1000;
  handshake();
  run_for(95 * kSec);
  EXPECT_NE(logs.find("NO_PROPOSAL_CHOSEN for CHILD_SA from 198.51.100.1"), std::string::npos) << logs;
  EXPECT_EQ(a.ready()->children.size(), 1u);
  run_for(10 * kSec);  // hard lifetime: deleted on both sides
  EXPECT_TRUE(a.ready()->children.empty()) << logs;
  EXPECT_TRUE(b.ready()->children.empty());
  EXPECT_TRUE(a.dp.sas.empty());
  EXPECT_TRUE(b.dp.sas.empty());
  check_traffic = false;
  take(a, a.engine->initiate(req(a, b)));  // traffic wants the tunnel back
  pump();
  EXPECT_EQ(a.ready(), nullptr) << logs;
  EXPECT_EQ(a.sessions(), 0u);
}

// The first CREATE_CHILD_SA request, or its response, is lost: the
// initiator retransmits; the responder answers from its cache and, having
// deferred its outbound switch, loses nothing meanwhile.
TEST_F(TwoEngines, LostCreateChildSaIsRetransmitted) {
  for (bool lose_response : {false, true}) {
    SCOPED_TRACE(lose_response ? "response lost" : "request lost");
    reset();
    a.policy.child.lifetime_s = 100;
    handshake();
    size_t before = sent.size();
    bool dropped = false;
    run_for(95 * kSec, [&](const SendPacket& p) {
      bool is_resp = p.remote.addr == a.me;
      if (dropped || sent.size() <= before || is_resp != lose_response) return false;
      return dropped = true;  // the first CREATE_CHILD_SA message that way
    });
    EXPECT_TRUE(dropped);
    expect_one_mirrored_child();
    EXPECT_EQ(a.engine->stats().retransmits, 1u);
    EXPECT_EQ(lost, 0) << logs;
  }
}

// The answers to our rekey are lost until the old SA's hard lifetime
// passes (t_faults_loss_junk_link at 15% loss): the peer installed the new
// SA, we deleted the old one. The pair must still end with one working
// CHILD_SA each.
TEST_F(TwoEngines, RekeyAnswerLostUntilHardLifetime) {
  // Answers lost until just past A's hard lifetime, or past B's too (B's old
  // SA expires and B deletes it first); with and without an IKE SA rekey
  // queued behind the CHILD_SA rekey.
  for (int until_ms : {10'200, 16'000})
    for (uint32_t ike_life : {0, 17}) {
      SCOPED_TRACE(::testing::Message() << until_ms << " ike " << ike_life);
      reset();
      a.policy.profile.ike_lifetime_s = ike_life;
      a.policy.child.lifetime_s = 10;
      b.policy.child.lifetime_s = 12;
      handshake();
      check_traffic = false;
      TimePoint up = clock.now();
      run_for(Millis(20'000), [&](const SendPacket& p) {  // B's CREATE_CHILD_SA answers
        return is_message(p, b, 36, true) && clock.now() < up + Millis(until_ms);
      });
      run_for(Millis(12'000));
      auto* cur = a.dp.current();
      ASSERT_NE(cur, nullptr) << logs;
      EXPECT_NE(b.dp.inbound(cur->spi_out), nullptr) << logs;
      auto* cur_b = b.dp.current();
      ASSERT_NE(cur_b, nullptr) << logs;
      EXPECT_NE(a.dp.inbound(cur_b->spi_out), nullptr) << logs;
      expect_one_mirrored_child();
    }
}

// CREATE_CHILD_SA { SA(IKE, SPIi') Ni KEi } -->  <-- { SA(IKE, SPIr') Nr KEr }
// INFORMATIONAL { D(IKE) } --> on the old SA. Children move; no session flap.
TEST_F(TwoEngines, IkeRekeyEachWay) {
  for (bool by_a : {true, false}) {
    SCOPED_TRACE(by_a ? "by original initiator" : "by original responder");
    reset();
    (by_a ? a : b).policy.profile.ike_lifetime_s = 200;
    (by_a ? b : a).policy.profile.ike_lifetime_s = 2000;
    a.policy.child.lifetime_s = b.policy.child.lifetime_s = 3000;
    handshake();
    auto before = *a.ready();
    uint32_t child_before = child_in(a);
    run_for(190 * kSec);
    ASSERT_EQ(a.engine->sas().size(), 1u) << logs;
    ASSERT_EQ(b.engine->sas().size(), 1u) << logs;
    auto now_a = *a.ready(), now_b = *b.ready();
    EXPECT_NE(now_a.spi_i, before.spi_i);
    EXPECT_NE(now_a.spi_r, before.spi_r);
    EXPECT_EQ(now_a.spi_i, now_b.spi_i);
    EXPECT_EQ(now_a.spi_r, now_b.spi_r);
    EXPECT_EQ(now_a.initiator, by_a);  // the rekey initiator is the new original initiator
    EXPECT_EQ(now_a.rekeys, 1u);
    EXPECT_EQ(now_a.tunnel_id, before.tunnel_id);
    EXPECT_EQ(child_in(a), child_before);  // the CHILD_SA moved, untouched
    EXPECT_EQ(a.sessions(), 1u);
    EXPECT_EQ(b.sessions(), 1u);
    EXPECT_EQ(a.of<SessionEvent>().size(), 1u);  // no down/up around the rekey
    EXPECT_TRUE(a.of<RemoveChildSa>().empty());
    // The new IKE SA works: a CHILD_SA rekey keyed from its SK_d.
    take(a, a.engine->on_child_limit(child_in(a), false));
    pump();
    expect_one_mirrored_child();
    auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
    EXPECT_TRUE(ia.back().encr_out.equals(ib.back().encr_in.view()));
    EXPECT_EQ(lost, 0) << logs;
  }
}

// ChaCha20-Poly1305 (RFC 7634) only, on both sides: the CHILD_SA rekey and
// the IKE SA rekey choose it again (its ENCR transform has no Key Length
// attribute), every message after IKE_SA_INIT is protected with it, and no
// traffic is lost on the way.
TEST_F(TwoEngines, Chacha20Poly1305ChildAndIkeRekey) {
  const EncrId cp = EncrId(crypto::find_encr_ike_word("chacha20-poly1305")->ikev2_id);
  for (Node* n : {&a, &b}) {
    n->policy.proposals = {{"cp", {{cp, 0}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kCurve25519}}};
    n->policy.child.transforms = {{"ts", cp, 0, IntegId::kNone}};
  }
  a.policy.child.lifetime_s = 100;
  b.policy.child.lifetime_s = 1000;
  a.policy.profile.ike_lifetime_s = 250;
  handshake();
  run_for(95 * kSec);
  expect_one_mirrored_child();
  auto ia = a.of<InstallChildSa>(), ib = b.of<InstallChildSa>();
  ASSERT_EQ(ia.size(), 2u) << logs;
  ASSERT_EQ(ib.size(), 2u) << logs;
  for (auto& i : {ia[1], ib[1]}) {
    EXPECT_EQ(encr_id(i.suite.encr), EncrId(28));
    EXPECT_EQ(i.encr_out.size(), 36u);
  }
  EXPECT_TRUE(ia[1].encr_out.equals(ib[1].encr_in.view()));
  uint64_t spi_before = a.ready()->spi_i;
  run_for(150 * kSec);
  ASSERT_EQ(a.engine->sas().size(), 1u) << logs;
  EXPECT_NE(a.ready()->spi_i, spi_before);
  EXPECT_EQ(a.ready()->rekeys, 1u);
  EXPECT_EQ(a.ready()->encr, "CHACHA20-POLY1305");
  EXPECT_EQ(b.ready()->encr, "CHACHA20-POLY1305");
  EXPECT_EQ(lost, 0) << logs;
}

// The responder picks another group than the one the rekey initiator's KE
// uses: INVALID_KE_PAYLOAD, and the rekey is retried with that group.
TEST_F(TwoEngines, IkeRekeyInvalidKePayloadRetriesWithGroup) {
  a.policy.proposals[0].groups = {DhGroup::kEcp256, DhGroup::kCurve25519};
  b.policy.proposals[0].groups = {DhGroup::kCurve25519, DhGroup::kEcp256};
  b.policy.profile.ike_lifetime_s = 200;
  handshake();
  EXPECT_EQ(a.ready()->dh_group, uint16_t(DhGroup::kEcp256));
  run_for(190 * kSec);
  ASSERT_NE(a.ready(), nullptr);
  EXPECT_EQ(a.ready()->rekeys, 1u) << logs;
  EXPECT_EQ(a.ready()->dh_group, uint16_t(DhGroup::kCurve25519));
  EXPECT_EQ(b.ready()->dh_group, uint16_t(DhGroup::kCurve25519));
  EXPECT_NE(logs.find("asks for DH group CURVE25519 to rekey the IKE SA"), std::string::npos) << logs;
  EXPECT_EQ(lost, 0);
}

// Both peers rekey the same CHILD_SA at once (§2.8.1): each answers the
// other; the SA from the exchange with the lowest nonce is deleted by its
// initiator, the survivor's initiator deletes the old one. Different RNG
// seeds put the lowest nonce on either side; both outcomes are covered.
TEST_F(TwoEngines, SimultaneousChildRekeyBothNonceOrders) {
  int local_lost_on_a = 0, peer_lost_on_a = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(seed);
    reset(seed, seed + 100);
    handshake();
    uint32_t old_a = child_in(a), old_b = child_in(b);
    // Both requests are on the wire before either arrives.
    take(a, a.engine->on_child_limit(old_a, false));
    take(b, b.engine->on_child_limit(old_b, false));
    ASSERT_EQ(wire.size(), 2u);
    pump();
    expect_one_mirrored_child();
    EXPECT_NE(child_in(a), old_a);
    EXPECT_EQ(a.engine->stats().rekey_collisions, 1u);
    EXPECT_EQ(b.engine->stats().rekey_collisions, 1u);
    // One side found its own exchange redundant, the other the peer's.
    EXPECT_EQ(count("the local rekey"), 1u) << logs;
    EXPECT_EQ(count("the peer's rekey"), 1u) << logs;
    // Exactly one side found its own exchange redundant.
    peer_lost_on_a += a.of<RetireChildSa>().empty();
    local_lost_on_a += !a.of<RetireChildSa>().empty();
    EXPECT_NE(a.of<RetireChildSa>().empty(), b.of<RetireChildSa>().empty());
    // Three SAs were made per side (old, two new); two are gone.
    EXPECT_EQ(a.of<InstallChildSa>().size(), 3u);
    EXPECT_EQ(a.of<RemoveChildSa>().size(), 2u);
    EXPECT_EQ(b.of<RemoveChildSa>().size(), 2u);
    EXPECT_EQ(lost, 0) << logs;
  }
  EXPECT_GT(local_lost_on_a, 0);
  EXPECT_GT(peer_lost_on_a, 0);
}

// Both peers rekey the IKE SA at once: one new IKE SA survives on both
// sides, with the CHILD_SA; the redundant one and the old one are deleted.
TEST_F(TwoEngines, SimultaneousIkeRekeyBothNonceOrders) {
  int local_lost_on_a = 0, peer_lost_on_a = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(seed);
    reset(seed, seed + 100);
    a.policy.profile.ike_lifetime_s = b.policy.profile.ike_lifetime_s = 200;
    handshake();
    uint32_t child = child_in(a);
    auto before = *a.ready();
    // Past both soft lifetimes in one step: both rekeys leave at once.
    clock.advance(190 * kSec);
    take(a, a.engine->on_timer());
    take(b, b.engine->on_timer());
    ASSERT_EQ(wire.size(), 2u);
    pump();
    run_for(40 * kSec);  // reap what the peer should have deleted (it did)
    ASSERT_EQ(a.engine->sas().size(), 1u) << logs;
    ASSERT_EQ(b.engine->sas().size(), 1u) << logs;
    auto sa_a = *a.ready(), sa_b = *b.ready();
    EXPECT_EQ(sa_a.spi_i, sa_b.spi_i);
    EXPECT_EQ(sa_a.spi_r, sa_b.spi_r);
    EXPECT_NE(sa_a.spi_i, before.spi_i);
    EXPECT_EQ(child_in(a), child);
    EXPECT_EQ(a.engine->stats().rekey_collisions, 1u) << logs;
    EXPECT_EQ(b.engine->stats().rekey_collisions, 1u);
    EXPECT_EQ(a.sessions(), 1u);
    EXPECT_EQ(b.sessions(), 1u);
    EXPECT_EQ(count("the local rekey has the lowest"), 1u) << logs;
    EXPECT_EQ(count("the peer's rekey has the lowest"), 1u) << logs;
    (sa_a.initiator ? peer_lost_on_a : local_lost_on_a)++;
    // The surviving SA carries on: a CHILD_SA rekey over it.
    take(b, b.engine->on_child_limit(child_in(b), false));
    pump();
    expect_one_mirrored_child();
    EXPECT_EQ(lost, 0) << logs;
  }
  EXPECT_GT(local_lost_on_a, 0);
  EXPECT_GT(peer_lost_on_a, 0);
}

// A rekeys the CHILD_SA while B deletes it (§2.25.1): B answers the rekey
// with TEMPORARY_FAILURE, A deletes as asked. Both end without it, and a new
// CHILD_SA can be made on the IKE SA.
TEST_F(TwoEngines, RekeyCollidingWithChildDelete) {
  handshake();
  take(a, a.engine->on_child_limit(child_in(a), false));
  take(b, b.engine->on_child_limit(child_in(b), true));  // hard limit: B deletes
  ASSERT_EQ(wire.size(), 2u);
  check_traffic = false;
  pump();
  EXPECT_TRUE(a.ready()->children.empty()) << logs;
  EXPECT_TRUE(b.ready()->children.empty()) << logs;
  EXPECT_TRUE(a.dp.sas.empty());
  EXPECT_TRUE(b.dp.sas.empty());
  EXPECT_NE(logs.find("TEMPORARY_FAILURE"), std::string::npos) << logs;
  take(a, a.engine->initiate(req(a, b)));  // traffic: CREATE_CHILD_SA for a new one
  pump();
  expect_one_mirrored_child();
  EXPECT_EQ(a.sessions(), 1u);
}

// A rekeys the CHILD_SA while B deletes the whole IKE SA (§2.25.2).
TEST_F(TwoEngines, RekeyCollidingWithIkeDelete) {
  handshake();
  check_traffic = false;
  take(a, a.engine->on_child_limit(child_in(a), false));
  take(b, b.engine->delete_sessions(""));
  pump();
  run_for(20 * kSec);
  EXPECT_TRUE(a.engine->sas().empty()) << logs;
  EXPECT_TRUE(b.engine->sas().empty()) << logs;
  EXPECT_TRUE(a.dp.sas.empty());
  EXPECT_TRUE(b.dp.sas.empty());
  EXPECT_EQ(a.sessions(), 0u);
}

// The peer rekeys a CHILD_SA it already deleted with us (its request was
// delayed in the network past our Delete): CHILD_SA_NOT_FOUND (§2.25).
TEST_F(TwoEngines, RekeyOfDeletedChildIsChildSaNotFound) {
  handshake();
  check_traffic = false;
  take(a, a.engine->on_child_limit(child_in(a), false));
  ASSERT_EQ(wire.size(), 1u);
  SendPacket held = wire.front();  // A's CREATE_CHILD_SA, delayed
  wire.clear();
  take(b, b.engine->on_child_limit(child_in(b), true));  // B deletes it, A answers
  pump();
  EXPECT_TRUE(b.ready()->children.empty());
  EXPECT_TRUE(a.ready()->children.empty());
  wire.push_back(held);
  pump();
  EXPECT_NE(logs.find("CHILD_SA_NOT_FOUND"), std::string::npos) << logs;
  EXPECT_TRUE(a.ready()->children.empty());
  EXPECT_TRUE(b.ready()->children.empty());
  EXPECT_TRUE(a.dp.sas.empty());
  EXPECT_TRUE(b.dp.sas.empty());
}

// Volume limits from the data path: soft rekeys, hard deletes.
TEST_F(TwoEngines, VolumeLimitsRekeyThenDelete) {
  handshake();
  take(a, a.engine->on_child_limit(child_in(a), false));
  pump();
  expect_one_mirrored_child();
  EXPECT_EQ(a.engine->stats().child_rekeys, 1u);
  take(a, a.engine->on_child_limit(12345, false));  // unknown SPI: nothing
  EXPECT_TRUE(wire.empty());
  check_traffic = false;
  take(b, b.engine->on_child_limit(child_in(b), true));
  pump();
  EXPECT_TRUE(a.ready()->children.empty());
  EXPECT_TRUE(b.ready()->children.empty());
}

// Show data: remaining lifetimes and rekey counts.
TEST_F(TwoEngines, InfoShowsLifetimes) {
  a.policy.child.lifetime_s = 100;
  a.policy.child.lifetime_kb = 2560;
  a.policy.profile.ike_lifetime_s = 1000;
  a.policy.profile.dpd = {10, 2, false};
  handshake();
  auto* s = a.ready();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->expire_in_s, 1000);
  EXPECT_EQ(s->dpd.interval_s, 10u);
  ASSERT_EQ(s->children.size(), 1u);
  EXPECT_EQ(s->children[0].expire_in_s, 100);
  EXPECT_GE(s->children[0].rekey_in_s, 84);
  EXPECT_LE(s->children[0].rekey_in_s, 90);
  EXPECT_EQ(s->children[0].lifetime_kb, 2560u);
  EXPECT_EQ(s->children[0].state, "INSTALLED");
  auto ia = a.of<InstallChildSa>();
  EXPECT_EQ(ia[0].lifetime_kb, 2560u);
  EXPECT_GE(ia[0].soft_kb, 2560u * 85 / 100);
  EXPECT_LE(ia[0].soft_kb, 2560u * 90 / 100);
}


// What an established IKE SA keeps (memory per SA on a hub): nothing that only
// the handshake needed, in either role, after IKE_AUTH and after an IKE SA
// rekey; and it still rekeys, both SAs, with what it kept.
void expect_no_handshake_state(const Node& n, const char* who, bool answered_ike_auth = false) {
  SCOPED_TRACE(who);
  auto sas = dynamic_cast<const EngineImpl&>(*n.engine).sas_for_testing();
  ASSERT_EQ(sas.size(), 1u);
  const IkeSa& sa = *sas[0];
  EXPECT_EQ(sa.state, SaState::kEstablished);
  EXPECT_EQ(sa.dh, nullptr);  // our DH private key
  EXPECT_EQ(sa.init_request.capacity(), 0u);
  EXPECT_EQ(sa.init_response.capacity(), 0u);
  EXPECT_EQ(sa.ni.capacity(), 0u);
  EXPECT_EQ(sa.nr.capacity(), 0u);
  EXPECT_EQ(sa.cookie.capacity(), 0u);
  for (const Secret* k : {&sa.keys.sk_ai, &sa.keys.sk_ar, &sa.keys.sk_ei, &sa.keys.sk_er, &sa.keys.sk_pi, &sa.keys.sk_pr})
    EXPECT_TRUE(k->empty());
  EXPECT_FALSE(sa.keys.sk_d.empty());  // CHILD_SA keys and the IKE rekey need it
  EXPECT_TRUE(sa.keyed());
  EXPECT_TRUE(sa.queued.empty());
  EXPECT_EQ(sa.responding, nullptr);  // no exchange held open (engine_wait.cc)
  EXPECT_EQ(sa.building, nullptr);
  EXPECT_FALSE(sa.waiting);
  ASSERT_EQ(sa.children.size(), 1u);
  // The record of the CHILD_SA is a ChildSaParams: the data path has the keys.
  static_assert(!std::is_base_of_v<InstallChildSa, std::remove_cvref_t<decltype(sa.children[0].sa)>>);
  if (answered_ike_auth) {
    EXPECT_FALSE(sa.last_response.empty());  // resent if the peer retransmits (§2.1)
  }
}

TEST_F(TwoEngines, EstablishedSaKeepsNoHandshakeState) {
  a.policy.profile.ike_lifetime_s = 200;
  b.policy.profile.ike_lifetime_s = 2000;
  a.policy.child.lifetime_s = 150;
  b.policy.child.lifetime_s = 3000;
  handshake();
  expect_no_handshake_state(a, "initiator");
  expect_no_handshake_state(b, "responder", true);
  uint32_t child_before = child_in(a);
  run_for(190 * kSec);  // a CHILD_SA rekey, then an IKE SA rekey
  ASSERT_NE(a.ready(), nullptr);
  EXPECT_EQ(a.ready()->rekeys, 1u) << logs;
  EXPECT_EQ(a.ready()->children[0].rekeys, 1u) << logs;
  EXPECT_NE(child_in(a), child_before);
  expect_one_mirrored_child();
  expect_no_handshake_state(a, "rekeyed, initiator");
  expect_no_handshake_state(b, "rekeyed, responder");
  run_for(150 * kSec);  // and once more, on the SA the rekey made
  EXPECT_EQ(a.ready()->children[0].rekeys, 2u) << logs;
  expect_one_mirrored_child();
  EXPECT_EQ(lost, 0) << logs;
}

}  // namespace
}  // namespace kg::ike
