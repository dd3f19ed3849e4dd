#include "esp/replay_window.h"

#include <gtest/gtest.h>

namespace kg::esp {
namespace {

TEST(ReplayWindow, RejectsZeroDuplicatesAndTooOld) {
  ReplayWindow w(64);
  EXPECT_FALSE(w.check(0));
  EXPECT_TRUE(w.check(1));
  w.update(1);
  EXPECT_FALSE(w.check(1));
  w.update(100);
  EXPECT_FALSE(w.check(36));  // 100 - 36 = 64: just outside
  EXPECT_TRUE(w.check(37));
  w.update(37);
  EXPECT_FALSE(w.check(37));
  EXPECT_TRUE(w.check(99));
}

TEST(ReplayWindow, BigJumpClearsHistory) {
  ReplayWindow w(128);
  for (uint32_t s = 1; s <= 200; ++s) w.update(s);
  w.update(100000);
  EXPECT_TRUE(w.check(99999));
  EXPECT_TRUE(w.check(100000 - 127));
  EXPECT_FALSE(w.check(100000 - 128));
  EXPECT_FALSE(w.check(100000));
}

TEST(ReplayWindow, SlidingClearsReusedBits) {
  ReplayWindow w(64);
  w.update(5);
  w.update(5 + 1024);  // bit index wraps onto 5's slot
  EXPECT_FALSE(w.check(5 + 1024));
  EXPECT_TRUE(w.check(5 + 1023));
  ReplayWindow big(1024);
  for (uint32_t s = 1; s < 3000; s += 3) big.update(s);
  EXPECT_TRUE(big.check(2999));
  EXPECT_FALSE(big.check(2998));
  EXPECT_TRUE(big.check(2997));
}

TEST(ReplayWindow, SizeIsClamped) {
  EXPECT_EQ(ReplayWindow(0).size(), 64u);
  EXPECT_EQ(ReplayWindow(5000).size(), 1024u);
}

}  // namespace
}  // namespace kg::esp
