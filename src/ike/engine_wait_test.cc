// Two engines that wait for slow work (engine.h WorkRequest) and IKE_AUTH
// over several round trips (EAP-MD5, RFC 7296 §2.16), on a fake clock. The
// harness plays the daemon: it does the work (do_work) when a test says so.
#include <gtest/gtest.h>

#include "aaa/eap_md5.h"
#include "crypto/testing/test_ca.h"
#include "ike/engine_impl.h"
#include "ike/task.h"
#include "ike/two_engines.h"
#include "wire/eap/eap.h"

namespace kg::ike::testing {
namespace {

using crypto::testing::KeyKind;
using crypto::testing::TestCa;

constexpr std::time_t kNow = FakeClock::kEpoch;

// A key on a "token": same key, but sign() is work for the daemon.
class SlowSigner final : public crypto::Signer {
 public:
  explicit SlowSigner(std::shared_ptr<const crypto::Signer> key) : key_(std::move(key)) {}
  crypto::KeyInfo key() const override { return key_->key(); }
  Result<Bytes> sign(crypto::SigScheme s, ByteView d) const override { return key_->sign(s, d); }
  bool matches(const crypto::Certificate& c) const override { return key_->matches(c); }
  bool completes_at_once() const override { return false; }

 private:
  std::shared_ptr<const crypto::Signer> key_;
};

// An EAP back end that answers later (as a RADIUS relay will).
class SlowEap final : public EapAuthenticator {
 public:
  explicit SlowEap(std::shared_ptr<const EapAuthenticator> inner) : inner_(std::move(inner)) {}
  std::shared_ptr<EapConversation> start(std::string_view id) const override {
    struct Conv final : EapConversation {
      std::shared_ptr<EapConversation> in;
      bool completes_at_once() const override { return false; }
      EapStep step(ByteView m) override { return in->step(m); }
    };
    auto c = std::make_shared<Conv>();
    c->in = inner_->start(id);
    return c;
  }

