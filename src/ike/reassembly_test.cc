// Reassembly of SKF fragments (RFC 7383 §2.6): order, duplicates, bounds,
// a new message ID or a larger Total Fragments discarding the set, timeout.
#include "ike/reassembly.h"

#include <gtest/gtest.h>

namespace kg::ike {
namespace {

using V = Reassembly::Verdict;
const TimePoint t0{Millis(1'000'000)};
Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Reassembly, OutOfOrderFragmentsJoinInOrder) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 3, 3, PayloadType::kNone, b("cc"), t0), V::kKept);
  EXPECT_EQ(r.add(1, 1, 3, PayloadType::kIdi, b("aa"), t0), V::kKept);
  EXPECT_EQ(r.add(1, 2, 3, PayloadType::kNone, b("bb"), t0), V::kComplete);
  auto w = r.take();
  EXPECT_EQ(w.first_inner, PayloadType::kIdi);
  EXPECT_EQ(w.plain, b("aabbcc"));
  EXPECT_FALSE(r.active());
}

TEST(Reassembly, OnlyFragmentOneNamesTheFirstPayload) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 2, 2, PayloadType::kAuth, b("y"), t0), V::kKept);  // ignored: not fragment 1
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("x"), t0), V::kComplete);
  EXPECT_EQ(r.take().first_inner, PayloadType::kIdi);
}

TEST(Reassembly, DuplicateIsDroppedAndTheSetKept) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("x"), t0), V::kKept);
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("other"), t0), V::kDuplicate);
  EXPECT_EQ(r.add(1, 2, 2, PayloadType::kNone, b("y"), t0), V::kComplete);
  EXPECT_EQ(r.take().plain, b("xy"));
}

TEST(Reassembly, OutOfRangeNumbersAreMalformed) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 0, 2, PayloadType::kIdi, b("x"), t0), V::kMalformed);
  EXPECT_EQ(r.add(1, 3, 2, PayloadType::kIdi, b("x"), t0), V::kMalformed);
  EXPECT_EQ(r.add(1, 1, 0, PayloadType::kIdi, b("x"), t0), V::kMalformed);
  EXPECT_FALSE(r.active());
}

TEST(Reassembly, BoundedInFragmentsAndBytes) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 1, Reassembly::kMaxFragments + 1, PayloadType::kIdi, b("x"), t0), V::kTooLarge);
  EXPECT_FALSE(r.active());
  Bytes big(Reassembly::kMaxBytes / 2 + 1, 0x41);
  EXPECT_EQ(r.add(2, 1, 3, PayloadType::kIdi, big, t0), V::kKept);
  EXPECT_EQ(r.add(2, 2, 3, PayloadType::kNone, big, t0), V::kTooLarge);
  EXPECT_FALSE(r.active());  // the whole set is gone
  EXPECT_EQ(r.discarded(), 1u);
}

TEST(Reassembly, NewMessageIdDiscardsTheIncompleteSet) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("old"), t0), V::kKept);
  EXPECT_EQ(r.add(2, 2, 2, PayloadType::kNone, b("y"), t0), V::kKept);
  EXPECT_EQ(r.discarded(), 1u);
  EXPECT_EQ(r.add(2, 1, 2, PayloadType::kIdi, b("x"), t0), V::kComplete);
  EXPECT_EQ(r.take().plain, b("xy"));
}

TEST(Reassembly, LargerTotalStartsAnewSmallerIsStale) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("big"), t0), V::kKept);
  // §2.6: the sender re-fragmented its retransmission smaller.
  EXPECT_EQ(r.add(1, 1, 3, PayloadType::kIdi, b("a"), t0), V::kKept);
  EXPECT_EQ(r.discarded(), 1u);
  EXPECT_EQ(r.add(1, 2, 2, PayloadType::kNone, b("zz"), t0), V::kStale);
  EXPECT_EQ(r.add(1, 2, 3, PayloadType::kNone, b("b"), t0), V::kKept);
  EXPECT_EQ(r.add(1, 3, 3, PayloadType::kNone, b("c"), t0), V::kComplete);
  EXPECT_EQ(r.take().plain, b("abc"));
}

TEST(Reassembly, TimedOutSetIsDiscarded) {
  Reassembly r;
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("x"), t0), V::kKept);
  auto later = t0 + Reassembly::kTimeout + Millis(1);
  EXPECT_EQ(r.add(1, 2, 2, PayloadType::kNone, b("y"), later), V::kKept);  // fragment 1 was dropped
  EXPECT_EQ(r.discarded(), 1u);
  EXPECT_EQ(r.add(1, 1, 2, PayloadType::kIdi, b("x"), later), V::kComplete);
}

}  // namespace
}  // namespace kg::ike
