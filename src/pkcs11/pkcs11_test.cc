// Against real SoftHSM2 (a private token directory per test), and against it
// behind tools/p11-detach for insertion and removal.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "pkcs11/module.h"
#include "pkcs11/session.h"
#include "pkcs11/slot.h"
#include "pkcs11/slot_watch.h"
#include "pkcs11/testing/soft_token.h"
#include "pkcs11/token_uri.h"

namespace kg::pkcs11 {
namespace {

using testing::kSoftHsm;
using testing::SoftToken;

const TokenSlot* find_label(const std::vector<TokenSlot>& slots, const std::string& label) {
  for (const auto& s : slots) {
    if (s.present && s.token.label == label) return &s;
  }
  return nullptr;
}

TEST(Pkcs11, LoadsSoftHsmAndListsItsToken) {
  SoftToken tok("kg-test", "1234", "5678");
  auto m = Module::load_path(kSoftHsm);
  ASSERT_TRUE(m) << m.error().message;
  auto slots = list_slots(*m);
  ASSERT_TRUE(slots) << slots.error().message;
  const TokenSlot* s = find_label(*slots, "kg-test");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->token.manufacturer, "SoftHSM project");
  EXPECT_TRUE(s->token.flags & CKF_LOGIN_REQUIRED);
  EXPECT_TRUE(s->token.flags & CKF_USER_PIN_INITIALIZED);
}

TEST(Pkcs11, MissingModuleIsAClearError) {
  auto m = Module::load_path("/nonexistent/libnothing.so");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::kNotFound);
  EXPECT_NE(m.error().message.find("/nonexistent/libnothing.so"), std::string::npos);
}

TEST(Pkcs11, UriMatchesTokenByLabelAndSerial) {
  SoftToken tok("kg-test", "1234", "5678");
  auto m = Module::load_path(kSoftHsm);
  ASSERT_TRUE(m);
  auto slots = list_slots(*m);
  ASSERT_TRUE(slots);
  const TokenSlot* s = find_label(*slots, "kg-test");
  ASSERT_NE(s, nullptr);
  auto by_label = TokenUri::parse("pkcs11:token=kg-test;object=site-a");
  ASSERT_TRUE(by_label) << by_label.error().message;
  EXPECT_TRUE(by_label->matches(s->token.raw));
  EXPECT_EQ(by_label->object(), "site-a");
  auto by_serial = TokenUri::parse("pkcs11:serial=" + s->token.serial);
  ASSERT_TRUE(by_serial);
  EXPECT_TRUE(by_serial->matches(s->token.raw));
  auto other = TokenUri::parse("pkcs11:token=kg%2Dother");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->matches(s->token.raw));
  EXPECT_TRUE(TokenUri::looks_like_uri("pkcs11:token=x"));
  EXPECT_FALSE(TokenUri::looks_like_uri("usbtoken0"));
  EXPECT_FALSE(TokenUri::parse("pkcs11:token=%zz"));
}

TEST(Pkcs11, UserLoginSetPinAndSoReset) {
  SoftToken tok("kg-test", "1234", "5678");
  auto m = Module::load_path(kSoftHsm);
  ASSERT_TRUE(m);
  auto slots = list_slots(*m);
  ASSERT_TRUE(slots);
  CK_SLOT_ID slot = find_label(*slots, "kg-test")->id;
  {
    auto s = Session::open(*m, slot);
    ASSERT_TRUE(s) << s.error().message;
    auto bad = s->login(UserType::kUser, Secret(std::string_view("0000")));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::kAuthFailed);
    EXPECT_NE(bad.error().message.find("CKR_PIN_INCORRECT"), std::string::npos);
    ASSERT_TRUE(s->login(UserType::kUser, Secret(std::string_view("1234"))));
    EXPECT_EQ(*s->state(), static_cast<CK_STATE>(CKS_RW_USER_FUNCTIONS));
    ASSERT_TRUE(s->set_pin(Secret(std::string_view("1234")), Secret(std::string_view("4321"))));
    ASSERT_TRUE(s->logout());
    EXPECT_EQ(*s->state(), static_cast<CK_STATE>(CKS_RW_PUBLIC_SESSION));
    EXPECT_FALSE(s->login(UserType::kUser, Secret(std::string_view("1234"))));
    ASSERT_TRUE(s->login(UserType::kUser, Secret(std::string_view("4321"))));
    ASSERT_TRUE(s->logout());
  }
  // The security officer sets a new user PIN (how a blocked PIN is reset).
  auto so = Session::open(*m, slot);
  ASSERT_TRUE(so);
  ASSERT_TRUE(so->login(UserType::kSecurityOfficer, Secret(std::string_view("5678"))));
  ASSERT_TRUE(so->init_pin(Secret(std::string_view("999999"))));
  ASSERT_TRUE(so->logout());
  ASSERT_TRUE(so->login(UserType::kUser, Secret(std::string_view("999999"))));
}

TEST(Pkcs11, DetachedTokenLeavesItsSlotAndTakesItsSessions) {
  SoftToken tok("kg-test", "1234", "5678");
  auto m = Module::load_path(KG_P11_DETACH);
  ASSERT_TRUE(m) << m.error().message;
  auto slots = list_slots(*m);
  ASSERT_TRUE(slots);
  const TokenSlot* found = find_label(*slots, "kg-test");
  ASSERT_NE(found, nullptr);
  CK_SLOT_ID slot = found->id;
  auto s = Session::open(*m, slot);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->login(UserType::kUser, Secret(std::string_view("1234"))));

  tok.pull();
  auto after = read_slot(*m, slot);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->present);
  auto st = s->state();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("CKR_DEVICE_REMOVED"), std::string::npos);
  EXPECT_FALSE(Session::open(*m, slot));

  tok.insert();
  auto back = read_slot(*m, slot);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->present);
  auto again = Session::open(*m, slot);
  ASSERT_TRUE(again);
  // The login went with the token.
  EXPECT_EQ(*again->state(), static_cast<CK_STATE>(CKS_RW_PUBLIC_SESSION));
}

TEST(Pkcs11, SlotWatchSeesRemovalAndInsertion) {
  SoftToken tok("kg-test", "1234", "5678");
  auto m = Module::load_path(KG_P11_DETACH);
  ASSERT_TRUE(m);
  std::mutex mu;
  std::vector<std::pair<std::string, bool>> seen;
  SlotWatch watch({*m}, [&](const TokenSlot& s) {
    std::lock_guard lock(mu);
    seen.emplace_back(s.token.label, s.present);
  });
  EXPECT_FALSE(watch.uses_events(0));  // p11-detach, like SoftHSM, has no slot events
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 100; ++i) {  // the watch promises 1 s; allow more on a loaded machine
      {
        std::lock_guard lock(mu);
        if (seen.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  tok.pull();
  ASSERT_TRUE(wait_for(1));
  tok.insert();
  ASSERT_TRUE(wait_for(2));
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].second);
  EXPECT_TRUE(seen[1].second);
  EXPECT_EQ(seen[1].first, "kg-test");
}

}  // namespace
}  // namespace kg::pkcs11
