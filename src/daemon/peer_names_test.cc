#include "daemon/peer_names.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace kg::daemon {
namespace {

// An answer serves kLife; the next need after it asks again and keeps the
// old address meanwhile (not pending: only a first lookup holds phase 1).
TEST(PeerNames, AnswersServeTheirLifeThenAreAskedAgain) {
  FakeClock clock;
  int asked = 0;
  PeerNames::Done last;
  PeerNames names(clock, [&](const std::string&, PeerNames::Done done) {
    ++asked;
    last = std::move(done);
  }, "crypto isakmp peer fqdn");
  EXPECT_TRUE(names.resolve("hub.example.net").pending);
  EXPECT_TRUE(names.resolve("hub.example.net").pending);
  EXPECT_EQ(asked, 1);  // one lookup at a time
  last(IpAddress::parse("198.51.100.2"));
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.2"));
  clock.advance(PeerNames::kLife);
  auto a = names.resolve("hub.example.net");
  EXPECT_EQ(asked, 2);
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.address, IpAddress::parse("198.51.100.2"));
  last(IpAddress::parse("198.51.100.3"));  // the name moved
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.3"));
}

// ip host NAME A...: IOS's static host table answers before DNS, at once
// (nothing pending, no lookup), with the entry's first address.
TEST(PeerNames, IpHostAnswersAtOnceWithoutLookup) {
  FakeClock clock;
  int asked = 0;
  PeerNames names(clock, [&](const std::string&, PeerNames::Done) { ++asked; }, "crypto isakmp peer fqdn");
  names.set_hosts({{"hub.example.net", {"198.51.100.2", "198.51.100.3"}}});
  auto a = names.resolve("hub.example.net");
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.address, IpAddress::parse("198.51.100.2"));
  clock.advance(PeerNames::kLife);  // no life to run out
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.2"));
  EXPECT_EQ(asked, 0);
}

// An edit of the table serves the next need: a changed entry answers its
// new address; a name taken out of the table is looked up afresh (pending
// again), not answered with the table's old address.
TEST(PeerNames, IpHostEditChangesTheAnswer) {
  FakeClock clock;
  std::vector<std::string> asked;
  PeerNames::Done last;
  PeerNames names(clock, [&](const std::string& n, PeerNames::Done done) {
    asked.push_back(n);
    last = std::move(done);
  }, "crypto isakmp peer fqdn");
  names.set_hosts({{"hub.example.net", {"198.51.100.2"}}});
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.2"));
  names.set_hosts({{"hub.example.net", {"198.51.100.4"}}});
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.4"));
  EXPECT_TRUE(asked.empty());
  names.set_hosts({});
  auto a = names.resolve("hub.example.net");
  EXPECT_TRUE(a.pending);
  EXPECT_FALSE(a.address);
  EXPECT_EQ(asked, std::vector<std::string>{"hub.example.net"});
  last(IpAddress::parse("198.51.100.7"));
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.7"));
  // Back in the table: the table wins over the answer still in its life.
  names.set_hosts({{"hub.example.net", {"198.51.100.2"}}});
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.2"));
  EXPECT_EQ(asked.size(), 1u);
}

// Names not in the table are looked up as before; a lookup under way when
// its name enters the table does not override the table when it answers.
TEST(PeerNames, NamesNotInIpHostAreLookedUp) {
  FakeClock clock;
  std::map<std::string, PeerNames::Done> asked;
  PeerNames names(clock, [&](const std::string& n, PeerNames::Done done) { asked[n] = std::move(done); },
                  "crypto isakmp peer fqdn");
  names.set_hosts({{"other.example.net", {"198.51.100.9"}}});
  EXPECT_TRUE(names.resolve("hub.example.net").pending);
  ASSERT_EQ(asked.count("hub.example.net"), 1u);
  names.set_hosts({{"hub.example.net", {"198.51.100.2"}}});
  EXPECT_EQ(names.resolve("hub.example.net").address, IpAddress::parse("198.51.100.2"));
  asked.at("hub.example.net")(IpAddress::parse("198.51.100.5"));
  auto a = names.resolve("hub.example.net");
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.address, IpAddress::parse("198.51.100.2"));
}

}  // namespace
}  // namespace kg::daemon
