#include "aaa/radius/dynamic_author.h"

#include <gtest/gtest.h>

#include "aaa/radius/authenticator.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;

struct FakeHost final : DynamicAuthorServer::Host {
  std::vector<DaSession> live = {{1, "5F000000-00000001", "alice", IpAddress::parse("198.18.3.7")},
                                 {2, "5F000000-00000002", "bob", IpAddress::parse("198.18.1.10")},
                                 {3, "5F000000-00000003", "bob", IpAddress::parse("198.18.1.11")}};
  std::vector<uint64_t> gone;
  std::vector<std::pair<uint64_t, uint32_t>> timeouts;
  std::vector<DaSession> sessions() const override { return live; }
  void disconnect(uint64_t key) override { gone.push_back(key); }
  void set_session_timeout(uint64_t key, uint32_t s) override { timeouts.emplace_back(key, s); }
  std::vector<IpAddress> nas_addresses() const override { return {*IpAddress::parse("198.51.100.1")}; }
  std::string nas_identifier() const override { return "ra-hub"; }
};

const IpAddress kClient = *IpAddress::parse("127.0.0.1");
const Secret kKey("da-key");

struct DynamicAuthor : ::testing::Test {
  FakeHost host;
  DynamicAuthorServer da{host};
  uint8_t next_id = 1;
  void SetUp() override {
    std::map<std::string, Secret> c;
    c["127.0.0.1"] = kKey;
    da.configure(std::move(c));
  }
  Bytes request(Packet p, const Secret& key = kKey) {
    p.identifier = next_id++;
    return seal_request(p, key).value();
  }
  static Packet disconnect() {
    Packet p;
    p.code = uint8_t(Code::kDisconnectRequest);
    return p;
  }
  // The reply, checked with the key against the request it answers.
  Packet reply(ByteView req, const IpAddress& from = kClient) {
    auto r = da.on_datagram(from, req);
    EXPECT_TRUE(r);
    if (!r) return {};
    auto q = Packet::parse(req).value();
    auto p = open_reply(*r, q.authenticator, kKey, true);
    EXPECT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->identifier, q.identifier);
    return *p;
  }
};

TEST_F(DynamicAuthor, DisconnectByAcctSessionIdTearsThatSessionDown) {
  auto p = disconnect();
  p.add_text(AttrType::kAcctSessionId, "5F000000-00000002");
  auto r = reply(request(p));
  EXPECT_EQ(r.code, uint8_t(Code::kDisconnectAck));
  EXPECT_EQ(host.gone, std::vector<uint64_t>{2});
  EXPECT_EQ(da.stats().disconnect_acks, 1u);
}

TEST_F(DynamicAuthor, DisconnectByUserNameTakesEveryMatchingSessionAndByFramedIpOne) {
  auto p = disconnect();
  p.add_text(AttrType::kUserName, "bob");
  EXPECT_EQ(reply(request(p)).code, uint8_t(Code::kDisconnectAck));
  EXPECT_EQ(host.gone, (std::vector<uint64_t>{2, 3}));
  host.gone.clear();
  auto q = disconnect();
  q.add(AttrType::kFramedIpAddress, IpAddress::parse("198.18.3.7")->bytes());
  EXPECT_EQ(reply(request(q)).code, uint8_t(Code::kDisconnectAck));
  EXPECT_EQ(host.gone, std::vector<uint64_t>{1});
}

TEST_F(DynamicAuthor, UnknownSessionIsNakedWithSessionContextNotFound) {
  auto p = disconnect();
  p.add_text(AttrType::kUserName, "alice");
  p.add_text(AttrType::kAcctSessionId, "5F000000-00000002");  // bob's: both must match
  auto r = reply(request(p));
  EXPECT_EQ(r.code, uint8_t(Code::kDisconnectNak));
  EXPECT_EQ(r.u32(AttrType(kErrorCauseAttr)), 503u);
  EXPECT_TRUE(host.gone.empty());
}

