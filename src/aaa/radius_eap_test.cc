// The EAP relay against a RADIUS requester played by the test: what goes
// into each Access-Request and what each kind of answer gives the engine.
#include "aaa/radius_eap.h"

#include <gtest/gtest.h>

#include "wire/eap/eap.h"
#include "wire/radius/eap_message.h"
#include "wire/radius/vendor.h"

namespace kg::aaa {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;
using kg::radius::Packet;

struct FakeRadius final : radius::Requester {
  struct Sent {
    std::string group;
    Packet request;
    radius::Client::Done done;
  };
  std::vector<Sent> sent;
  std::vector<uint64_t> cancelled;
  uint64_t submit(const std::string& group, radius::Port, Packet request, radius::Client::Done done) override {
    sent.push_back({group, std::move(request), std::move(done)});
    return sent.size();
  }
  void cancel(uint64_t h) override { cancelled.push_back(h); }
  std::string nas_identifier() const override { return "ra-hub"; }
};

Packet reply(Code code, Bytes eap, Bytes state = {}) {
  Packet p{uint8_t(code), 0, {}, {}};
  if (!eap.empty()) kg::radius::add_eap_message(p, eap);
  if (!state.empty()) p.add(AttrType::kState, state);
  return p;
}

struct Relay : ::testing::Test {
  std::shared_ptr<FakeRadius> radius = std::make_shared<FakeRadius>();
  std::optional<ike::EapStep> got;
  ike::EapConversation::StepDone keep() {
    return [this](ike::EapStep s) { got = std::move(s); };
  }
};

TEST_F(Relay, QueryIdentityThenChallengeThenAcceptWithMsk) {
  auto accepted = std::make_shared<AcceptedUsers>();
  RadiusEapAuthenticator a(radius, "frad", true, accepted);
  auto conv = a.start("client1.example.net");
  // query-identity: the Request/Identity is ours, at once.
  ASSERT_TRUE(conv->completes_at_once());
  ike::EapStep first = conv->step({});
  ASSERT_EQ(first.kind, ike::EapStep::Kind::kRequest);
  auto req = eap::Packet::parse(first.message).value();
  EXPECT_EQ(req.type, uint8_t(eap::Type::kIdentity));
  EXPECT_FALSE(conv->completes_at_once());
  ASSERT_TRUE(conv->answers_on_loop());

  // The peer's Response/Identity goes to RADIUS as it is.
  Bytes identity = eap::Packet{eap::Code::kResponse, req.identifier, uint8_t(eap::Type::kIdentity), Bytes{'b', 'o', 'b'}}.write();
  conv->begin_step(identity, keep());
  ASSERT_EQ(radius->sent.size(), 1u);
  EXPECT_FALSE(got.has_value());  // nothing before the server answers
  const Packet& r1 = radius->sent[0].request;
  EXPECT_EQ(radius->sent[0].group, "frad");
  EXPECT_EQ(r1.code, uint8_t(Code::kAccessRequest));
  EXPECT_EQ(r1.text(AttrType::kUserName), "bob");
  EXPECT_EQ(r1.text(AttrType::kNasIdentifier), "ra-hub");
  EXPECT_EQ(kg::radius::eap_message(r1).value(), identity);
  EXPECT_EQ(r1.find(AttrType::kState), nullptr);

  // Access-Challenge: its EAP Request goes to the peer; State is kept.
  Bytes md5_req = eap::Packet{eap::Code::kRequest, 2, uint8_t(eap::Type::kMd5Challenge), Bytes{1, 9}}.write();
  radius->sent[0].done(radius::Reply{reply(Code::kAccessChallenge, md5_req, Bytes{7, 7, 7}), {}, "198.18.0.2"});
  ASSERT_TRUE(got && got->kind == ike::EapStep::Kind::kRequest);
  EXPECT_EQ(got->message, md5_req);

  Bytes md5_resp = eap::Packet{eap::Code::kResponse, 2, uint8_t(eap::Type::kMd5Challenge), Bytes{1, 8}}.write();
  got.reset();
  conv->begin_step(md5_resp, keep());
  ASSERT_EQ(radius->sent.size(), 2u);
  EXPECT_EQ(radius->sent[1].request.find(AttrType::kState)->value, (Bytes{7, 7, 7}));  // echoed
  EXPECT_EQ(radius->sent[1].request.text(AttrType::kUserName), "bob");

  // Access-Accept: Success with the MSK the client decoded.
  Bytes success{3, 2, 0, 4};
  Bytes msk(64, 0x42);
  Packet acc = reply(Code::kAccessAccept, success);
  kg::radius::add_vendor(acc, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair, as_bytes("ipsec:addr-pool=POOL2"));
  radius->sent[1].done(radius::Reply{acc, Secret(msk), "198.18.0.2"});
  ASSERT_TRUE(got && got->kind == ike::EapStep::Kind::kSuccess);
  EXPECT_EQ(got->message, success);
  EXPECT_TRUE(got->msk.equals(msk));
  EXPECT_EQ(got->user, "bob");
  // Its attributes wait for authorization, under the IKE identity.
  auto cached = accepted->take("client1.example.net");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->user, "bob");
  EXPECT_EQ(cached->attrs.pool, "POOL2");
  EXPECT_FALSE(accepted->take("client1.example.net").has_value());
}

TEST_F(Relay, WithoutQueryIdentityTheIkeIdentityIsTheEapIdentity) {
  RadiusEapAuthenticator a(radius, "frad", false);
  auto conv = a.start("alice@example.net");
  EXPECT_FALSE(conv->completes_at_once());
  conv->begin_step({}, keep());
  ASSERT_EQ(radius->sent.size(), 1u);
  EXPECT_EQ(radius->sent[0].request.text(AttrType::kUserName), "alice@example.net");
  auto eap = eap::Packet::parse(kg::radius::eap_message(radius->sent[0].request).value().value()).value();
  EXPECT_EQ(eap.code, eap::Code::kResponse);
  EXPECT_EQ(eap.type, uint8_t(eap::Type::kIdentity));
}

TEST_F(Relay, RejectAndSilenceFailWithTheReason) {
  RadiusEapAuthenticator a(radius, "frad", false);
  auto conv = a.start("carol");
  conv->begin_step({}, keep());
  Packet rej = reply(Code::kAccessReject, Bytes{4, 1, 0, 4});
  rej.add_text(AttrType::kReplyMessage, "bad password");
  radius->sent[0].done(radius::Reply{rej, {}, "198.18.0.2"});
  ASSERT_TRUE(got && got->kind == ike::EapStep::Kind::kFailure);
  EXPECT_EQ(got->reason, "Access-Reject from RADIUS server 198.18.0.2 (bad password)");
  EXPECT_EQ(got->message, (Bytes{4, 1, 0, 4}));

  got.reset();
  auto conv2 = a.start("dave");
  conv2->begin_step({}, keep());
  radius->sent[1].done(fail(Errc::kIo, "no RADIUS server answered"));
  ASSERT_TRUE(got && got->kind == ike::EapStep::Kind::kFailure);
  EXPECT_EQ(got->reason, "RADIUS group frad: no RADIUS server answered");

  // An IKE SA that goes away mid-request cancels it.
  auto conv3 = a.start("erin");
  conv3->begin_step({}, keep());
  conv3.reset();
  EXPECT_EQ(radius->cancelled, std::vector<uint64_t>{3});
}

}  // namespace
}  // namespace kg::aaa
