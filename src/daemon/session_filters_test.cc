#include "daemon/session_filters.h"

#include <gtest/gtest.h>

namespace kg::daemon {
namespace {

class FakeNft final : public io::Nftables {
 public:
  explicit FakeNft(std::vector<std::string>& scripts) : scripts_(scripts) {}
  Result<void> run(const std::string& script) override {
    scripts_.push_back(script);
    if (refuse) return fail(Errc::kIo, "nftables: refused");
    return {};
  }
  Result<std::string> list(const std::string&) override { return std::string(); }
  bool refuse = false;

 private:
  std::vector<std::string>& scripts_;
};

Prefix pfx(const char* s) { return *Prefix::parse(s); }

AccessLists lists() {
  AccessLists m;
  config::AclExtEntry icmp;
  icmp.protocol = "icmp";
  icmp.src = pfx("0.0.0.0/0");
  icmp.dst = pfx("203.0.113.5/32");
  config::AclExtEntry web;
  web.permit = false;
  web.protocol = "tcp";
  web.src = pfx("198.18.1.0/24");
  web.dst = pfx("203.0.113.0/24");
  web.dst_ports = config::AclPorts{"range", 80, 443};
  config::AclExtEntry gt;
  gt.protocol = "udp";
  gt.dst = pfx("0.0.0.0/0");
  gt.src_ports = config::AclPorts{"gt", 1023, 1023};
  m.extended["home-office-users"].entries = {icmp, web, gt};
  m.standard["10"].entries = {{true, "198.18.1.10", "0.0.0.0"}, {false, "198.18.0.0", "0.0.255.255"},
                              {true, "192.0.2.1", "0.255.0.255"}, {true, "0.0.0.0", "255.255.255.255"}};
  return m;
}

TEST(AclNftRules, ExtendedEntriesInOrderThenImplicitDeny) {
  auto r = acl_nft_rules(lists(), "home-office-users");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"ip protocol 1 ip daddr 203.0.113.5 accept",
                                          "ip saddr 198.18.1.0/24 ip daddr 203.0.113.0/24 tcp dport 80-443 drop",
                                          "udp sport > 1023 accept", "drop"}));
}

TEST(AclNftRules, StandardEntriesMatchTheSourceWithAnyWildcard) {
  auto r = acl_nft_rules(lists(), "10");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"ip saddr 198.18.1.10 accept", "ip saddr 198.18.0.0/16 drop",
                                          "ip saddr & 255.0.255.0 == 192.0.2.0 accept", "accept", "drop"}));
}

TEST(AclNftRules, UnknownListIsNone) { EXPECT_FALSE(acl_nft_rules(lists(), "nope")); }

TEST(SessionFilters, ChainPerSessionRemovedAtItsEndTableAtExit) {
  std::vector<std::string> scripts;
  {
    SessionFilters f(std::make_unique<FakeNft>(scripts));
    std::vector<std::string> in = {"ip protocol 1 accept", "drop"};
    ASSERT_TRUE(f.attach(5, "Vt1", {pfx("198.18.1.10/32"), pfx("192.0.2.128/25"), pfx("2001:db8::1/128")}, &in, nullptr));
    ASSERT_EQ(scripts.size(), 1u);
    const std::string& s = scripts[0];
    // First use: ours replaced whole, so nothing a crashed run left survives.
    EXPECT_EQ(s.find("add table inet keygate\ndelete table inet keygate\ntable inet keygate {"), 0u);
    EXPECT_NE(s.find("add chain inet keygate va5_in\nflush chain inet keygate va5_in\n"
                     "add rule inet keygate va5_in ip protocol 1 accept\nadd rule inet keygate va5_in drop\n"
                     "add element inet keygate va_in { \"Vt1\" . 198.18.1.10 : jump va5_in, "
                     "\"Vt1\" . 192.0.2.128/25 : jump va5_in }\n"),
              std::string::npos)
        << s;
    EXPECT_EQ(s.find("2001:db8"), std::string::npos);  // ip access-group filters IPv4
    EXPECT_TRUE(f.filtered(5));

    // A CoA: out added, in dropped; the old elements go before the chain.
    std::vector<std::string> out = {"drop"};
    ASSERT_TRUE(f.attach(5, "Vt1", {pfx("198.18.1.10/32")}, nullptr, &out));
    EXPECT_EQ(scripts[1],
              "delete element inet keygate va_in { \"Vt1\" . 198.18.1.10, \"Vt1\" . 192.0.2.128/25 }\n"
              "delete chain inet keygate va5_in\n"
              "add chain inet keygate va5_out\nflush chain inet keygate va5_out\nadd rule inet keygate va5_out drop\n"
              "add element inet keygate va_out { \"Vt1\" . 198.18.1.10 : jump va5_out }\n");
    f.detach(5);
    EXPECT_EQ(scripts[2],
              "delete element inet keygate va_out { \"Vt1\" . 198.18.1.10 }\ndelete chain inet keygate va5_out\n");
    EXPECT_FALSE(f.filtered(5));
    f.detach(5);  // twice: nothing more
    EXPECT_EQ(scripts.size(), 3u);
  }
  EXPECT_EQ(scripts.back(), "delete table inet keygate\n");
}

TEST(SessionFilters, RefusedTransactionLeavesTheSessionUnfiltered) {
  std::vector<std::string> scripts;
  auto nft = std::make_unique<FakeNft>(scripts);
  FakeNft* raw = nft.get();
  raw->refuse = true;
  {
    SessionFilters f(std::move(nft));
    std::vector<std::string> in = {"drop"};
    auto r = f.attach(7, "Vt1", {pfx("198.18.1.11/32")}, &in, nullptr);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "nftables: refused");
    EXPECT_FALSE(f.filtered(7));
  }
  EXPECT_EQ(scripts.size(), 1u);  // no table was made: none to delete
}

}  // namespace
}  // namespace kg::daemon
