// XAUTH's PAP check against a RADIUS requester played by the test: what the
// Access-Request carries and what each answer gives the engine.
#include "aaa/radius_pap.h"

#include <gtest/gtest.h>

#include "wire/radius/attributes.h"

namespace kg::aaa {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;
using kg::radius::Packet;

struct FakeRadius final : radius::Requester {
  std::vector<std::pair<Packet, radius::Client::Done>> sent;
  uint64_t submit(const std::string&, radius::Port, Packet request, radius::Client::Done done) override {
    sent.emplace_back(std::move(request), std::move(done));
    return sent.size();
  }
  void cancel(uint64_t) override {}
  std::string nas_identifier() const override { return "ezvpn-hub"; }
};

struct Local final : ike::PasswordChecker {
  ike::PasswordVerdict check(const std::string& user, const Secret& pw) override {
    return user == "alice" && pw.equals(as_bytes("local-pw")) ? ike::PasswordVerdict{{}, "local"}
                                                              : ike::PasswordVerdict{"wrong user name or password", "local"};
  }
};

struct Pap : ::testing::Test {
  std::shared_ptr<FakeRadius> radius = std::make_shared<FakeRadius>();
  std::optional<ike::PasswordVerdict> got;
  IpAddress client = *IpAddress::parse("198.51.100.20");
  void check(ike::PasswordChecker& c, const char* user, const char* pw) {
    c.begin_check(user, Secret(std::string_view(pw)), [this](ike::PasswordVerdict v) { got = std::move(v); });
  }
};

TEST_F(Pap, AccessRequestCarriesUserPasswordAndNasAttributes) {
  auto c = std::make_shared<RadiusPasswordChecker>(radius, "RADGROUP", client);
  ASSERT_TRUE(c->answers_on_loop());
  check(*c, "alice", "s3cret");
  ASSERT_EQ(radius->sent.size(), 1u);
  EXPECT_FALSE(got);  // nothing until the server answers
  const Packet& r = radius->sent[0].first;
  EXPECT_EQ(r.code, uint8_t(Code::kAccessRequest));
  EXPECT_EQ(r.text(AttrType::kUserName), "alice");
  EXPECT_EQ(r.text(AttrType::kUserPassword), "s3cret");  // in clear: the client hides it per server
  EXPECT_EQ(r.u32(AttrType::kServiceType), kg::radius::kServiceTypeLogin);
  EXPECT_EQ(r.u32(AttrType::kNasPortType), kg::radius::kNasPortTypeVirtual);
  EXPECT_EQ(r.text(AttrType::kNasIdentifier), "ezvpn-hub");
  EXPECT_EQ(r.text(AttrType::kCallingStationId), "198.51.100.20");
}

TEST_F(Pap, AcceptPassesRejectRefusesWithReplyMessage) {
  auto c = std::make_shared<RadiusPasswordChecker>(radius, "RADGROUP", client);
  check(*c, "alice", "s3cret");
  Packet accept{uint8_t(Code::kAccessAccept), 0, {}, {}};
  accept.add(AttrType::kClass, Bytes{'u', '1'});
  radius->sent[0].second(radius::Reply{std::move(accept), {}, "RAD1"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error, "");
  EXPECT_EQ(got->by, "RADIUS server RAD1");
  EXPECT_EQ(got->classes, std::vector<Bytes>{(Bytes{'u', '1'})});  // for the session's accounting

  got.reset();
  check(*c, "alice", "wrong");
  Packet reject{uint8_t(Code::kAccessReject), 0, {}, {}};
  reject.add_text(AttrType::kReplyMessage, "bad password");
  radius->sent[1].second(radius::Reply{std::move(reject), {}, "RAD1"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error, "Access-Reject from RADIUS server RAD1 (bad password)");
}

TEST_F(Pap, NoServerAnsweringFailsUnlessLocalFollowsInTheList) {
  auto c = std::make_shared<RadiusPasswordChecker>(radius, "RADGROUP", client);
  check(*c, "alice", "local-pw");
  radius->sent[0].second(fail(Errc::kIo, "no server answered"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error, "RADIUS group RADGROUP: no server answered");

  auto with_local = std::make_shared<RadiusPasswordChecker>(radius, "RADGROUP", client, std::make_shared<Local>());
  got.reset();
  check(*with_local, "alice", "local-pw");
  radius->sent[1].second(fail(Errc::kIo, "no server answered"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error, "");
  EXPECT_EQ(got->by, "the local user database (RADIUS group RADGROUP: no server answered)");
  // A Reject is final: local users are not asked (IOS tries the next method
  // only when a server gives no answer).
  got.reset();
  check(*with_local, "alice", "local-pw");
  radius->sent[2].second(radius::Reply{Packet{uint8_t(Code::kAccessReject), 0, {}, {}}, {}, "RAD1"});
  EXPECT_EQ(got->error, "Access-Reject from RADIUS server RAD1");
}

TEST_F(Pap, RadiusGoneFailsAtOnce) {
  std::weak_ptr<radius::Requester> none;
  auto c = std::make_shared<RadiusPasswordChecker>(none, "RADGROUP", client);
  check(*c, "alice", "x");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->error, "RADIUS is not running");
}

}  // namespace
}  // namespace kg::aaa
