// The RADIUS client against servers played by the test: each reply is
// sealed by the server side of aaa/radius/authenticator.h with the
// server's key, on a fake clock and a fake socket.
#include "aaa/radius/client.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "aaa/radius/authenticator.h"
#include "aaa/radius/hiding.h"
#include "aaa/radius/md5.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;
using namespace std::chrono_literals;

struct Sent {
  Endpoint to;
  Bytes datagram;
};
struct FakeTransport final : Transport {
  std::vector<Sent> sent;
  void send(const Endpoint& to, ByteView d) override { sent.push_back({to, Bytes(d.begin(), d.end())}); }
};

// Response Authenticator of a reply without Message-Authenticator (RFC 2865 §3).
Authenticator md5_of_reply(const Bytes& reply, const Authenticator& request, const Secret& key) {
  Bytes in(reply.begin(), reply.begin() + 4);
  in.insert(in.end(), request.begin(), request.end());
  in.insert(in.end(), reply.begin() + 20, reply.end());
  in.insert(in.end(), key.view().begin(), key.view().end());
  return md5({in});
}

const IpAddress kRad1 = *IpAddress::parse("192.0.2.11");
const IpAddress kRad2 = *IpAddress::parse("192.0.2.12");

class RadiusClientTest : public ::testing::Test {
 protected:
  RadiusClientTest() : client_(net_, clock_, rng_) {
    client_.configure({{"RAD1", kRad1, 1812, 1813, Secret("key-one")}, {"RAD2", kRad2, 1812, 1813, Secret("key-two")}},
                      {.timeout = 1000ms, .retransmit = 2, .deadtime = 0ms});
  }
  // Submits an Access-Request for `user`; its outcome lands in `out`.
  uint64_t ask(const std::string& user, std::optional<Result<Reply>>& out,
               std::vector<std::string> group = {"RAD1", "RAD2"}) {
    Packet p{uint8_t(Code::kAccessRequest), 0, {}, {}};
    p.add_text(AttrType::kUserName, user);
    return client_.submit(group, Port::kAuth, std::move(p), [&out](Result<Reply> r) { out = std::move(r); });
  }
  // The server's answer to a request datagram, sealed with `key`.
  static Bytes answer(const Bytes& request, Code code, const Secret& key) {
    auto req = Packet::parse(request).value();
    Packet reply{uint8_t(code), req.identifier, {}, {}};
    reply.add_text(AttrType::kReplyMessage, "ok");
    return seal_reply(reply, req.authenticator, key).value();
  }
  // Runs the timer until `n` datagrams have been sent (or 100 s passed).
  void run_until_sent(size_t n) {
    for (int i = 0; i < 100000 && net_.sent.size() < n; ++i) {
      clock_.advance(1ms);
      if (auto d = client_.next_deadline(); d && *d <= clock_.now()) client_.on_timer();
    }
  }
  const ServerStats& stats(const std::string& name) {
    for (const auto& v : client_.servers())
      if (v.config->name == name) return *v.stats;
    throw std::runtime_error("no server " + name);
  }
  bool dead(const std::string& name) {
    for (const auto& v : client_.servers())
      if (v.config->name == name) return v.dead;
    return false;
  }

  FakeTransport net_;
  FakeClock clock_;
  FakeRandom rng_{7};
  Client client_;
};

TEST_F(RadiusClientTest, AnAcceptReachesTheCallerAndIsTimed) {
  std::optional<Result<Reply>> out;
  ask("alice", out);
  ASSERT_EQ(net_.sent.size(), 1u);
  EXPECT_EQ(net_.sent[0].to, (Endpoint{kRad1, 1812}));
  auto req = Packet::parse(net_.sent[0].datagram).value();
  EXPECT_NE(req.find(AttrType::kMessageAuthenticator), nullptr);  // on every request
  clock_.advance(30ms);
  client_.on_datagram({kRad1, 1812}, answer(net_.sent[0].datagram, Code::kAccessAccept, Secret("key-one")));
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->packet.code, uint8_t(Code::kAccessAccept));
  EXPECT_EQ(stats("RAD1").accepts, 1u);
  EXPECT_EQ(stats("RAD1").rtt_last, 30ms);
  EXPECT_EQ(client_.outstanding(), 0u);
}

TEST_F(RadiusClientTest, TheMskOfAnAcceptIsDecodedWithTheServersKey) {
  std::optional<Result<Reply>> out;
  ask("bob", out);
  auto req = Packet::parse(net_.sent[0].datagram).value();
  Secret key("key-one");
  Packet accept{uint8_t(Code::kAccessAccept), req.identifier, {}, {}};
  Bytes recv(32, 0xaa), send(32, 0xbb);
  kg::radius::add_vendor(accept, kg::radius::kVendorMicrosoft, kg::radius::kMsMppeRecvKey,
                         encode_mppe_key(recv, 0x8001, key, req.authenticator).value());
  kg::radius::add_vendor(accept, kg::radius::kVendorMicrosoft, kg::radius::kMsMppeSendKey,
                         encode_mppe_key(send, 0x8002, key, req.authenticator).value());
  client_.on_datagram({kRad1, 1812}, seal_reply(accept, req.authenticator, key).value());
  ASSERT_TRUE(out && *out);
  Bytes msk = recv;
  msk.insert(msk.end(), send.begin(), send.end());
  EXPECT_TRUE((*out)->msk.equals(msk));
  EXPECT_EQ((*out)->server, "RAD1");
}

