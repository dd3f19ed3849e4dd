#include "aaa/ip_pool.h"

#include <gtest/gtest.h>

namespace kg::aaa {
namespace {

config::Model pools() {
  config::Model m;
  m.pools["RA"].ranges = {{"198.18.1.10", "198.18.1.12"}, {"198.18.2.1", "198.18.2.1"}};
  m.pools["OTHER"].ranges = {{"198.18.3.1", "198.18.3.2"}};
  m.ipv6_pools["RA6"] = {"2001:db8:1::/48", 64};
  return m;
}

std::string addr(const AddressPools& p, uint64_t id) { return p.lease(id)->addr->str(); }

TEST(AddressPools, LowestFreeAcrossRangesThenExhausted) {
  AddressPools p;
  p.configure(pools());
  std::vector<uint64_t> ids;
  for (const char* want : {"198.18.1.10", "198.18.1.11", "198.18.1.12", "198.18.2.1"}) {
    auto id = p.allocate("RA", "client");
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(addr(p, *id), want);
    ids.push_back(*id);
  }
  auto none = p.allocate("RA", "client");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::kLimit);
  EXPECT_EQ(p.allocate("NOPE", "x").error().code, Errc::kNotFound);
  // A released address is the next one handed out.
  p.release(ids[1]);
  auto again = p.allocate("RA", "other");
  ASSERT_TRUE(again);
  EXPECT_EQ(addr(p, *again), "198.18.1.11");
  EXPECT_NE(*again, ids[1]);  // a new lease
}

TEST(AddressPools, StatsAndLeases) {
  AddressPools p;
  p.configure(pools());
  auto a = p.allocate("RA", "spoke1.example.net");
  p.set_interface(*a, "Virtual-Access1");
  auto st = p.stats("RA");
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].begin.str(), "198.18.1.10");
  EXPECT_EQ(st[0].end.str(), "198.18.1.12");
  EXPECT_EQ(st[0].free, 2u);
  EXPECT_EQ(st[0].in_use, 1u);
  EXPECT_EQ(st[1].free, 1u);
  EXPECT_EQ(p.stats().size(), 3u);
  auto l = p.leases("RA");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0]->interface, "Virtual-Access1");
  EXPECT_EQ(l[0]->user, "spoke1.example.net");
  EXPECT_EQ(p.free_addresses("RA", 10).size(), 3u);
  p.release(*a);
  p.release(*a);  // twice: harmless
  EXPECT_EQ(p.stats("RA")[0].in_use, 0u);
  EXPECT_TRUE(p.leases().empty());
}

TEST(AddressPools, ReconfigurationKeepsLeases) {
  AddressPools p;
  p.configure(pools());
  auto a = p.allocate("RA", "c1");
  auto m = pools();
  m.pools["RA"].ranges = {{"198.18.1.10", "198.18.1.20"}};
  p.configure(m);
  auto b = p.allocate("RA", "c2");
  EXPECT_EQ(addr(p, *b), "198.18.1.11");  // .10 is still in use
  m.pools.erase("RA");
  p.configure(m);
  EXPECT_TRUE(p.lease(*a));
  p.release(*a);
  EXPECT_FALSE(p.lease(*a));
}

TEST(AddressPools, Ipv6BlocksShareTheLease) {
  AddressPools p;
  p.configure(pools());
  auto a = p.allocate("RA", "c1");
  auto same = p.allocate6("RA6", "c1", *a);
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, *a);
  EXPECT_EQ(p.lease(*a)->prefix6->str(), "2001:db8:1:1::1/64");
  auto b = p.allocate6("RA6", "c2");
  EXPECT_EQ(p.lease(*b)->prefix6->str(), "2001:db8:1:2::1/64");
  p.release(*a);
  auto c = p.allocate6("RA6", "c3");
  EXPECT_EQ(p.lease(*c)->prefix6->str(), "2001:db8:1:1::1/64");
}

}  // namespace
}  // namespace kg::aaa
