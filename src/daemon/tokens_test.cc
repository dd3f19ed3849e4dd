// The tokens part on a fake clock against real SoftHSM2 behind p11-detach:
// login and wrong-PIN counting (persisted), keys generated inside the token
// serve a trustpoint, a pulled token's keys are deactivated after the
// removal timeout and the trustpoint's SAs are asked to go, user-pin logs
// in again on reinsertion.
#include <gtest/gtest.h>
#include <poll.h>

#include <filesystem>

#include "crypto/key_pair.h"
#include "daemon/token_storage.h"
#include "daemon/tokens.h"
#include "pkcs11/testing/soft_token.h"

namespace kg::daemon {
namespace {

struct FakeHost final : Tokens::Host {
  config::Model m;
  int changed = 0;
  std::vector<std::set<std::string>> deactivated;
  const config::Model& model() const override { return m; }
  void keys_changed() override { ++changed; }
  void keys_deactivated(const std::set<std::string>& tps) override { deactivated.push_back(tps); }
  void watch_fd(int) override {}
};

struct TokensTest : ::testing::Test {
  TokensTest() {
    config::TokenConfig tc;
    tc.module = KG_P11_DETACH;
    tc.removal_timeout = 1;
    host.m.tokens["eToken"] = tc;
    host.m.trustpoints["site-a"].rsakeypair = "etoken-keys 2048";
    state = std::filesystem::temp_directory_path() / ("kg-tokens-" + std::to_string(::getpid()));
  }
  ~TokensTest() override { std::filesystem::remove_all(state); }
  // Waits (up to 3 s) for the watch thread, then lets the part handle it.
  bool event() {
    pollfd p{tokens->event_fd(), POLLIN, 0};
    if (::poll(&p, 1, 3000) != 1) return false;
    tokens->on_events();
    return true;
  }
  std::unique_ptr<Tokens> make() { return std::make_unique<Tokens>(host, clock, state.string()); }
  static Secret pin(const char* p) { return Secret(std::string_view(p)); }

