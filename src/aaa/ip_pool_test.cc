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

namespace kg::aaa {
namespace {

// Leases across a restart of keygated (issue 21): restored leases are held
// for their users, not handed to anyone else, and freed when nobody comes.
TEST(AddressPools, RestoredLeasesAreHeldForTheirUsers) {
  config::Model m;
  m.pools["RA"].ranges = {{"198.18.1.10", "198.18.1.14"}};
  m.ipv6_pools["RA6"] = {"2001:db8:1::/48", 64};
  AddressPools before;
  before.configure(m);
  auto a = before.allocate("RA", "client1");
  auto b = before.allocate("RA", "client2");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(before.allocate6("RA6", "client2", *b));
  std::vector<Lease> saved;
  for (auto* l : before.leases()) saved.push_back(*Lease::decode(l->encode()));

  AddressPools after;
  after.configure(m);
  std::vector<std::pair<uint64_t, bool>> changes;
  after.on_change = [&](const Lease& l, bool gone) { changes.emplace_back(l.id, gone); };
  EXPECT_EQ(after.restore(saved), 2u);
  EXPECT_EQ(after.held_count(), 2u);
  EXPECT_TRUE(changes.empty());
  // Someone else gets a fresh address, not one still held.
  auto c = after.allocate("RA", "client3");
  ASSERT_TRUE(c);
  EXPECT_EQ(addr(after, *c), "198.18.1.12");
  EXPECT_GT(*c, std::max(*a, *b));  // ids go on after the restored ones
  // The old users get their own back, IPv6 block included.
  auto b2 = after.allocate("RA", "client2");
  ASSERT_TRUE(b2);
  EXPECT_EQ(addr(after, *b2), "198.18.1.11");
  auto b6 = after.allocate6("RA6", "client2", *b2);
  ASSERT_TRUE(b6);
  EXPECT_EQ(*b6, *b2);
  EXPECT_EQ(after.lease(*b2)->prefix6, before.lease(*b)->prefix6);
  EXPECT_EQ(after.held_count(), 1u);
  auto a2 = after.allocate("RA", "client1");
  ASSERT_TRUE(a2);
  EXPECT_EQ(addr(after, *a2), "198.18.1.10");
  EXPECT_EQ(after.held_count(), 0u);
  EXPECT_EQ(after.stats("RA")[0].in_use, 3u);
  // A second session of the same user gets a new address.
  auto a3 = after.allocate("RA", "client1");
  ASSERT_TRUE(a3);
  EXPECT_EQ(addr(after, *a3), "198.18.1.13");
  EXPECT_FALSE(changes.empty());
}

TEST(AddressPools, HeldLeasesNobodyTakesAreFreed) {
  config::Model m;
  m.pools["RA"].ranges = {{"198.18.1.10", "198.18.1.11"}};
  Lease l;
  l.id = 7;
  l.pool = "RA";
  l.addr = IpAddress::parse("198.18.1.10");
  l.user = "gone";
  AddressPools p;
  p.configure(m);
  ASSERT_EQ(p.restore({l, l}), 1u);  // a lease id twice: once
  Lease dup = l;
  dup.id = 8;
  EXPECT_EQ(p.restore({dup}), 0u);  // an address already in use: skipped
  auto x = p.allocate("RA", "other");
  ASSERT_TRUE(x);
  EXPECT_EQ(addr(p, *x), "198.18.1.11");
  EXPECT_FALSE(p.allocate("RA", "third"));  // exhausted: the held one is not given away
  EXPECT_EQ(p.release_held(), 1u);
  auto y = p.allocate("RA", "third");
  ASSERT_TRUE(y);
  EXPECT_EQ(addr(p, *y), "198.18.1.10");
}

TEST(AddressPools, LeaseLinesRoundTripAndRefuseJunk) {
  Lease l;
  l.id = 42;
  l.pool = "RA-POOL";
  l.addr = IpAddress::parse("198.18.1.5");
  l.pool6 = "RA6";
  l.prefix6 = Prefix::parse("2001:db8:1:5::1/64");
  l.block6 = 5;
  l.user = "CN=a\tb\\c\nd, O=Example";
  l.interface = "Virtual-Access3";
  auto back = Lease::decode(l.encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->user, l.user);
  EXPECT_EQ(back->addr, l.addr);
  EXPECT_EQ(back->prefix6, l.prefix6);
  EXPECT_EQ(back->block6, 5u);
  EXPECT_EQ(back->interface, "");  // not kept
  EXPECT_EQ(l.encode().find('\n'), std::string::npos);
  for (const char* bad : {"", "x", "0\tRA\t198.18.1.5\t-\t-\t0\tu", "1\tRA\t-\t-\t-\t0\tu", "1\t-\t198.18.1.5\t-\t-\t0\tu",
                          "1\tRA\t2001:db8::1\t-\t-\t0\tu", "1\tRA\t198.18.1.5\t-\t-\tz\tu", "1\tRA\t198.18.1.5\t-\t-\t0\tu\\",
                          "1\tRA\t198.18.1.5\t-\t-\t0", "1\tR A\t198.18.1.5\t-\t-\t0\tu", "1\tRA\t198.18.1.5\t-\tjunk\t0\tu"})
    EXPECT_FALSE(Lease::decode(bad)) << bad;
}

}  // namespace
}  // namespace kg::aaa