 private:
  std::shared_ptr<const EapAuthenticator> inner_;
};

// An authorizer that answers later (as a RADIUS server will), with a fixed
// decision; it counts what it was asked.
class SlowAuthorizer final : public Authorizer {
 public:
  bool completes_at_once() const override { return false; }
  ConfigDecision authorize(const ConfigQuery& q) override {
    asked.push_back(q);
    return answer;
  }
  ConfigDecision answer;
  std::vector<ConfigQuery> asked;
};

class WaitingEngines : public TwoEngines {
 protected:
  // A asks for an address (ip address negotiated); B's authorization is
  // slow and grants 198.18.1.10 with lease 7 unless the test says otherwise.
  std::shared_ptr<SlowAuthorizer> slow_authorization() {
    auto z = std::make_shared<SlowAuthorizer>();
    z->answer.status = ConfigDecision::Status::kGranted;
    z->answer.reply.ip4 = *Prefix::parse("198.18.1.10/32");
    z->answer.session.address = z->answer.reply.ip4;
    z->answer.session.lease = 7;
    b.policy.authz = z;
    ConfigRequest want;
    want.request.want_ip4 = true;
    a.policy.child.config_request = want;
    // The assigned address is inside what both sides protect.
    a.policy.child.local_ts = b.policy.child.remote_ts = {range("0.0.0.0", "255.255.255.255")};
    return z;
  }
  std::vector<uint64_t> released(Node& n) {
    std::vector<uint64_t> v;
    for (auto& r : n.of<ReleaseConfig>()) v.push_back(r.lease);
    return v;
  }
  // `n` signs with an ECDSA certificate through `wrap(key)`; its peer
  // verifies it (and keeps its PSK the other way).
  void signs_with(Node& n, const char* cn,
                  std::function<std::shared_ptr<const crypto::Signer>(std::shared_ptr<const crypto::Signer>)> wrap) {
    auto key = crypto::testing::test_key(KeyKind::kEcP256, 61);
    crypto::testing::CertSpec s;
    s.subject = {{"O", "keygate test"}, {"CN", cn}};
    s.dns = {cn};
    s.serial = 0x12;
    s.not_before = kNow - 3600;
    s.not_after = kNow + 30 * 86400;
    auto tp = std::make_shared<crypto::Trustpoint>();
    tp->name = "TP";
    tp->ca_certs = {root.cert};
    tp->trust = *crypto::TrustStore::create(tp->ca_certs);
    tp->cert = root.leaf(s, key.get());
    tp->signer = wrap(crypto::testing::signer_of(key.get()));
    tp->crl_check = false;
    n.policy.profile.local_auth = AuthKind::kEcdsaSig;
    n.policy.profile.sign_trustpoints = {tp};
    peer_of(n).policy.profile.remote_auth = AuthKind::kEcdsaSig;
    peer_of(n).policy.profile.verify_trustpoints = {tp};
  }
  void b_signs_with(std::function<std::shared_ptr<const crypto::Signer>(std::shared_ptr<const crypto::Signer>)> wrap) {
    signs_with(b, "site-b.example.net", std::move(wrap));
  }
  static std::shared_ptr<const crypto::Signer> slow(std::shared_ptr<const crypto::Signer> k) {
    return std::make_shared<SlowSigner>(std::move(k));
  }
  // A initiates EAP-MD5 as alice; B checks it against its user table.
  void eap(const char* password, bool slow_backend = false) {
    a.policy.profile.local_auth = AuthKind::kEap;
    a.policy.profile.eap_username = "alice";
    a.policy.profile.eap_password = Secret(password);
    b.policy.profile.remote_auth = AuthKind::kEap;
    std::map<std::string, Secret> users;
    users.emplace("alice", Secret("wonderland"));
    std::shared_ptr<const EapAuthenticator> md5 = std::make_shared<aaa::EapMd5Authenticator>(std::move(users), b.rng);
    b.policy.profile.eap = slow_backend ? std::make_shared<SlowEap>(md5) : md5;
  }
  // The WorkRequests a node emitted, and the harness doing one of them.
  std::vector<WorkRequest> work(Node& n) { return n.of<WorkRequest>(); }
  void finish(Node& n, const WorkRequest& w) {
    take(n, n.engine->resume(w.id, do_work(w.work)));
    pump();
  }
  // IKE_AUTH messages `from` sent: requests or responses.
  size_t ike_auth(Node& from, bool responses) const {
    size_t k = 0;
    for (auto& p : sent) {
      auto m = parse_message(p.data);
      if (m && p.local.addr == from.me && m->header.exchange == ExchangeType::kIkeAuth &&
          m->header.is_response() == responses)
        ++k;
    }
    return k;
  }
  void expect_gone(Node& n) {
    EXPECT_TRUE(n.engine->sas().empty()) << logs;
    EXPECT_TRUE(n.of<InstallChildSa>().empty()) << logs;
  }

