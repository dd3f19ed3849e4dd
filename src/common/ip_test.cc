#include "common/ip.h"

#include <gtest/gtest.h>

namespace kg {
namespace {

TEST(IpAddress, ParsesBothFamilies) {
  auto a = IpAddress::parse("192.0.2.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->str(), "192.0.2.1");
  auto b = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->is_v4());
  EXPECT_EQ(b->str(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::parse("192.0.2.256"));
}

TEST(Prefix, MaskAndContainment) {
  auto p = Prefix::from_mask(*IpAddress::parse("198.51.100.77"), *IpAddress::parse("255.255.255.0"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->len, 24);
  EXPECT_TRUE(p->contains(*IpAddress::parse("198.51.100.1")));
  EXPECT_FALSE(p->contains(*IpAddress::parse("198.51.101.1")));
  EXPECT_EQ(p->first().str(), "198.51.100.0");
  EXPECT_EQ(p->last().str(), "198.51.100.255");
  EXPECT_FALSE(Prefix::from_mask(*IpAddress::parse("1.2.3.4"), *IpAddress::parse("255.0.255.0")));
}

}  // namespace
}  // namespace kg