TEST_F(RadiusClientTest, ForgedRepliesAreDroppedAndCounted) {
  std::optional<Result<Reply>> out;
  ask("alice", out);
  const Bytes& req = net_.sent[0].datagram;
  client_.on_datagram({kRad1, 1812}, answer(req, Code::kAccessAccept, Secret("wrong-key")));
  Bytes truncated = answer(req, Code::kAccessAccept, Secret("key-one"));
  truncated.resize(25);
  client_.on_datagram({kRad1, 1812}, truncated);
  client_.on_datagram({kRad1, 1812}, Bytes{2, 1});
  Bytes other_id = answer(req, Code::kAccessAccept, Secret("key-one"));
  other_id[1] ^= 0x40;
  client_.on_datagram({kRad1, 1812}, other_id);
  client_.on_datagram({kRad2, 1812}, answer(req, Code::kAccessAccept, Secret("key-one")));  // wrong server
  client_.on_datagram({*IpAddress::parse("198.51.100.9"), 1812}, req);
  EXPECT_FALSE(out.has_value());
  EXPECT_EQ(stats("RAD1").bad_authenticator, 1u);
  EXPECT_EQ(stats("RAD1").malformed, 2u);
  EXPECT_EQ(stats("RAD1").unmatched, 1u);
  EXPECT_EQ(stats("RAD2").unmatched, 1u);
  EXPECT_EQ(client_.dropped_unknown_source(), 1u);
  client_.on_datagram({kRad1, 1812}, answer(req, Code::kAccessReject, Secret("key-one")));
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->packet.code, uint8_t(Code::kAccessReject));
}

TEST_F(RadiusClientTest, RetransmitsWithBackOffThenFailsOverAndProbesTheDeadServer) {
  std::optional<Result<Reply>> out;
  TimePoint t0 = clock_.now();
  ask("alice", out);
  run_until_sent(3);  // two retransmissions of the same datagram
  EXPECT_EQ(net_.sent[1].datagram, net_.sent[0].datagram);
  EXPECT_EQ(net_.sent[2].datagram, net_.sent[0].datagram);
  // Budget 3 s = 3/7 + 6/7 + 12/7 s: waits double.
  EXPECT_EQ(clock_.now() - t0, Millis(1285));  // 3000 * 3/7
  run_until_sent(4);
  EXPECT_EQ(clock_.now() - t0, Millis(3000));  // fail-over exactly at the budget
  EXPECT_EQ(net_.sent[3].to, (Endpoint{kRad2, 1812}));
  EXPECT_TRUE(dead("RAD1"));
  EXPECT_EQ(stats("RAD1").timeouts, 1u);
  EXPECT_EQ(stats("RAD1").retransmissions, 2u);
  Bytes to_rad2 = net_.sent[3].datagram;
  // The dead server is probed with Status-Server (RFC 5997).
  run_until_sent(5);
  auto probe = Packet::parse(net_.sent[4].datagram).value();
  EXPECT_EQ(probe.code, uint8_t(Code::kStatusServer));
  EXPECT_EQ(net_.sent[4].to, (Endpoint{kRad1, 1812}));
  EXPECT_NE(probe.find(AttrType::kMessageAuthenticator), nullptr);
  client_.on_datagram({kRad2, 1812}, answer(to_rad2, Code::kAccessAccept, Secret("key-two")));
  ASSERT_TRUE(out && *out);
  // A probe answer under the wrong key does not bring RAD1 back.
  client_.on_datagram({kRad1, 1812}, answer(net_.sent[4].datagram, Code::kAccessAccept, Secret("key-two")));
  EXPECT_TRUE(dead("RAD1"));
  EXPECT_EQ(stats("RAD1").bad_authenticator, 1u);

  // While RAD1 is dead, new requests go straight to RAD2.
  std::optional<Result<Reply>> out2;
  ask("bob", out2);
  EXPECT_EQ(net_.sent.back().to, (Endpoint{kRad2, 1812}));
  // RAD1 answers its probe as FreeRADIUS 3.2 does, a bare Access-Accept
  // without Message-Authenticator: alive again, and first in the group.
  auto probe_req = Packet::parse(net_.sent[4].datagram).value();
  Packet bare{uint8_t(Code::kAccessAccept), probe_req.identifier, {}, {}};
  Bytes bare_dgram = bare.write().value();
  auto ra = md5_of_reply(bare_dgram, probe_req.authenticator, Secret("key-one"));
  std::copy(ra.begin(), ra.end(), bare_dgram.begin() + 4);
  client_.on_datagram({kRad1, 1812}, bare_dgram);
  EXPECT_FALSE(dead("RAD1"));
  EXPECT_EQ(stats("RAD1").probe_answers, 1u);
  std::optional<Result<Reply>> out3;
  ask("carol", out3);
  EXPECT_EQ(net_.sent.back().to, (Endpoint{kRad1, 1812}));
}

