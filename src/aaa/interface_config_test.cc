#include "aaa/interface_config.h"

#include <gtest/gtest.h>

namespace kg::aaa {

TEST(InterfaceConfig, MtuAndUnnumbered) {
  auto c = parse_interface_config({"ip mtu 1300", "ip unnumbered lo1"});
  EXPECT_EQ(c.mtu, 1300u);
  EXPECT_EQ(c.unnumbered, "Loopback1");
  EXPECT_TRUE(c.refused.empty());
}

TEST(InterfaceConfig, SeveralCommandsInOneValueLastWins) {
  auto c = parse_interface_config({"ip mtu 1400\nip mtu 1350; ip unnumbered Loopback0"});
  EXPECT_EQ(c.mtu, 1350u);
  EXPECT_EQ(c.unnumbered, "Loopback0");
}

TEST(InterfaceConfig, RefusedCommandsAreNamed) {
  auto c = parse_interface_config({"ip mtu 20", "ip access-group 101 sideways", "ip ospf cost 5", "  "});
  EXPECT_FALSE(c.mtu);
  ASSERT_EQ(c.refused.size(), 3u);
  EXPECT_EQ(c.refused[0], "ip mtu 20: MTU must be 68-9216");
  EXPECT_EQ(c.refused[1], "ip access-group 101 sideways: expected ip access-group NAME in|out");
  EXPECT_EQ(c.refused[2], "ip ospf cost 5: not supported on a Linux Virtual-Access");
}

// Seed 004's Virtual-Access shows `ip access-group home-office-users`
// without a direction: IOS's default, out.
TEST(InterfaceConfig, AccessGroupBothDirectionsOutByDefault) {
  auto c = parse_interface_config({"ip access-group home-office-users", "ip access-group 101 in"});
  EXPECT_EQ(c.access_group_out, "home-office-users");
  EXPECT_EQ(c.access_group_in, "101");
  EXPECT_TRUE(c.refused.empty());
}

TEST(InterfaceConfig, NotANumber) {
  auto c = parse_interface_config({"ip mtu 13x0", "ip mtu"});
  EXPECT_FALSE(c.mtu);
  EXPECT_EQ(c.refused.size(), 2u);
}

}  // namespace kg::aaa
