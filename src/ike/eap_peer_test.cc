// The EAP client (eap_peer.h) against requests built here, with the server's
// side of EAP-MSCHAPv2 computed by crypto/mschapv2.h (itself checked against
// RFC 2759 §9.2 in crypto_mschapv2_test).
#include "ike/eap_peer.h"

#include <gtest/gtest.h>

#include "crypto/mschapv2.h"

namespace kg::ike {
namespace {

using eap::Code;
using eap::MsChapV2;
using eap::MsChapV2Op;
using eap::Packet;
using eap::Type;
namespace ms = crypto::mschapv2;

Packet request(uint8_t id, Type t, Bytes data) { return {Code::kRequest, id, uint8_t(t), std::move(data)}; }
Packet answer(EapPeer& p, const Packet& req, Random& rng) {
  auto r = p.respond(req, rng);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  auto m = Packet::parse(r.value_or(Bytes{}));
  EXPECT_TRUE(m);
  EXPECT_EQ(m->code, Code::kResponse);
  EXPECT_EQ(m->identifier, req.identifier);
  return m.value_or(Packet{});
}
Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

class EapPeerTest : public ::testing::Test {
 protected:
  FakeRandom rng{7};
  Secret password{std::string_view("clientPass")};
  Bytes ac = Bytes(16, 0x5b);
};

TEST_F(EapPeerTest, IdentityIsTheUsername) {
  EapPeer p("alice", password);
  EXPECT_EQ(answer(p, request(1, Type::kIdentity, {}), rng).data, text("alice"));
  EXPECT_FALSE(p.check_success());  // no method ran
}

TEST_F(EapPeerTest, AnotherMethodGetsALegacyNakForTheConfiguredOne) {
  EapPeer only_mschap("alice", password, uint8_t(Type::kMsChapV2));
  Packet nak = answer(only_mschap, request(2, Type::kMd5Challenge, {1, 9}), rng);
  EXPECT_EQ(nak.type, uint8_t(Type::kNak));
  EXPECT_EQ(nak.data, Bytes{26});
  EapPeer any("alice", password);
  nak = answer(any, request(2, Type(13), {0x20}), rng);  // EAP-TLS
  EXPECT_EQ(nak.type, uint8_t(Type::kNak));
  EXPECT_EQ(nak.data, (Bytes{26, 4, 6}));
  EXPECT_EQ(answer(any, request(3, Type::kMd5Challenge, {1, 9}), rng).type, uint8_t(Type::kMd5Challenge));
}

TEST_F(EapPeerTest, GtcAnswersWithThePassword) {
  EapPeer p("alice", password, uint8_t(Type::kGtc));
  Packet r = answer(p, request(4, Type::kGtc, text("Password: ")), rng);
  EXPECT_EQ(r.type, uint8_t(Type::kGtc));
  EXPECT_EQ(r.data, text("clientPass"));
  EXPECT_TRUE(p.check_success());
  EXPECT_TRUE(p.msk().empty());
  EXPECT_EQ(p.method_name(), "EAP-GTC");
}

TEST_F(EapPeerTest, Md5AnswersTheChallenge) {
  EapPeer p("alice", password);
  Bytes challenge(16, 3);
  Packet r = answer(p, request(5, Type::kMd5Challenge, eap::Md5Challenge{challenge, text("hub")}.write()), rng);
  auto c = eap::Md5Challenge::parse(r.data);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->value, eap_md5_value(5, password.view(), challenge));
  EXPECT_EQ(c->name, text("alice"));
}

// The server's side: the Response's NT-Response checked, S= built.
struct MsChapServer {
  Bytes ac, pc, nt;
  std::string user;
  void take(const Packet& r) {
    auto m = MsChapV2::parse(r.data);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->op, MsChapV2Op::kResponse);
    ASSERT_EQ(m->value.size(), 49u);
    pc.assign(m->value.begin(), m->value.begin() + 16);
    EXPECT_EQ(Bytes(m->value.begin() + 16, m->value.begin() + 24), Bytes(8, 0));
    nt.assign(m->value.begin() + 24, m->value.begin() + 48);
    user.assign(m->name.begin(), m->name.end());
  }
};

TEST_F(EapPeerTest, MsChapV2ProvesBothSidesAndYieldsTheMsk) {
  EapPeer p("User", password, uint8_t(Type::kMsChapV2));
  MsChapServer s{ac};
  Packet r = answer(p, request(6, Type::kMsChapV2, MsChapV2{MsChapV2Op::kChallenge, 6, false, ac, text("hub"), {}}.write()),
                    rng);
  s.take(r);
  EXPECT_EQ(s.user, "User");
  EXPECT_EQ(s.nt, ms::nt_response(ac, s.pc, "User", password).value());
  EXPECT_FALSE(p.check_success());  // the server has not proven itself yet
  std::string auth = ms::authenticator_response(password, s.nt, s.pc, ac, "User").value();
  Packet ok = answer(p, request(7, Type::kMsChapV2, MsChapV2{MsChapV2Op::kSuccess, 6, false, {}, {}, text(auth + " M=welcome")}.write()),
                     rng);
  EXPECT_EQ(ok.data, Bytes{3});
  EXPECT_TRUE(p.check_success());
  EXPECT_TRUE(p.msk().equals(ms::peer_msk(password, s.nt).value().view()));
  EXPECT_EQ(p.msk().size(), 32u);
}

TEST_F(EapPeerTest, MsChapV2RefusesAServerThatDoesNotKnowThePassword) {
  EapPeer p("User", password);
  MsChapServer s{ac};
  s.take(answer(p, request(6, Type::kMsChapV2, MsChapV2{MsChapV2Op::kChallenge, 6, false, ac, {}, {}}.write()), rng));
  std::string wrong = ms::authenticator_response(Secret(std::string_view("guess")), s.nt, s.pc, ac, "User").value();
  auto r = p.respond(request(7, Type::kMsChapV2, MsChapV2{MsChapV2Op::kSuccess, 6, false, {}, {}, text(wrong)}.write()),
                     rng);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not verify"), std::string::npos);
  EXPECT_FALSE(p.check_success());
  EXPECT_TRUE(p.msk().empty());
}

TEST_F(EapPeerTest, MsChapV2FailureIsAcknowledgedAndExplained) {
  EapPeer p("User", password);
  answer(p, request(6, Type::kMsChapV2, MsChapV2{MsChapV2Op::kChallenge, 6, false, ac, {}, {}}.write()), rng);
  Packet f = answer(
      p, request(7, Type::kMsChapV2, MsChapV2{MsChapV2Op::kFailure, 6, false, {}, {}, text("E=691 R=0 C=00 V=3 M=no")}.write()),
      rng);
  EXPECT_EQ(f.data, Bytes{4});
  EXPECT_EQ(p.failure(), "E=691 authentication failure (user or password)");
  EXPECT_EQ(p.method_name(), "EAP-MSCHAPv2");
}

TEST_F(EapPeerTest, MalformedMsChapV2IsAnError) {
  EapPeer p("User", password);
  EXPECT_FALSE(p.respond(request(6, Type::kMsChapV2, {1, 6, 0, 9}), rng));                            // MS-Length
  EXPECT_FALSE(p.respond(request(6, Type::kMsChapV2, MsChapV2{MsChapV2Op::kChallenge, 6, false, Bytes(8), {}, {}}.write()), rng));
  EXPECT_FALSE(p.respond(request(6, Type::kMsChapV2, MsChapV2{MsChapV2Op::kSuccess, 6, false, {}, {}, text("S=00")}.write()), rng));
}

}  // namespace
}  // namespace kg::ike
