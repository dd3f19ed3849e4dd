#include "ike/ts.h"

#include <gtest/gtest.h>

namespace kg::ike {
namespace {

TrafficSelector ts(const char* a, const char* b, uint8_t proto = 0) {
  TrafficSelector t;
  t.start = *IpAddress::parse(a);
  t.end = *IpAddress::parse(b);
  t.ip_protocol = proto;
  return t;
}

TEST(TsNarrow, IntersectionOfRanges) {
  // Initiator proposes 10.0.0.0/8, responder allows 10.1.0.0/16: answer is 10.1.0.0/16.
  auto r = narrow({ts("10.0.0.0", "10.255.255.255")}, {ts("10.1.0.0", "10.1.255.255")});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], ts("10.1.0.0", "10.1.255.255"));
}

TEST(TsNarrow, DisjointIsEmpty) {
  EXPECT_TRUE(narrow({ts("10.0.0.0", "10.0.0.255")}, {ts("192.0.2.0", "192.0.2.255")}).empty());
}

TEST(TsNarrow, ProtocolAndPorts) {
  auto a = ts("0.0.0.0", "255.255.255.255", 17);
  a.start_port = 500;
  a.end_port = 4500;
  auto r = narrow({a}, {ts("0.0.0.0", "255.255.255.255")});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].ip_protocol, 17);
  EXPECT_EQ(r[0].start_port, 500);
  EXPECT_TRUE(narrow({ts("0.0.0.0", "255.255.255.255", 6)}, {ts("0.0.0.0", "255.255.255.255", 17)}).empty());
}

TEST(TsNarrow, FamiliesDoNotMix) {
  auto v6 = ts("2001:db8::", "2001:db8::ffff");
  v6.type = TsType::kIpv6AddrRange;
  EXPECT_TRUE(narrow({v6}, {ts("0.0.0.0", "255.255.255.255")}).empty());
}

TEST(TsWithin, ResponderAnswerMustBeSubset) {
  std::vector<TrafficSelector> proposed{ts("10.0.0.0", "10.255.255.255")};
  EXPECT_TRUE(within({ts("10.1.0.0", "10.1.0.255")}, proposed));
  EXPECT_FALSE(within({ts("10.1.0.0", "11.0.0.0")}, proposed));
  EXPECT_FALSE(within({}, proposed));
}

}  // namespace
}  // namespace kg::ike
