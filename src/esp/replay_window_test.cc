#include "esp/replay_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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

namespace kg::esp {
namespace {

TEST(ReplayWindow, EdgeOfWindowAndTopOfSequenceSpace) {
  ReplayWindow w(64);
  w.update(64);
  EXPECT_TRUE(w.check(1));   // 64 - 1 = 63: last slot inside the window
  w.update(65);
  EXPECT_FALSE(w.check(1));  // slid out
  ReplayWindow top(1024);
  top.update(UINT32_MAX - 1);
  EXPECT_TRUE(top.check(UINT32_MAX));
  top.update(UINT32_MAX);
  EXPECT_FALSE(top.check(UINT32_MAX));
  EXPECT_FALSE(top.check(UINT32_MAX - 1));
  EXPECT_TRUE(top.check(UINT32_MAX - 2));
  EXPECT_FALSE(top.check(0));
}

TEST(ReplayWindow, EveryNumberAcceptedOnceInRandomOrder) {
  ReplayWindow w(256);
  uint32_t x = 12345;
  std::vector<bool> seen(2001);
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245u + 12345u;
    uint32_t s = 1 + (x >> 8) % 2000;
    bool ok = w.check(s);
    bool expect = !seen[s] && w.highest() - std::min(w.highest(), s) < 256;
    if (s > w.highest()) expect = true;
    EXPECT_EQ(ok, expect) << s;
    if (ok) {
      w.update(s);
      seen[s] = true;
    }
  }
}

}  // namespace
}  // namespace kg::esp
