// Seed 002 §3's eToken PIN composition rule.
#include "config/pin_policy.h"

#include <gtest/gtest.h>

namespace kg::config {
namespace {

std::string check(std::string_view pin) { return pin_policy_check(PinPolicy::kEtoken, Secret(pin)); }

TEST(PinPolicy, NoneTakesAnything) {
  EXPECT_EQ(pin_policy_check(PinPolicy::kNone, Secret(std::string_view("1"))), "");
  EXPECT_EQ(pin_policy_check(PinPolicy::kNone, Secret(std::string_view("a}b=c]"))), "");
  EXPECT_EQ(pin_policy_text(PinPolicy::kNone), "");
}

TEST(PinPolicy, ThreeOfFourClassesAndEightCharacters) {
  EXPECT_EQ(check("Abcdefg1"), "");      // upper, lower, digit
  EXPECT_EQ(check("abcdefg1!"), "");     // lower, digit, special
  EXPECT_EQ(check("ABCDEF1 "), "");      // upper, digit, space (special)
  EXPECT_EQ(check("Pin with spaces|?1"), "");
  EXPECT_EQ(check("Ab1!Ab1!"), "");      // all four
}

TEST(PinPolicy, TooShortNamesTheLength) {
  auto e = check("Ab1!");
  EXPECT_NE(e.find("has 4 characters"), std::string::npos) << e;
  EXPECT_NE(e.find("at least 8"), std::string::npos) << e;
  EXPECT_NE(check("Abcdef1"), "");  // 7
}

TEST(PinPolicy, TwoClassesNamesTheMissingOnes) {
  auto e = check("abcdefgh1");
  EXPECT_NE(e.find("2 of the 4"), std::string::npos) << e;
  EXPECT_NE(e.find("uppercase letters, special characters"), std::string::npos) << e;
  EXPECT_NE(check("12345678"), "");
  EXPECT_NE(check("ABCDEFGH"), "");
  EXPECT_NE(check("!@#$%^&*"), "");
}

TEST(PinPolicy, ForbiddenCharacters) {
  for (std::string_view p : {"Abcdefg1}", "Abcdefg1]", "Abcd=fg1"}) {
    auto e = check(p);
    EXPECT_NE(e.find("right brace }"), std::string::npos) << p << ": " << e;
  }
  // The left ones are ordinary special characters.
  EXPECT_EQ(check("abcdefg1{"), "");
  EXPECT_EQ(check("abcdefg1["), "");
}

TEST(PinPolicy, NonPrintableRefused) {
  EXPECT_NE(check("Abcdefg1\t").find("printable"), std::string::npos);
  EXPECT_NE(check("Abcdefg1\xc3\xa9").find("printable"), std::string::npos);
}

TEST(PinPolicy, ErrorNeverHoldsThePin) {
  for (std::string_view p : {"Zq", "zqzqzqzqzq", "Zqzqzqzq}"}) EXPECT_EQ(check(p).find(p), std::string::npos) << p;
}

TEST(PinPolicy, Names) {
  EXPECT_EQ(pin_policy_from("etoken"), PinPolicy::kEtoken);
  EXPECT_EQ(pin_policy_from("none"), PinPolicy::kNone);
  EXPECT_FALSE(pin_policy_from("seed-002"));
  EXPECT_STREQ(pin_policy_name(PinPolicy::kEtoken), "etoken");
}

}  // namespace
}  // namespace kg::config