  TestCa root = TestCa::root("Keygate Test Root", KeyKind::kEcP256, 50, kNow);
};

// The responder's token takes 2 s: A retransmits IKE_AUTH meanwhile; B holds
// the copies and answers once, when the signature is in.
TEST_F(WaitingEngines, SlowSignerAnswersRetransmittedIkeAuthOnce) {
  b_signs_with(slow);
  handshake();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  EXPECT_EQ(b.engine->sas()[0].waiting_for, "signature");
  run_for(Millis(2000));
  EXPECT_GE(ike_auth(a, false), 3u);  // the request and at least two retransmissions
  EXPECT_EQ(b.engine->stats().rx_held_while_waiting, ike_auth(a, false) - 1);
  EXPECT_EQ(ike_auth(b, true), 0u) << "no answer while the signature is out";
  EXPECT_EQ(work(b).size(), 1u) << "the retransmissions started no second signature";
  finish(b, work(b)[0]);
  EXPECT_EQ(ike_auth(b, true), 1u);
  expect_one_mirrored_child();
  EXPECT_EQ(a.engine->sas()[0].remote_auth, "ECDSA");
  // A late copy of the request gets the cached answer, as always (§2.1).
  SendPacket copy;
  for (auto& p : sent)
    if (auto m = parse_message(p.data); m && p.local.addr == a.me && m->header.exchange == ExchangeType::kIkeAuth)
      copy = p;
  wire.push_back(copy);
  pump();
  EXPECT_EQ(ike_auth(b, true), 2u);
  EXPECT_EQ(b.of<InstallChildSa>().size(), 1u);
}

TEST_F(WaitingEngines, InitiatorWaitsForItsSignatureBeforeSending) {
  // The other way round: A's token is slow; A sends IKE_AUTH only when signed.
  signs_with(a, "site-a.example.net", slow);
  handshake();
  ASSERT_EQ(work(a).size(), 1u) << logs;
  EXPECT_EQ(ike_auth(a, false), 0u);
  finish(a, work(a)[0]);
  EXPECT_EQ(ike_auth(a, false), 1u);
  expect_one_mirrored_child();
}

TEST_F(WaitingEngines, FailingSignerGivesAuthenticationFailed) {
  b_signs_with(slow);
  handshake();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  take(b, b.engine->resume(work(b)[0].id, WorkResult(std::in_place_index<0>, fail(Errc::kIo, "token removed"))));
  pump();
  EXPECT_EQ(ike_auth(b, true), 1u);
  EXPECT_EQ(count("cannot authenticate to 198.51.100.1: signature failed: token removed"), 1u) << logs;
  EXPECT_EQ(count("AUTHENTICATION_FAILED: 198.51.100.2 rejected our identity"), 1u) << logs;
  EXPECT_EQ(b.engine->stats().work_failures, 1u);
  expect_gone(a);
  expect_gone(b);
}

TEST_F(WaitingEngines, SignerThatNeverAnswersTimesOut) {
  b_signs_with(slow);
  start();
  b.engine = Engine::create(b.policy, clock, b.rng, EngineOptions{.pending_timeout = Millis(3000)});
  take(a, a.engine->initiate(req(a, b)));
  pump();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  run_for(Millis(2900));
  EXPECT_EQ(b.engine->sas().size(), 1u);
  run_for(Millis(200));
  EXPECT_EQ(count("no signature within 3000 ms (request 1); IKE SA deleted"), 1u) << logs;
  EXPECT_EQ(b.engine->stats().work_timeouts, 1u);
  expect_gone(b);
  expect_gone(a);  // told AUTHENTICATION_FAILED
  // The answer that comes too late finds nothing and sends nothing.
  size_t before = sent.size();
  take(b, b.engine->resume(work(b)[0].id, do_work(work(b)[0].work)));
  pump();
  EXPECT_EQ(sent.size(), before);
}

// IKE_SA_INIT messages `from` sent: requests or responses.
size_t ike_sa_init(const std::vector<SendPacket>& sent, const IpAddress& from, bool responses) {
  size_t k = 0;
  for (auto& p : sent) {
    auto m = parse_message(p.data);
    if (m && p.local.addr == from && m->header.exchange == ExchangeType::kIkeSaInit &&
        m->header.is_response() == responses)
      ++k;
  }
  return k;
}

// The responder's Diffie-Hellman on the daemon's crypto workers
// (EngineOptions::dh_off_loop): IKE_SA_INIT waits for the DhWork, A's
// retransmissions are held, and the one answer carries the key pair the
// work made; the handshake then completes as with the inline computation.
TEST_F(WaitingEngines, ResponderKeyExchangeOffTheLoop) {
  start();
  b.engine = Engine::create(b.policy, clock, b.rng, EngineOptions{.dh_off_loop = true});
  take(a, a.engine->initiate(req(a, b)));
  pump();
  auto w = work(b);
  ASSERT_EQ(w.size(), 1u) << logs;
  auto* dh = std::get_if<DhWork>(&w[0].work);
  ASSERT_NE(dh, nullptr);
  EXPECT_EQ(dh_group(dh->group), b.policy.ike_proposals(b.me).front().groups.front());
  EXPECT_EQ(dh->peer_public.size(), crypto::dh_public_size(dh->group));
  EXPECT_EQ(b.engine->sas()[0].waiting_for, "key exchange");
  run_for(Millis(2000));
  EXPECT_GE(ike_sa_init(sent, a.me, false), 2u);  // the request and a retransmission
  EXPECT_EQ(ike_sa_init(sent, b.me, true), 0u) << "no answer while the key exchange is out";
  EXPECT_EQ(work(b).size(), 1u) << "the retransmission started no second key exchange";
  finish(b, work(b)[0]);
  EXPECT_EQ(ike_sa_init(sent, b.me, true), 1u);
  check_traffic = true;
  expect_one_mirrored_child();
  EXPECT_EQ(a.engine->stats().work_failures + b.engine->stats().work_failures, 0u);
}

// A peer's public value that is no X25519 point of the right size: the work
// says so and the answer is INVALID_SYNTAX, as inline; nothing is kept.
TEST_F(WaitingEngines, ResponderKeyExchangeOffTheLoopRefusesABadPublicValue) {
  start();
  b.engine = Engine::create(b.policy, clock, b.rng, EngineOptions{.dh_off_loop = true});
  take(a, a.engine->initiate(req(a, b)));
  pump();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  auto w = work(b)[0];
  std::get<DhWork>(w.work).peer_public.resize(31);
  finish(b, w);
  EXPECT_EQ(ike_sa_init(sent, b.me, true), 1u);
  expect_gone(b);
  expect_gone(a);
}

// B's authorization waits 2 s for its server: A's retransmitted IKE_AUTH is
// held and answered once, with the address, when the decision is in; the
// lease goes back once, when the IKE SA ends.
TEST_F(WaitingEngines, SlowAuthorizerAnswersRetransmittedIkeAuthOnce) {
  auto z = slow_authorization();
  handshake();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  ASSERT_TRUE(std::holds_alternative<AuthorizeWork>(work(b)[0].work));
  EXPECT_EQ(b.engine->sas()[0].waiting_for, "authorization");
  EXPECT_TRUE(z->asked.empty()) << "the daemon asks, off the engine";
  run_for(Millis(2000));
  EXPECT_GE(ike_auth(a, false), 3u);  // the request and at least two retransmissions
  EXPECT_EQ(b.engine->stats().rx_held_while_waiting, ike_auth(a, false) - 1);
  EXPECT_EQ(ike_auth(b, true), 0u) << "no answer while the authorization is out";
  EXPECT_EQ(work(b).size(), 1u) << "the retransmissions started no second authorization";
  finish(b, work(b)[0]);
  ASSERT_EQ(z->asked.size(), 1u);
  EXPECT_EQ(z->asked[0].peer_id, fqdn("site-a.example.net"));
  EXPECT_TRUE(z->asked[0].request.want_ip4);
  EXPECT_EQ(ike_auth(b, true), 1u);
  expect_one_mirrored_child();
  auto up = a.of<SessionEvent>();
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].config.address, Prefix::parse("198.18.1.10/32"));
  EXPECT_EQ(b.of<SessionEvent>()[0].config.lease, 7u);
  EXPECT_TRUE(released(b).empty());
  take(a, a.engine->delete_sessions(""));
  pump();
  EXPECT_EQ(released(b), std::vector<uint64_t>{7});
}

