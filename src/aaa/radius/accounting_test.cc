#include "aaa/radius/accounting.h"

#include <gtest/gtest.h>

#include <set>

#include "aaa/radius/authenticator.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;

AcctRecord stop_record() {
  AcctRecord r;
  r.status = AcctStatus::kStop;
  r.session_id = "5F3A2B1C-00000001";
  r.user_name = "alice";
  r.nas_ip = IpAddress::parse("198.51.100.1");
  r.framed_ip = IpAddress::parse("192.0.2.10");
  r.classes = {Bytes{'g', 'r', 'p', '=', 'e', 'n', 'g'}};
  r.phase1_id = "alice@example.com";
  r.initiator = IpAddress::parse("203.0.113.5");
  r.session_time = 3600;
  r.counters = {.input_octets = 0x100000010ull, .output_octets = 123456, .input_packets = 70000,
                .output_packets = 4242};
  r.cause = TerminateCause::kUserRequest;
  return r;
}

// The expected datagram was built octet by octet outside keygate (Python's
// struct, hmac and hashlib): RFC 2866 §3 Request Authenticator =
// MD5(Code|Id|Length|16 zero octets|Attributes|secret), after the RFC 3579
// Message-Authenticator computed with the zero Authenticator field.
TEST(RadiusAccounting, StopRecordMatchesAnIndependentEncoding) {
  Packet p = accounting_request(stop_record());
  p.identifier = 7;
  auto d = seal_request(p, Secret("testing123"));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(to_hex(*d),
            "040700e20ff8b1162614a2c5d0657ea28a4f86332806000000022c1335463341324231432d3030303030303031010761"
            "6c6963650406c63364013d06000000050606000000020806c000020a19096772703d656e671a2a000000090124697361"
            "6b6d702d7068617365312d69643d616c696365406578616d706c652e636f6d1a270000000901216973616b6d702d696e"
            "69746961746f722d69703d3230332e302e3131332e352e0600000e102a06000000103406000000012b060001e2402f06"
            "000111703006000010923106000000015012523ed28933c032959c84c806ae41272c");
  // The server's side accepts it; another secret does not.
  auto opened = open_computed_request(*d, Secret("testing123"));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->u32(AttrType::kAcctInputGigawords), 1u);
  EXPECT_FALSE(open_computed_request(*d, Secret("testing124")));
}

// Seed 004's records: connect-progress on each, disc-cause-ext on the Stop.
TEST(RadiusAccounting, ProgressAndDisconnectCauseAsIosWordsThem) {
  AcctRecord r = stop_record();
  r.progress = true;
  r.cause = TerminateCause::kAdminReset;
  auto pairs = kg::radius::cisco_av_pairs(accounting_request(r));
  ASSERT_TRUE(pairs);
  std::vector<std::string> got;
  for (auto& p : *pairs) got.push_back(p.str());
  EXPECT_EQ(got, (std::vector<std::string>{"isakmp-phase1-id=alice@example.com", "isakmp-initiator-ip=203.0.113.5",
                                           "connect-progress=No Progress", "disc-cause-ext=Admin Reset"}));
  EXPECT_EQ(accounting_request(r).u32(AttrType::kAcctTerminateCause), 6u);
  r.status = AcctStatus::kInterimUpdate;
  EXPECT_EQ(kg::radius::cisco_av_pairs(accounting_request(r))->size(), 3u);
  EXPECT_EQ(accounting_request(r).find(AttrType::kAcctTerminateCause), nullptr);
  EXPECT_STREQ(terminate_cause_name(TerminateCause::kIdleTimeout), "Idle-Timeout");
}

TEST(RadiusAccounting, StartCarriesNoCountersAndOnOffNoSession) {
  AcctRecord r = stop_record();
  r.status = AcctStatus::kStart;
  Packet start = accounting_request(r);
  EXPECT_EQ(start.code, uint8_t(Code::kAccountingRequest));
  EXPECT_EQ(start.u32(AttrType::kAcctStatusType), 1u);
  EXPECT_EQ(start.text(AttrType::kAcctSessionId), "5F3A2B1C-00000001");
  EXPECT_EQ(start.text(AttrType::kUserName), "alice");
  EXPECT_NE(start.find(AttrType::kFramedIpAddress), nullptr);
  EXPECT_NE(start.find(AttrType::kClass), nullptr);
  EXPECT_EQ(start.find(AttrType::kAcctSessionTime), nullptr);
  EXPECT_EQ(start.find(AttrType::kAcctInputOctets), nullptr);
  EXPECT_EQ(start.find(AttrType::kAcctTerminateCause), nullptr);
  auto pairs = kg::radius::cisco_av_pairs(start);
  ASSERT_TRUE(pairs);
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[0].str(), "isakmp-phase1-id=alice@example.com");
  EXPECT_EQ((*pairs)[1].str(), "isakmp-initiator-ip=203.0.113.5");

  r.status = AcctStatus::kAccountingOn;
  Packet on = accounting_request(r);
  EXPECT_EQ(on.u32(AttrType::kAcctStatusType), 7u);
  EXPECT_EQ(on.find(AttrType::kAcctSessionId), nullptr);
  EXPECT_EQ(on.find(AttrType::kUserName), nullptr);
  EXPECT_NE(on.find(AttrType::kNasIpAddress), nullptr);
}

TEST(RadiusAccounting, InterimHasNoTerminateCauseAndSmallCountersNoGigawords) {
  AcctRecord r = stop_record();
  r.status = AcctStatus::kInterimUpdate;
  r.counters.input_octets = 5;
  r.delay_time = 12;
  Packet p = accounting_request(r);
  EXPECT_EQ(p.u32(AttrType::kAcctInputOctets), 5u);
  EXPECT_EQ(p.find(AttrType::kAcctInputGigawords), nullptr);
  EXPECT_EQ(p.find(AttrType::kAcctTerminateCause), nullptr);
  EXPECT_EQ(p.u32(AttrType::kAcctDelayTime), 12u);
}

TEST(RadiusAccounting, SessionIdsAreUniqueAndCarryThePrefix) {
  AcctSessionIds ids(0x5F3A2B1C);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(ids.next()).second);
  EXPECT_EQ(*seen.begin(), "5F3A2B1C-00000001");
  AcctSessionIds other(0x5F3A2B1D);
  EXPECT_FALSE(seen.contains(other.next()));
}

}  // namespace
}  // namespace kg::aaa::radius
