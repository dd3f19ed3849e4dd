// The device's consent-token rules (seed 003) on a fake clock: every
// rejection path grants nothing and says why.
#include "consent/consent_state.h"

#include <gtest/gtest.h>

#include "common/log.h"
#include "consent/base64.h"
#include "consent/signature.h"

namespace kg::consent {
namespace {

class ConsentStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { lines.emplace_back(l); });
    ASSERT_TRUE(key_ok());
    authorities["tac"] = key->public_raw();
  }
  void TearDown() override { log::set_sink(nullptr); }
  bool key_ok() {
    auto k = SigningKey::generate();
    if (!k) return false;
    key.emplace(std::move(*k));
    return true;
  }
  std::string challenge(Privilege p = Privilege::kShellAccess, uint32_t minutes = 900) {
    auto c = state.generate_challenge(p, minutes, "", device, authorities);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : "";
  }
  // What keygate-consent prints for `challenge_b64`, signed by `k`.
  std::string respond(const std::string& challenge_b64, uint32_t granted = 0, const SigningKey* k = nullptr) {
    Bytes raw = *base64_decode(challenge_b64);
    Response r;
    r.challenge_bytes = raw;
    r.challenge = *decode_challenge(raw);
    r.granted_minutes = granted ? granted : r.challenge.timeout_minutes;
    auto sig = (k ? k : &*key)->sign(response_signed_bytes(raw, r.granted_minutes));
    std::copy(sig->begin(), sig->end(), r.signature.begin());
    return base64_encode(encode_response(r));
  }
  std::string refused(const std::string& response, Privilege p = Privilege::kShellAccess) {
    auto r = state.accept_response(p, response, device, authorities, "admin");
    EXPECT_FALSE(r);
    EXPECT_FALSE(state.authorized(p));
    return r ? "" : r.error().message;
  }
  bool logged(std::string_view text) const {
    for (auto& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }

  FakeClock clock;
  FakeRandom rng{7};
  ConsentState state{clock, rng};
  DeviceIdentity device{"hub1", "KGABCDEFGHJK"};
  Authorities authorities;
  std::optional<SigningKey> key;
  std::vector<std::string> lines;
};

TEST_F(ConsentStateTest, RoundTripOpensAndTerminateCloses) {
  std::string c = challenge();
  EXPECT_TRUE(logged("%CTOKEN-6-AUTH_UPDATE: Consent Token Update (challenge generation attempt: Shell access 0)."));
  ASSERT_TRUE(state.accept_response(Privilege::kShellAccess, respond(c), device, authorities, "admin"));
  EXPECT_TRUE(logged("Consent Token Update (authentication success: Shell access 0)."));
  EXPECT_TRUE(state.authorized(Privilege::kShellAccess));
  EXPECT_FALSE(state.authorized(Privilege::kDebugKeys));
  EXPECT_EQ(state.grants().at(Privilege::kShellAccess).user, "admin");
  state.terminate();
  EXPECT_TRUE(logged("Consent Token Update (terminate authentication: Shell access 0)."));
  EXPECT_FALSE(state.authorized(Privilege::kShellAccess));
}

