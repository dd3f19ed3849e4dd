#include "aaa/radius/authenticator.h"

#include <gtest/gtest.h>

#include "aaa/radius/md5.h"
#include "crypto/vector_file.h"

namespace kg::aaa::radius {
namespace {

using crypto::testing::load_vectors;
using kg::radius::AttrType;
using kg::radius::Code;

Authenticator auth_of(const Packet& p) { return p.authenticator; }

TEST(RadiusAuthenticator, ChecksTheRfcRepliesAgainstTheirRequests) {
  int checked = 0;
  for (const auto& v : load_vectors("radius.txt")) {
    if (!v.fields.contains("reply")) continue;
    SCOPED_TRACE(v.str("name"));
    checked++;
    Secret secret(v.str("secret"));
    auto req = Packet::parse(v.hex("request")).value();
    Bytes reply = v.hex("reply");
    auto ok = open_reply(reply, auth_of(req), secret, false);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->code, uint8_t(Code::kAccessAccept));
    Secret wrong("xyzzy5462");
    EXPECT_EQ(open_reply(reply, auth_of(req), wrong, false).error().code, Errc::kAuthFailed);
    Bytes tampered = reply;
    tampered[4] ^= 1;
    EXPECT_EQ(open_reply(tampered, auth_of(req), secret, false).error().code, Errc::kAuthFailed);
    // FreeRADIUS's reply to EAP carries a Message-Authenticator (checked
    // here), RFC 2865's example none.
    bool has_ma = ok->find(AttrType::kMessageAuthenticator) != nullptr;
    EXPECT_EQ(has_ma, v.str("name").starts_with("freeradius"));
    EXPECT_EQ(open_reply(reply, auth_of(req), secret, true).has_value(), has_ma);
    if (has_ma) {  // a flipped bit in the attribute itself
      Bytes bad = reply;
      bad[bad.size() - 1] ^= 1;
      EXPECT_FALSE(open_reply(bad, auth_of(req), secret, true));
    }
  }
  EXPECT_EQ(checked, 2);
}

// The two primitives every authenticator is built on, against their RFCs'
// vectors (RFC 1321 §A.5, RFC 2202 §2), each computed twice in a row and
// interleaved: the MD5 context and the HMAC context are kept per thread and
// reused, so nothing of one call may leak into the next.
TEST(RadiusAuthenticator, Md5AndHmacMd5MatchTheRfcVectors) {
  auto text = [](std::string_view t) { return Bytes(t.begin(), t.end()); };
  auto str = [](const Authenticator& a) { return to_hex(ByteView(a.data(), a.size())); };
  const Bytes abc = text("abc"), empty;
  struct Mac {
    Bytes key, data;
    const char* want;
  } macs[] = {
      {Bytes(16, 0x0b), text("Hi There"), "9294727a3638bb1c13f48ef8158bfc9d"},
      {text("Jefe"), text("what do ya want for nothing?"), "750c783e6ab0b503eaa86e310a5db738"},
      {Bytes(80, 0xaa), text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"},
      {Bytes{}, Bytes{}, "74e6f7298a9c2d168935f58c001bad88"},
  };
  for (int round = 0; round < 2; ++round) {
    for (const auto& m : macs) {
      EXPECT_EQ(str(hmac_md5(m.key, m.data)), m.want);
      EXPECT_EQ(str(md5({})), "d41d8cd98f00b204e9800998ecf8427e");
      EXPECT_EQ(str(md5({ByteView(abc).first(1), ByteView(abc).subspan(1), empty})), "900150983cd24fb0d6963f7d28e17f72");
    }
  }
}

TEST(RadiusAuthenticator, SealsStatusServerLikeRfc5997) {
  auto v = load_vectors("radius.txt")[1];
  Secret secret(v.str("secret"));
  Bytes want = v.hex("request");
  auto parsed = Packet::parse(want).value();
  Packet p{uint8_t(Code::kStatusServer), 0xda, parsed.authenticator, {}};
  EXPECT_EQ(seal_request(p, secret).value(), want);
}

TEST(RadiusAuthenticator, AccessRequestAndReplyRoundTrip) {
  Secret secret("s3cret");
  Packet req{uint8_t(Code::kAccessRequest), 42, {}, {}};
  req.authenticator.fill(0x5a);
  req.add_text(AttrType::kUserName, "alice");
  Bytes sent = seal_request(req, secret).value();
  ASSERT_NE(req.find(AttrType::kMessageAuthenticator), nullptr);
  EXPECT_EQ(sent.size(), 20u + 7u + 18u);

  Packet accept{uint8_t(Code::kAccessAccept), 42, {}, {}};
  accept.add_text(AttrType::kReplyMessage, "welcome");
  Bytes answer = seal_reply(accept, req.authenticator, secret).value();
  auto got = open_reply(answer, req.authenticator, secret, true);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->text(AttrType::kReplyMessage), "welcome");

  // A Message-Authenticator made with another key, fixed up so the
  // Response Authenticator is right: only the attribute check catches it.
  Packet forged{uint8_t(Code::kAccessAccept), 42, {}, {}};
  Bytes bad = seal_reply(forged, req.authenticator, Secret("other")).value();
  EXPECT_EQ(open_reply(bad, req.authenticator, secret, true).error().code, Errc::kAuthFailed);
  // Two Message-Authenticators: malformed.
  Packet twice{uint8_t(Code::kAccessAccept), 42, {}, {}};
  twice.add(AttrType::kMessageAuthenticator, Bytes(16, 0));
  twice.add(AttrType::kMessageAuthenticator, Bytes(16, 0));
  Bytes d = twice.write().value();
  EXPECT_EQ(open_reply(d, req.authenticator, secret, false).error().code, Errc::kAuthFailed);
  // Garbage does not parse.
  EXPECT_EQ(open_reply(Bytes{2, 42, 0}, req.authenticator, secret, false).error().code, Errc::kTruncated);
}

TEST(RadiusAuthenticator, AccountingRequestAuthenticatorIsComputed) {
  Secret secret("acct");
  Packet req{uint8_t(Code::kAccountingRequest), 7, {}, {}};
  req.authenticator.fill(0xee);  // overwritten: RFC 2866 §3 computes it
  req.add_u32(AttrType::kAcctStatusType, uint32_t(kg::radius::AcctStatus::kStart));
  req.add_text(AttrType::kAcctSessionId, "kg-0001");
  Bytes d = seal_request(req, secret).value();
  EXPECT_NE(req.authenticator[0], 0xee);
  auto back = open_computed_request(d, secret);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->text(AttrType::kAcctSessionId), "kg-0001");
  EXPECT_EQ(open_computed_request(d, Secret("acct2")).error().code, Errc::kAuthFailed);
  // The server's Accounting-Response is checked like any reply.
  Packet resp{uint8_t(Code::kAccountingResponse), 7, {}, {}};
  Bytes r = seal_reply(resp, req.authenticator, secret).value();
  EXPECT_TRUE(open_reply(r, req.authenticator, secret, true));
}

}  // namespace
}  // namespace kg::aaa::radius