TEST_F(RadiusClientTest, NoServerAnsweringIsAnErrorForTheCaller) {
  std::optional<Result<Reply>> out;
  ask("alice", out);
  for (int i = 0; i < 20000 && !out; ++i) {
    clock_.advance(1ms);
    client_.on_timer();
  }
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(*out);
  EXPECT_EQ(out->error().code, Errc::kIo);
  EXPECT_TRUE(dead("RAD1") && dead("RAD2"));
  // Every server dead: the next request is still tried, in order.
  std::optional<Result<Reply>> again;
  size_t before = net_.sent.size();
  ask("bob", again);
  ASSERT_GT(net_.sent.size(), before);
  EXPECT_EQ(client_.outstanding(), 1u);
}

// What an IKE exchange waiting for RADIUS must outlast (daemon.cc): the
// request fails exactly when every server's budget is used up, not before.
TEST_F(RadiusClientTest, LongestRequestIsEveryServersBudgetInTurn) {
  ClientSettings st{.timeout = 1000ms, .retransmit = 2, .deadtime = 0ms};
  EXPECT_EQ(server_budget(st), 3000ms);
  EXPECT_EQ(longest_request(st, 2), 6000ms);
  EXPECT_EQ(server_budget({.timeout = 5000ms, .retransmit = 99}), 105'000ms);  // 20 retransmissions at most
  std::optional<Result<Reply>> out;
  ask("alice", out);
  TimePoint t0 = clock_.now();
  for (int i = 0; i < 20000 && !out; ++i) {
    clock_.advance(1ms);
    client_.on_timer();
  }
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(clock_.now() - t0, longest_request(st, 2));
}

TEST_F(RadiusClientTest, DeadtimeEndsDeadness) {
  client_.configure({{"RAD1", kRad1, 1812, 1813, Secret("key-one")}},
                    {.timeout = 1000ms, .retransmit = 0, .deadtime = 60000ms});
  std::optional<Result<Reply>> out;
  ask("alice", out, {"RAD1"});
  clock_.advance(1000ms);
  client_.on_timer();
  EXPECT_TRUE(dead("RAD1"));
  clock_.advance(60000ms);
  client_.on_timer();
  EXPECT_FALSE(dead("RAD1"));
}

TEST_F(RadiusClientTest, TwoHundredFiftySixInFlightThenTheNextWaitsForAnIdentifier) {
  std::vector<std::optional<Result<Reply>>> outs(257);
  for (size_t i = 0; i < 257; ++i) ask("user" + std::to_string(i), outs[i], {"RAD1"});
  ASSERT_EQ(net_.sent.size(), 256u);
  std::set<uint8_t> ids;
  for (const auto& s : net_.sent) ids.insert(s.datagram[1]);
  EXPECT_EQ(ids.size(), 256u);
  client_.on_datagram({kRad1, 1812}, answer(net_.sent[10].datagram, Code::kAccessAccept, Secret("key-one")));
  EXPECT_TRUE(outs[10].has_value());
  ASSERT_EQ(net_.sent.size(), 257u);  // the waiting one takes the freed Identifier
  EXPECT_EQ(net_.sent[256].datagram[1], net_.sent[10].datagram[1]);
  client_.on_datagram({kRad1, 1812}, answer(net_.sent[256].datagram, Code::kAccessAccept, Secret("key-one")));
  EXPECT_TRUE(outs[256].has_value());
}

TEST_F(RadiusClientTest, CancelledRequestsAreForgottenAndAccountingUsesItsPort) {
  std::optional<Result<Reply>> out;
  uint64_t h = ask("alice", out);
  Bytes req = net_.sent[0].datagram;
  client_.cancel(h);
  client_.on_datagram({kRad1, 1812}, answer(req, Code::kAccessAccept, Secret("key-one")));
  EXPECT_FALSE(out.has_value());
  EXPECT_EQ(stats("RAD1").unmatched, 1u);

  Packet acct{uint8_t(Code::kAccountingRequest), 0, {}, {}};
  acct.add_u32(AttrType::kAcctStatusType, 1);
  std::optional<Result<Reply>> acked;
  client_.submit({"RAD1"}, Port::kAcct, acct, [&](Result<Reply> r) { acked = std::move(r); });
  EXPECT_EQ(net_.sent.back().to, (Endpoint{kRad1, 1813}));
  EXPECT_TRUE(open_computed_request(net_.sent.back().datagram, Secret("key-one")));
  client_.on_datagram({kRad1, 1813}, answer(net_.sent.back().datagram, Code::kAccountingResponse, Secret("key-one")));
  ASSERT_TRUE(acked && *acked);
  EXPECT_EQ(stats("RAD1").accounting_responses, 1u);
}

}  // namespace
}  // namespace kg::aaa::radius
