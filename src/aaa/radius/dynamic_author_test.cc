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
  std::vector<std::pair<uint64_t, uint32_t>> interims;
  void set_interim_interval(uint64_t key, uint32_t s) override { interims.emplace_back(key, s); }
  std::vector<std::pair<uint64_t, std::vector<std::string>>> filters;
  bool filter_fails = false;
  Result<void> change_interface_config(uint64_t key, const std::vector<std::string>& c) override {
    if (filter_fails) return fail(Errc::kIo, "nftables: refused");
    filters.emplace_back(key, c);
    return {};
  }
  std::vector<uint64_t> reauthorized;
  Result<void> reauthorize(uint64_t key) override {
    reauthorized.push_back(key);
    return {};
  }
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
                         as_bytes(std::string("ipsec:addr-pool=OTHER")));
  auto a = reply(request(c));
  EXPECT_EQ(a.code, uint8_t(Code::kCoaNak));
  EXPECT_EQ(a.u32(AttrType(kErrorCauseAttr)), 406u);
  EXPECT_EQ(da.last_outcome(), "CoA-Request id 3 from 127.0.0.1: CoA-NAK (Error-Cause 406, ipsec:addr-pool cannot "
                               "change on a live session)");
  EXPECT_EQ(da.stats().coa_acks, 1u);
  EXPECT_EQ(da.stats().coa_naks, 2u);
}

Packet coa_for(const char* user, std::initializer_list<const char*> avpairs) {
  Packet p;
  p.code = uint8_t(Code::kCoaRequest);
  p.add_text(AttrType::kUserName, user);
  for (const char* av : avpairs)
    kg::radius::add_vendor(p, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair, as_bytes(std::string(av)));
  return p;
}

TEST_F(DynamicAuthor, CoaChangesAccessGroupInterimAndReauthenticates) {
  auto p = coa_for("bob", {"ip:interface-config=ip access-group WEB in", "subscriber:command=reauthenticate"});
  p.add_u32(AttrType(kAcctInterimIntervalAttr), 30);
  EXPECT_EQ(reply(request(p)).code, uint8_t(Code::kCoaAck));
  using F = std::pair<uint64_t, std::vector<std::string>>;
  EXPECT_EQ(host.filters, (std::vector<F>{{2, {"ip access-group WEB in"}}, {3, {"ip access-group WEB in"}}}));
  EXPECT_EQ(host.interims, (std::vector<std::pair<uint64_t, uint32_t>>{{2, 30}, {3, 30}}));
  EXPECT_EQ(host.reauthorized, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(da.last_outcome(), "CoA-Request id 1 from 127.0.0.1: CoA-ACK (reauthenticate, interface-config, "
                               "Acct-Interim-Interval 30s on 2 session(s))");
}

// What cannot change live is refused whole: nothing of the request is applied.
TEST_F(DynamicAuthor, CoaWithSomethingThatCannotChangeLiveChangesNothing) {
  for (const char* av : {"ip:interface-config=ip mtu 1300", "ip:interface-config=ip access-group", "ipsec:dns-servers=198.18.0.9",
                         "subscriber:command=bounce-host-port"}) {
    auto p = coa_for("alice", {"ip:interface-config=ip access-group WEB out", av});
    p.add_u32(AttrType::kSessionTimeout, 60);
    auto r = reply(request(p));
    EXPECT_EQ(r.code, uint8_t(Code::kCoaNak)) << av;
    EXPECT_EQ(r.u32(AttrType(kErrorCauseAttr)), 406u) << av;
  }
  EXPECT_TRUE(host.filters.empty());
  EXPECT_TRUE(host.timeouts.empty());
  host.filter_fails = true;
  auto p = coa_for("alice", {"ip:interface-config=ip access-group WEB out"});
  p.add_u32(AttrType::kSessionTimeout, 60);
  auto r = reply(request(p));
  EXPECT_EQ(r.u32(AttrType(kErrorCauseAttr)), 506u);
  EXPECT_TRUE(host.timeouts.empty());
}

}  // namespace
}  // namespace kg::aaa::radius