TEST_F(WaitingEngines, RefusingAuthorizerGivesAuthenticationFailed) {
  auto z = slow_authorization();
  z->answer = {};
  z->answer.status = ConfigDecision::Status::kRefused;
  z->answer.reason = "user site-a.example.net is not in aaa group RA";
  handshake();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  finish(b, work(b)[0]);
  EXPECT_EQ(ike_auth(b, true), 1u);
  EXPECT_EQ(count("AUTHENTICATION_FAILED: authorization of 198.51.100.1 Id: site-a.example.net (profile prof) "
                  "failed: user site-a.example.net is not in aaa group RA"),
            1u)
      << logs;
  EXPECT_EQ(count("AUTHENTICATION_FAILED: 198.51.100.2 rejected our identity"), 1u) << logs;
  EXPECT_EQ(b.engine->stats().work_failures, 1u);
  expect_gone(a);
  expect_gone(b);
  EXPECT_TRUE(released(b).empty()) << "a refusal holds no lease";
}

TEST_F(WaitingEngines, AuthorizerThatNeverAnswersTimesOut) {
  auto z = slow_authorization();
  start();
  b.engine = Engine::create(b.policy, clock, b.rng, EngineOptions{.pending_timeout = Millis(3000)});
  take(a, a.engine->initiate(req(a, b)));
  pump();
  ASSERT_EQ(work(b).size(), 1u) << logs;
  run_for(Millis(2900));
  EXPECT_EQ(b.engine->sas().size(), 1u);
  run_for(Millis(200));
  EXPECT_EQ(count("no authorization within 3000 ms (request 1); IKE SA deleted"), 1u) << logs;
  EXPECT_EQ(count("authorization of 198.51.100.1 Id: site-a.example.net (profile prof) failed: no authorization "
                  "within 3000 ms"),
            1u)
      << logs;
  EXPECT_EQ(b.engine->stats().work_timeouts, 1u);
  expect_gone(b);
  expect_gone(a);  // told AUTHENTICATION_FAILED
  EXPECT_TRUE(released(b).empty()) << "nothing was leased";
  // The grant that comes too late finds nothing: its lease goes straight
  // back, once, and nothing is sent.
  size_t before = sent.size();
  take(b, b.engine->resume(work(b)[0].id, do_work(work(b)[0].work)));
  pump();
  EXPECT_EQ(sent.size(), before);
  EXPECT_EQ(released(b), std::vector<uint64_t>{7});
  run_for(Millis(60'000));
  EXPECT_EQ(released(b), std::vector<uint64_t>{7}) << "released once";
  EXPECT_EQ(z->asked.size(), 1u);
}

// RFC 7296 §2.16 with EAP-MD5: IDi without AUTH; B's AUTH + Request/Identity;
// Response/Identity; Request/MD5-Challenge; Response; Success; both AUTHs
// keyed with SK_pi/SK_pr (EAP-MD5 makes no MSK); then the CHILD_SA.
TEST_F(WaitingEngines, EapMd5OverSeveralRoundTrips) {
  eap("wonderland");
  handshake();
  EXPECT_EQ(ike_auth(a, false), 4u) << logs;
  EXPECT_EQ(ike_auth(b, true), 4u) << logs;
  expect_one_mirrored_child();
  auto sa = b.engine->sas()[0];
  EXPECT_EQ(sa.remote_auth, "EAP");
  EXPECT_EQ(a.engine->sas()[0].local_auth, "EAP");
  EXPECT_EQ(sa.next_peer_request, 5u);
  EXPECT_EQ(count("authenticated as EAP user alice"), 1u) << logs;
  EXPECT_EQ(count("EAP user alice authenticated by 198.51.100.2"), 1u) << logs;
  EXPECT_EQ(a.sessions(), 1u);
  EXPECT_EQ(b.sessions(), 1u);
  // The exchange held across the rounds is gone with the handshake state.
  auto held = dynamic_cast<const EngineImpl&>(*b.engine).sas_for_testing();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0]->responding, nullptr);
  EXPECT_TRUE(held[0]->keys.sk_pi.empty());
}

