// crypto pki token ... configuration: written back, the user PIN only sealed,
// bad values refused with nothing changed.
#include <gtest/gtest.h>

#include "config/session.h"

namespace kg::config {
namespace {

TEST(TokenConfig, LinesRoundTripAndThePinIsNeverShownClear) {
  Config c;
  CliSession s(c);
  ASSERT_TRUE(s.execute("configure terminal").ok);
  ASSERT_TRUE(s.execute("crypto pki token eToken removal timeout 1").ok);
  ASSERT_TRUE(s.execute("crypto pki token eToken user-pin 1234567890").ok);
  ASSERT_TRUE(s.execute("crypto pki token eToken max-retries 5").ok);
  ASSERT_TRUE(s.execute("crypto pki token default removal timeout 0").ok);
  ASSERT_TRUE(s.execute("crypto key storage eToken").ok);
  std::string rc = c.running_config_text();
  EXPECT_EQ(rc.find("1234567890"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto pki token eToken removal timeout 1\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto pki token eToken user-pin 6 "), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto pki token default removal timeout 0\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto key storage eToken\n"), std::string::npos) << rc;
  auto& t = c.model().tokens.at("eToken");
  EXPECT_EQ(*t.removal_timeout, 1);
  EXPECT_EQ(*t.max_retries, 5);
  EXPECT_TRUE(t.user_pin.equals(as_bytes(std::string_view("1234567890"))));
  // The sealed line loads back to the same PIN (under the same master key).
  size_t at = rc.find("crypto pki token eToken user-pin ");
  std::string line = rc.substr(at, rc.find('\n', at) - at);
  ASSERT_TRUE(s.execute("no crypto pki token eToken user-pin").ok);
  EXPECT_TRUE(c.model().tokens.at("eToken").user_pin.empty());
  ASSERT_TRUE(s.execute(line).ok);
  EXPECT_TRUE(c.model().tokens.at("eToken").user_pin.equals(as_bytes(std::string_view("1234567890"))));
  // Removing every setting removes the token's entry.
  for (auto l : {"no crypto pki token eToken removal timeout 1", "no crypto pki token eToken user-pin",
                 "no crypto pki token eToken max-retries 5"})
    ASSERT_TRUE(s.execute(l).ok) << l;
  EXPECT_FALSE(c.model().tokens.contains("eToken"));
}

TEST(TokenConfig, BadValuesAreRefused) {
  Config c;
  CliSession s(c);
  ASSERT_TRUE(s.execute("configure terminal").ok);
  EXPECT_FALSE(s.execute("crypto pki token eToken removal timeout 481").ok);
  EXPECT_FALSE(s.execute("crypto pki token eToken max-retries 0").ok);
  EXPECT_FALSE(s.execute("crypto pki token eToken module relative.so").ok);
  EXPECT_FALSE(s.execute("crypto pki token default module /usr/lib/x.so").ok);
  EXPECT_TRUE(c.model().tokens.empty());
}

TEST(TokenConfig, PinPolicyPerTokenAndDefault) {
  Config c;
  CliSession s(c);
  ASSERT_TRUE(s.execute("configure terminal").ok);
  ASSERT_TRUE(s.execute("crypto pki token eToken pin-policy etoken").ok);
  ASSERT_TRUE(s.execute("crypto pki token default pin-policy etoken").ok);
  ASSERT_TRUE(s.execute("crypto pki token other pin-policy none").ok);
  EXPECT_FALSE(s.execute("crypto pki token eToken pin-policy seed-002").ok);
  EXPECT_EQ(*c.model().tokens.at("eToken").pin_policy, PinPolicy::kEtoken);
  EXPECT_EQ(*c.model().tokens.at("other").pin_policy, PinPolicy::kNone);
  std::string rc = c.running_config_text();
  EXPECT_NE(rc.find("crypto pki token eToken pin-policy etoken\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto pki token other pin-policy none\n"), std::string::npos) << rc;
  ASSERT_TRUE(s.execute("no crypto pki token eToken pin-policy").ok);
  EXPECT_FALSE(c.model().tokens.contains("eToken"));
  ASSERT_TRUE(s.execute("no crypto pki token other pin-policy none").ok);
  EXPECT_FALSE(c.model().tokens.contains("other"));
}

}  // namespace
}  // namespace kg::config