TEST_F(ConsentStateTest, WarningAtTenMinutesThenExpiry) {
  std::string c = challenge(Privilege::kDebugKeys, 30);
  ASSERT_TRUE(state.accept_response(Privilege::kDebugKeys, respond(c, 15), device, authorities, "admin"));
  clock.advance(Millis(4 * 60'000));
  state.tick();
  EXPECT_FALSE(logged("will expire"));
  clock.advance(Millis(60'000));
  state.tick();
  EXPECT_TRUE(logged("Consent Token Update (authorization for Debug keys 0 will expire in 10 min)."));
  EXPECT_TRUE(state.authorized(Privilege::kDebugKeys));
  clock.advance(Millis(10 * 60'000));
  EXPECT_FALSE(state.authorized(Privilege::kDebugKeys));  // at once, not only at the next tick
  state.tick();
  EXPECT_TRUE(logged("Consent Token Update (authorization expired: Debug keys 0)."));
  EXPECT_TRUE(state.grants().empty());
}

// What a refused system shell says: never granted, terminated, expired
// (before and after the tick that ends it), and nothing once granted again.
TEST_F(ConsentStateTest, SaysWhyAPrivilegeIsNotAuthorized) {
  const auto p = Privilege::kShellAccess;
  EXPECT_EQ(state.why_not_authorized(p),
            "no shell-access authorization: request consent-token generate-challenge shell-access first");
  ASSERT_TRUE(state.accept_response(p, respond(challenge(p, 20)), device, authorities, "admin"));
  state.terminate();
  EXPECT_EQ(state.why_not_authorized(p), "the shell-access authorization was terminated (request consent-token terminate-auth)");
  ASSERT_TRUE(state.accept_response(p, respond(challenge(p, 20)), device, authorities, "admin"));
  clock.advance(Millis(20 * 60'000));
  EXPECT_EQ(state.why_not_authorized(p), "the shell-access authorization has expired");
  state.tick();
  EXPECT_EQ(state.why_not_authorized(p), "the shell-access authorization has expired");
  ASSERT_TRUE(state.accept_response(p, respond(challenge(p, 20)), device, authorities, "admin"));
  EXPECT_TRUE(state.authorized(p));
  EXPECT_EQ(state.why_not_authorized(Privilege::kDebugKeys),
            "no debug-keys authorization: request consent-token generate-challenge debug-keys first");
}

TEST_F(ConsentStateTest, ExpiredChallenge) {
  std::string c = challenge();
  clock.advance(kChallengeLifetime + Millis(1));
  state.tick();
  EXPECT_NE(refused(respond(c)).find("Challenge expired"), std::string::npos);
  EXPECT_TRUE(logged("authentication failure: Shell access 0"));
}

TEST_F(ConsentStateTest, ChallengeStillGoodJustBeforeThirtyMinutes) {
  std::string c = challenge();
  clock.advance(kChallengeLifetime);
  EXPECT_TRUE(state.accept_response(Privilege::kShellAccess, respond(c), device, authorities, "admin"));
}

TEST_F(ConsentStateTest, ReusedResponse) {
  std::string r = respond(challenge());
  ASSERT_TRUE(state.accept_response(Privilege::kShellAccess, r, device, authorities, "admin"));
  state.terminate();
  EXPECT_NE(refused(r).find("already been used"), std::string::npos);
}

TEST_F(ConsentStateTest, ResponseForAnotherChallenge) {
  std::string first = challenge();
  challenge();  // replaces the first
  EXPECT_NE(refused(respond(first)).find("another challenge"), std::string::npos);
  // A response for the other privilege's challenge.
  std::string dk = challenge(Privilege::kDebugKeys);
  EXPECT_NE(refused(respond(dk)).find("is for debug-keys, not shell-access"), std::string::npos);
}

TEST_F(ConsentStateTest, ResponseForAnotherDevice) {
  FakeRandom other_rng{9};
  ConsentState other{clock, other_rng};
  auto c = other.generate_challenge(Privilege::kShellAccess, 60, "", {"hub1", "KGZZZZZZZZZZ"}, authorities);
  ASSERT_TRUE(c);
  challenge();
  EXPECT_NE(refused(respond(*c)).find("another device (hostname hub1, serial KGZZZZZZZZZZ"), std::string::npos);
}

TEST_F(ConsentStateTest, BadSignatureEndsTheChallenge) {
  std::string c = challenge();
  auto stranger = SigningKey::generate();
  ASSERT_TRUE(stranger);
  EXPECT_NE(refused(respond(c, 0, &*stranger)).find("Bad signature"), std::string::npos);
  // The genuine response now comes too late: the challenge is ended.
  EXPECT_NE(refused(respond(c)).find("ended by an earlier response"), std::string::npos);
}

TEST_F(ConsentStateTest, TamperedGrantFailsTheSignature) {
  std::string c = challenge();
  Bytes raw = *base64_decode(respond(c, 60));
  Response r = *decode_response(raw);
  r.granted_minutes = 600;  // the administrator edits the response
  EXPECT_NE(refused(base64_encode(encode_response(r))).find("Bad signature"), std::string::npos);
}

TEST_F(ConsentStateTest, UnknownAuthorityKey) {
  std::string c = challenge();
  authorities.clear();  // `no consent-token authority tac` after the challenge
  authorities["other"] = key->public_raw();
  EXPECT_NE(refused(respond(c)).find("Unknown consent-token authority tac"), std::string::npos);
  auto g = state.generate_challenge(Privilege::kShellAccess, 60, "tac", device, authorities);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("No consent-token authority tac"), std::string::npos);
}

TEST_F(ConsentStateTest, TimeoutOverSevenDays) {
  auto g = state.generate_challenge(Privilege::kShellAccess, kMaxTimeoutMinutes + 1, "", device, authorities);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("maximum of 7 days"), std::string::npos);
  EXPECT_TRUE(state.pending().empty());
  EXPECT_TRUE(state.generate_challenge(Privilege::kShellAccess, kMaxTimeoutMinutes, "", device, authorities));
}

TEST_F(ConsentStateTest, ResponseAfterRestart) {
  std::string c = challenge();
  std::string r = respond(c);
  clock.advance(Millis(60'000));
  FakeRandom rng2{8};
  ConsentState restarted{clock, rng2};  // keygated started again: nothing carried over
  auto a = restarted.accept_response(Privilege::kShellAccess, r, device, authorities, "admin");
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("before keygated restarted"), std::string::npos);
  EXPECT_FALSE(restarted.authorized(Privilege::kShellAccess));
}

TEST_F(ConsentStateTest, GarbageSaysWhy) {
  challenge();
  EXPECT_NE(refused("%%%").find("not valid base 64"), std::string::npos);
  EXPECT_NE(refused(base64_encode(as_bytes("KGCRx"))).find("Malformed response"), std::string::npos);
  EXPECT_EQ(state.pending().size(), 1u);  // garbage does not end the pending challenge
}

TEST_F(ConsentStateTest, NeedsAnAuthority) {
  authorities.clear();
  auto g = state.generate_challenge(Privilege::kShellAccess, 60, "", device, authorities);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("No consent-token authority is configured"), std::string::npos);
  authorities["a"] = key->public_raw();
  authorities["b"] = key->public_raw();
  EXPECT_FALSE(state.generate_challenge(Privilege::kShellAccess, 60, "", device, authorities));
  EXPECT_TRUE(state.generate_challenge(Privilege::kShellAccess, 60, "b", device, authorities));
}

}  // namespace
}  // namespace kg::consent