TEST_F(WaitingEngines, EapMd5WithWrongPasswordFails) {
  eap("looking-glass");
  handshake();
  EXPECT_EQ(ike_auth(b, true), 3u) << logs;  // the third answer carries EAP Failure
  EXPECT_EQ(count("EAP authentication of 198.51.100.1 Id: site-a.example.net user alice failed: EAP-MD5: wrong "
                  "password"),
            1u)
      << logs;
  EXPECT_EQ(count("refused EAP user alice (EAP-MD5, EAP Failure"), 1u) << logs;
  expect_gone(a);
  expect_gone(b);
}

TEST_F(WaitingEngines, EapBackEndThatAnswersLater) {
  eap("wonderland", true);
  handshake();
  // Each EAP step is work for the daemon: begin, identity, MD5 response.
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(work(b).size(), i + 1) << logs;
    EXPECT_TRUE(std::holds_alternative<EapWork>(work(b)[i].work));
    run_for(Millis(1000));  // A's retransmissions are held
    finish(b, work(b)[i]);
  }
  expect_one_mirrored_child();
  EXPECT_EQ(ike_auth(b, true), 4u) << logs;
}

// A RADIUS fail-over can hold each EAP step for long (the daemon raises the
// wait to the RADIUS client's longest request): 3 steps of 11 s outlast the
// responder's half-open limit (30 s), which counts none of the waiting, and
// the default wait (5 s), which set_pending_timeout raised.
TEST_F(WaitingEngines, EapStepsThatTogetherOutlastTheHalfOpenLimit) {
  eap("wonderland", true);
  start();
  b.engine->set_pending_timeout(Millis(12'000));
  take(a, a.engine->initiate(req(a, b)));
  pump();
  check_traffic = true;
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(work(b).size(), i + 1) << logs;
    run_for(Millis(11'000));
    finish(b, work(b)[i]);
  }
  expect_one_mirrored_child();
  EXPECT_EQ(b.engine->stats().work_timeouts, 0u) << logs;
  EXPECT_EQ(count("half-open IKE SA"), 0u) << logs;
}

TEST_F(WaitingEngines, EapRefusedWithoutAuthenticationRemoteEap) {
  eap("wonderland");
  b.policy.profile.remote_auth = AuthKind::kPsk;
  handshake();
  EXPECT_EQ(count("asks for EAP (no AUTH payload); ikev2 profile prof has no authentication remote eap"), 1u) << logs;
  expect_gone(a);
  expect_gone(b);
}

}  // namespace
}  // namespace kg::ike::testing

namespace kg::ike::testing {
namespace {

// keyring aaa (seed 004, "AAA Pre-Shared Keys"): B's keys come from a
// source that answers later (as RADIUS will), asked once B has read IDi.
class SlowKeys final : public PskSource {
 public:
  PeerKeys lookup(const PskQuery& q) override {
    asked.push_back(q);
    return answer;
  }
  PeerKeys answer;
  std::vector<PskQuery> asked;
};

class AaaKeys : public WaitingEngines {
 protected:
  // A: local key `a_local`, remote `a_remote`; B has no keys of its own.
  std::shared_ptr<SlowKeys> keys_from_aaa(const char* local, const char* remote, const char* a_local = "cisco!",
                                          const char* a_remote = "!ocsic") {
    a.policy.profile.local_psk = Secret(a_local);
    a.policy.profile.remote_psk = Secret(a_remote);
    b.policy.profile.local_psk = Secret();
    b.policy.profile.remote_psk = Secret();
    auto k = std::make_shared<SlowKeys>();
    k->answer = PeerKeys{Secret(local), Secret(remote), {}};
    b.policy.profile.aaa_keys = k;
    return k;
  }
  std::vector<WorkRequest> key_work(Node& n) {
    std::vector<WorkRequest> v;
    for (auto& w : work(n))
      if (std::holds_alternative<PskWork>(w.work)) v.push_back(w);
    return v;
  }
};

// IKE_AUTH { IDi AUTH } --> B asks for site-a's keys (A retransmits meanwhile,
// held); the asymmetric keys come: B verifies A's AUTH with the remote one
// and signs with the local one.
TEST_F(AaaKeys, ResponderWaitsForTheKeysAndUsesBoth) {
  auto k = keys_from_aaa("!ocsic", "cisco!");
  handshake();
  ASSERT_EQ(key_work(b).size(), 1u) << logs;
  EXPECT_EQ(b.engine->sas()[0].waiting_for, "pre-shared key");
  EXPECT_TRUE(k->asked.empty()) << "the daemon asks, off the engine";
  run_for(Millis(2000));
  EXPECT_GE(ike_auth(a, false), 3u);
  EXPECT_EQ(ike_auth(b, true), 0u) << "no answer while the keys are out";
  EXPECT_EQ(key_work(b).size(), 1u) << "the retransmissions started no second lookup";
  finish(b, key_work(b)[0]);
  ASSERT_EQ(k->asked.size(), 1u);
  EXPECT_EQ(k->asked[0].peer_id, fqdn("site-a.example.net"));
  EXPECT_EQ(k->asked[0].profile, "prof");
  EXPECT_EQ(k->asked[0].remote, a.me);
  EXPECT_EQ(ike_auth(b, true), 1u);
  expect_one_mirrored_child();
  EXPECT_EQ(b.engine->sas()[0].remote_auth, "PSK");
  EXPECT_EQ(b.engine->stats().work_failures, 0u);
  EXPECT_EQ(logs.find("ocsic"), std::string::npos) << "keys never in the log";
}

// The server's remote key is not the one A signs with.
TEST_F(AaaKeys, WrongKeyFromAaaFailsTheExchange) {
  keys_from_aaa("!ocsic", "wrong-key");
  handshake();
  ASSERT_EQ(key_work(b).size(), 1u) << logs;
  finish(b, key_work(b)[0]);
  EXPECT_EQ(count("AUTHENTICATION_FAILED from 198.51.100.1 Id: site-a.example.net (profile prof): pre-shared key "
                  "mismatch"),
            1u)
      << logs;
  EXPECT_EQ(count("AUTHENTICATION_FAILED: 198.51.100.2 rejected our identity"), 1u) << logs;
  expect_gone(a);
  expect_gone(b);
}

// A reject (or any failure) fails with AUTHENTICATION_FAILED and one
// %-line that says why.
TEST_F(AaaKeys, RejectGivesAuthenticationFailed) {
  auto k = keys_from_aaa("", "");
  k->answer.error = "user site-a.example.net: Access-Reject from RADIUS server 127.0.0.1:1812";
  handshake();
  ASSERT_EQ(key_work(b).size(), 1u) << logs;
  finish(b, key_work(b)[0]);
  EXPECT_EQ(count("%IKEV2-4-AAA_PSK_FAILED: AUTHENTICATION_FAILED: no pre-shared key for 198.51.100.1 Id: "
                  "site-a.example.net from keyring aaa (profile prof): user site-a.example.net: Access-Reject"),
            1u)
      << logs;
  EXPECT_EQ(b.engine->stats().work_failures, 1u);
  EXPECT_EQ(count("AUTHENTICATION_FAILED: 198.51.100.2 rejected our identity"), 1u) << logs;
  expect_gone(a);
  expect_gone(b);
}

// An Accept with only the remote key: A is verified, but B has nothing to
// sign with; the peer hears AUTHENTICATION_FAILED.
TEST_F(AaaKeys, AcceptWithoutOurKeyFails) {
  keys_from_aaa("", "cisco!");
  handshake();
  ASSERT_EQ(key_work(b).size(), 1u) << logs;
  finish(b, key_work(b)[0]);
  EXPECT_EQ(count("AUTHENTICATION_FAILED: cannot authenticate to 198.51.100.1"), 1u) << logs;
  expect_gone(a);
  expect_gone(b);
}

TEST_F(AaaKeys, LookupThatNeverAnswersTimesOut) {
  keys_from_aaa("!ocsic", "cisco!");
  start();
  b.engine = Engine::create(b.policy, clock, b.rng, EngineOptions{.pending_timeout = Millis(3000)});
  take(a, a.engine->initiate(req(a, b)));
  pump();
  ASSERT_EQ(key_work(b).size(), 1u) << logs;
  run_for(Millis(3100));
  EXPECT_EQ(count("no pre-shared key within 3000 ms (request 1); IKE SA deleted"), 1u) << logs;
  EXPECT_EQ(count("%IKEV2-4-AAA_PSK_FAILED: AUTHENTICATION_FAILED: no pre-shared key for 198.51.100.1 Id: "
                  "site-a.example.net from keyring aaa (profile prof): no pre-shared key within 3000 ms"),
            1u)
      << logs;
  EXPECT_EQ(b.engine->stats().work_timeouts, 1u);
  expect_gone(b);
  expect_gone(a);
}

// keyring aaa as initiator: A asks by B's address before it sends
// IKE_AUTH, and verifies B's AUTH with the remote key it got.
TEST_F(AaaKeys, InitiatorAsksByAddressBeforeItsIkeAuth) {
  b.policy.profile.local_psk = Secret("b-signs");
  b.policy.profile.remote_psk = Secret("a-signs");
  a.policy.profile.local_psk = Secret();
  a.policy.profile.remote_psk = Secret();
  auto k = std::make_shared<SlowKeys>();
  k->answer = PeerKeys{Secret("a-signs"), Secret("b-signs"), {}};
  a.policy.profile.aaa_keys = k;
  handshake();
  ASSERT_EQ(key_work(a).size(), 1u) << logs;
  EXPECT_EQ(ike_auth(a, false), 0u) << "no IKE_AUTH before the keys";
  finish(a, key_work(a)[0]);
  ASSERT_EQ(k->asked.size(), 1u);
  EXPECT_EQ(k->asked[0].peer_id.str(), "198.51.100.2");
  EXPECT_EQ(ike_auth(a, false), 1u);
  expect_one_mirrored_child();
}

TEST_F(AaaKeys, InitiatorWithoutKeysFromAaaSendsNothing) {
  a.policy.profile.local_psk = Secret();
  auto k = std::make_shared<SlowKeys>();
  k->answer.error = "user 198.51.100.2: Access-Reject from RADIUS server 127.0.0.1:1812";
  a.policy.profile.aaa_keys = k;
  handshake();
  ASSERT_EQ(key_work(a).size(), 1u) << logs;
  finish(a, key_work(a)[0]);
  EXPECT_EQ(count("%IKEV2-4-AAA_PSK_FAILED: AUTHENTICATION_FAILED: no pre-shared key for 198.51.100.2 Id: "
                  "198.51.100.2 from keyring aaa (profile prof): user 198.51.100.2: Access-Reject"),
            1u)
      << logs;
  EXPECT_EQ(ike_auth(a, false), 0u);
  expect_gone(a);
}

// An EAP peer (no AUTH in its first IKE_AUTH): B's own key comes from
// keyring aaa before B's AUTH, then EAP-MD5 runs as usual.
TEST_F(AaaKeys, EapPeerAndOurKeyFromAaa) {
  eap("wonderland");
  b.policy.profile.local_psk = Secret();
  auto k = std::make_shared<SlowKeys>();
  k->answer = PeerKeys{Secret("cisco123"), {}, {}};
  b.policy.profile.aaa_keys = k;
  handshake();
  ASSERT_EQ(key_work(b).size(), 1u) << logs;
  EXPECT_EQ(ike_auth(b, true), 0u);
  finish(b, key_work(b)[0]);
  expect_one_mirrored_child();
  EXPECT_EQ(b.engine->sas()[0].remote_auth, "EAP");
}

// Keys the profile has already (a keyring local peer) are not asked for.
TEST_F(AaaKeys, ProfileWithKeysAsksNothing) {
  auto k = keys_from_aaa("!ocsic", "cisco!");
  b.policy.profile.local_psk = Secret("!ocsic");
  b.policy.profile.remote_psk = Secret("cisco!");
  handshake();
  EXPECT_TRUE(key_work(b).empty()) << logs;
  expect_one_mirrored_child();
}

}  // namespace
}  // namespace kg::ike::testing
