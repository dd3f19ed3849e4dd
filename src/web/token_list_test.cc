#include "web/token_list.h"

#include <gtest/gtest.h>

namespace kg::web {
namespace {

TEST(TokenList, NamesEachTokenByItsLabelOrItsSlot) {
  std::string show =
      "Token eToken is usbtoken2\n  Inserted: yes\n  Login: not logged in\n"
      "Token (none) is usbtoken3\n  Inserted: no\n"
      "Token eToken is usbtoken4\n  Inserted: yes\n";
  EXPECT_EQ(token_names(show), (std::vector<std::string>{"eToken", "usbtoken3"}));
  EXPECT_TRUE(token_names("No tokens\n").empty());
  EXPECT_TRUE(token_names("% Invalid input detected at '^' marker.\n").empty());
}

TEST(TokenList, FactsOfOneToken) {
  std::string show =
      "Token other is usbtoken1\n  User PIN: 0 failed attempts, 10 left\n  PIN policy: none\n"
      "Token eToken is usbtoken2\n  Inserted: yes\n  User PIN: 1 failed attempt, 9 left\n"
      "  Admin PIN: 0 failed attempts, 15 left\n  PIN policy: etoken (At least 8 characters)\n"
      "Token eToken is usbtoken4\n  User PIN: 5 failed attempts, 5 left\n";
  auto f = token_facts(show, "eToken");
  EXPECT_EQ(f.user_pin, "1 failed attempt, 9 left");
  EXPECT_EQ(f.pin_policy, "etoken (At least 8 characters)");
  EXPECT_EQ(token_facts(show, "usbtoken1").pin_policy, "none");
  EXPECT_TRUE(token_facts(show, "nothere").user_pin.empty());
}

}  // namespace
}  // namespace kg::web
