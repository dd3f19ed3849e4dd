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

}  // namespace
}  // namespace kg::web