TEST_F(DynamicAuthor, MissingIdentificationAndForeignNasAreNaked) {
  auto r = reply(request(disconnect()));
  EXPECT_EQ(r.u32(AttrType(kErrorCauseAttr)), 402u);
  auto p = disconnect();
  p.add_text(AttrType::kUserName, "alice");
  p.add(AttrType::kNasIpAddress, IpAddress::parse("192.0.2.99")->bytes());
  EXPECT_EQ(reply(request(p)).u32(AttrType(kErrorCauseAttr)), 403u);
  auto q = disconnect();
  q.add_text(AttrType::kUserName, "alice");
  q.add_u32(AttrType::kSessionTimeout, 60);  // an authorization change in a Disconnect
  EXPECT_EQ(reply(request(q)).u32(AttrType(kErrorCauseAttr)), 401u);
  EXPECT_TRUE(host.gone.empty());
}

TEST_F(DynamicAuthor, UnknownClientsAndBadAuthenticatorsAreDroppedAndCounted) {
  auto p = disconnect();
  p.add_text(AttrType::kUserName, "alice");
  EXPECT_FALSE(da.on_datagram(*IpAddress::parse("192.0.2.5"), request(p)));
  EXPECT_FALSE(da.on_datagram(kClient, request(p, Secret("wrong-key"))));
  Bytes junk = {40, 1, 0, 30};
  EXPECT_FALSE(da.on_datagram(kClient, junk));
  EXPECT_EQ(da.stats().unknown_client, 1u);
  EXPECT_EQ(da.stats().bad_authenticator, 1u);
  EXPECT_EQ(da.stats().malformed, 1u);
  EXPECT_TRUE(host.gone.empty());
}

TEST_F(DynamicAuthor, RetransmissionGetsTheSameAnswerWithoutActingTwice) {
  auto p = disconnect();
  p.add_text(AttrType::kUserName, "alice");
  p.add(AttrType::kProxyState, as_bytes(std::string("ps1")));
  Bytes req = request(p);
  auto a = da.on_datagram(kClient, req), b = da.on_datagram(kClient, req);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(host.gone.size(), 1u);
  EXPECT_EQ(da.stats().duplicates, 1u);
  auto r = open_reply(*a, Packet::parse(req)->authenticator, kKey, true).value();
  ASSERT_TRUE(r.find(AttrType::kProxyState));
  EXPECT_EQ(r.find(AttrType::kProxyState)->value, (Bytes{'p', 's', '1'}));
}

TEST_F(DynamicAuthor, CoaAppliesSessionTimeoutAndNaksWhatItCannot) {
  Packet p;
  p.code = uint8_t(Code::kCoaRequest);
  p.add_text(AttrType::kAcctSessionId, "5F000000-00000001");
  p.add_u32(AttrType::kSessionTimeout, 120);
  auto r = reply(request(p));
  EXPECT_EQ(r.code, uint8_t(Code::kCoaAck));
  EXPECT_EQ(host.timeouts, (std::vector<std::pair<uint64_t, uint32_t>>{{1, 120}}));
  Packet q;
  q.code = uint8_t(Code::kCoaRequest);
  q.add_text(AttrType::kAcctSessionId, "5F000000-00000001");
  q.add_text(AttrType(11), "some-filter");  // Filter-Id
  auto n = reply(request(q));
  EXPECT_EQ(n.code, uint8_t(Code::kCoaNak));
  EXPECT_EQ(n.u32(AttrType(kErrorCauseAttr)), 401u);
  Packet c;
  c.code = uint8_t(Code::kCoaRequest);
  c.add_text(AttrType::kAcctSessionId, "5F000000-00000001");
  kg::radius::add_vendor(c, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair,
                         as_bytes(std::string("subscriber:command=reauthenticate")));
  EXPECT_EQ(reply(request(c)).u32(AttrType(kErrorCauseAttr)), 406u);
  EXPECT_EQ(da.stats().coa_acks, 1u);
  EXPECT_EQ(da.stats().coa_naks, 2u);
}

}  // namespace
}  // namespace kg::aaa::radius