  pkcs11::testing::SoftToken tok{"eToken", "1234567890", "5678"};
  FakeHost host;
  FakeClock clock;
  std::filesystem::path state;
  std::unique_ptr<Tokens> tokens;
};

TEST_F(TokensTest, WrongPinsBlockAndStayBlockedAcrossARestart) {
  host.m.tokens["eToken"].max_retries = 3;
  tokens = make();
  tokens->ensure_started();
  for (int i = 1; i <= 3; ++i) {
    auto r = tokens->login("eToken", pin("0000"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(std::to_string(3 - i) + " left"), std::string::npos) << r.error().message;
  }
  auto blocked = tokens->login("eToken", pin("1234567890"));
  ASSERT_FALSE(blocked);
  EXPECT_NE(blocked.error().message.find("blocked"), std::string::npos);
  tokens = make();  // a restart: the counters come from the state directory
  tokens->ensure_started();
  EXPECT_FALSE(tokens->login("eToken", pin("1234567890")));
  ASSERT_TRUE(tokens->admin_login("eToken", pin("5678")));
  ASSERT_TRUE(tokens->admin_reset_pin("eToken", pin("24681357")));
  ASSERT_TRUE(tokens->admin_logout("eToken"));
  auto ok = tokens->login("eToken", pin("24681357"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_NE(ok->find("Token login to usbtoken"), std::string::npos) << *ok;
}

TEST_F(TokensTest, PinPolicyRefusesWeakNewPinsWithoutSpendingAnAttempt) {
  host.m.tokens["default"].pin_policy = config::PinPolicy::kEtoken;  // inherited by eToken
  tokens = make();
  tokens->ensure_started();
  // A weak new PIN is refused before the current PIN is tried, even a wrong one.
  auto weak = tokens->change_pin("eToken", pin("0000"), pin("abcdefgh"));
  ASSERT_FALSE(weak);
  EXPECT_NE(weak.error().message.find("refused by pin-policy etoken: The new PIN uses 1 of the 4"), std::string::npos)
      << weak.error().message;
  EXPECT_NE(tokens->show("eToken", false).find("User PIN: 0 failed attempts"), std::string::npos);
  EXPECT_NE(tokens->show("eToken", false).find("PIN policy: etoken\n"), std::string::npos);
  EXPECT_NE(tokens->show("eToken", true).find("PIN policy: etoken (At least 8 characters"), std::string::npos);
  auto ok = tokens->change_pin("eToken", pin("1234567890"), pin("New pin|7 ok?"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(tokens->login("eToken", pin("New pin|7 ok?")));
  ASSERT_TRUE(tokens->logout("eToken"));
  // The admin's reset obeys the same rule; the token's own setting wins over default.
  ASSERT_TRUE(tokens->admin_login("eToken", pin("5678")));
  auto reset = tokens->admin_reset_pin("eToken", pin("Ab1}defgh"));
  ASSERT_FALSE(reset);
  EXPECT_NE(reset.error().message.find("right brace }"), std::string::npos) << reset.error().message;
  host.m.tokens["eToken"].pin_policy = config::PinPolicy::kNone;
  EXPECT_TRUE(tokens->admin_reset_pin("eToken", pin("1234")));
}

TEST_F(TokensTest, PulledTokenDeactivatesItsKeysAfterTheTimeout) {
  tokens = make();
  tokens->ensure_started();
  EXPECT_FALSE(tokens->generate("eToken", "etoken-keys", true, 2048));  // not logged in
  ASSERT_TRUE(tokens->login("eToken", pin("1234567890")));
  auto g = tokens->generate("eToken", "etoken-keys", true, 2048);
  ASSERT_TRUE(g) << g.error().message;
  auto signer = tokens->signer("etoken-keys");
  ASSERT_TRUE(signer);
  EXPECT_FALSE(signer->completes_at_once());
  EXPECT_TRUE(tokens->signer("pkcs11:token=eToken;object=etoken-keys"));
  EXPECT_FALSE(tokens->signer("pkcs11:token=other;object=etoken-keys"));

  tok.pull();
  ASSERT_TRUE(event());
  EXPECT_NE(tokens->show("eToken", false).find("Inserted: no"), std::string::npos);
  ASSERT_TRUE(tokens->next_deadline());
  clock.advance(Millis(999));
  tokens->tick();
  EXPECT_TRUE(host.deactivated.empty());
  clock.advance(Millis(1));
  tokens->tick();
  ASSERT_EQ(host.deactivated.size(), 1u);
  EXPECT_EQ(host.deactivated[0], std::set<std::string>{"site-a"});
  EXPECT_FALSE(tokens->signer("etoken-keys"));
  // A signature with the old key fails with a message.
  auto sig = signer->sign({crypto::SigAlg::kRsaPkcs1, crypto::SignHash::kSha256}, as_bytes(std::string_view("x")));
  EXPECT_FALSE(sig);

  // user-pin: reinsertion logs in and the key is back.
  host.m.tokens["eToken"].user_pin = pin("1234567890");
  tok.insert();
  ASSERT_TRUE(event());
  EXPECT_TRUE(tokens->signer("etoken-keys"));
}

TEST_F(TokensTest, LogoutWithTimeoutZeroActsAtOnce) {
  host.m.tokens["eToken"].removal_timeout = 0;
  tokens = make();
  tokens->ensure_started();
  ASSERT_TRUE(tokens->login("eToken", pin("1234567890")));
  ASSERT_TRUE(tokens->generate("eToken", "etoken-keys", false, 256));
  ASSERT_TRUE(tokens->logout("eToken"));
  ASSERT_EQ(host.deactivated.size(), 1u);
  EXPECT_FALSE(tokens->signer("etoken-keys"));
  EXPECT_FALSE(tokens->login("nosuchtoken", pin("1")));
}

// The tokens as the KeyStore sees them (token_storage.h): `storage NAME`
// finds one token, its keys are listed with the seed's Storage Device, a
// key moved in signs and zeroize destroys it.
TEST_F(TokensTest, TokenStorageListsMovesAndRemovesKeys) {
  tokens = make();
  TokenStorage all(*tokens);
  EXPECT_FALSE(all.named("nosuchtoken"));
  auto* one = all.named("eToken");
  ASSERT_TRUE(one);
  EXPECT_EQ(all.named("eToken"), one);
  auto key = crypto::generate_rsa_key(2048);
  ASSERT_TRUE(key);
  auto der = (*key)->to_pkcs8();
  ASSERT_TRUE(der);
  auto r = one->import_pkcs8("moved", der->view(), false);  // not logged in
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not logged in"), std::string::npos) << r.error().message;
  ASSERT_TRUE(tokens->login("eToken", pin("1234567890")));
  ASSERT_TRUE(one->import_pkcs8("moved", der->view(), false));
  EXPECT_FALSE(one->generate("x", config::KeySpec{true, 256}, false, true));  // exportable: never on a token
  ASSERT_TRUE(one->generate("gen", config::KeySpec{true, 256}, false, false));
  auto list = all.list();
  ASSERT_EQ(list.size(), 2u);
  for (auto& e : list) {
    EXPECT_TRUE(e.device.starts_with("usbtoken")) << e.device;
    EXPECT_NE(e.device.find(" (label=eToken)"), std::string::npos) << e.device;
    EXPECT_FALSE(e.exportable);
    if (e.label == "moved") EXPECT_EQ(e.public_der, crypto::public_der(**key));
  }
  auto s = all.signer("moved");
  ASSERT_TRUE(s);
  crypto::SigScheme sch{crypto::SigAlg::kRsaPkcs1, crypto::SignHash::kSha256};
  auto sig = s->sign(sch, as_bytes(std::string_view("x")));
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_TRUE((*key)->sign(sch, as_bytes(std::string_view("x"))));
  auto n = all.remove("moved", false);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_FALSE(all.signer("moved"));
  EXPECT_TRUE(all.signer("gen"));
}

}  // namespace
}  // namespace kg::daemon
