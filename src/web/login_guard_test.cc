#include "web/login_guard.h"

#include <gtest/gtest.h>

namespace kg::web {
namespace {

using namespace std::chrono_literals;

TEST(LoginGuard, LocksAnAddressAfterFiveFailuresAndOnlyThatAddress) {
  LoginGuard g;
  auto t = LoginGuard::Clock::time_point{} + 1h;
  EXPECT_EQ(g.failed("198.51.100.7", t), 4);
  EXPECT_EQ(g.failed("198.51.100.7", t), 3);
  EXPECT_EQ(g.failed("198.51.100.7", t), 2);
  EXPECT_EQ(g.failed("198.51.100.7", t), 1);
  EXPECT_EQ(g.locked_for("198.51.100.7", t), 0);
  EXPECT_EQ(g.failed("198.51.100.7", t), 0);
  EXPECT_EQ(g.locked_for("198.51.100.7", t + 1s), 299);
  EXPECT_EQ(g.locked_for("198.51.100.8", t), 0);
  EXPECT_EQ(g.locked_for("198.51.100.7", t + 5min), 0);
}

TEST(LoginGuard, FailuresOutsideTheWindowAndSuccessesStartAgain) {
  LoginGuard g;
  auto t = LoginGuard::Clock::time_point{} + 1h;
  for (int i = 0; i < 4; ++i) g.failed("a", t);
  EXPECT_EQ(g.failed("a", t + 11min), 4);  // the window passed: counting anew
  g.failed("a", t + 11min);
  g.succeeded("a");
  EXPECT_EQ(g.failed("a", t + 11min), 4);
}

}  // namespace
}  // namespace kg::web
