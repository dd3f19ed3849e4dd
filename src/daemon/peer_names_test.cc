#include "daemon/peer_names.h"

#include <gtest/gtest.h>

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
  });
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

}  // namespace
}  // namespace kg::daemon
