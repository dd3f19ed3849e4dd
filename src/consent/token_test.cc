// The challenge/response format: round trips, and every malformed input is
// refused with a reason.
#include "consent/token.h"

#include <gtest/gtest.h>

#include "consent/base64.h"
#include "consent/signature.h"

namespace kg::consent {
namespace {

Challenge sample() {
  Challenge c;
  c.privilege = Privilege::kShellAccess;
  c.created = 1735689600;
  for (size_t i = 0; i < c.nonce.size(); ++i) c.nonce[i] = uint8_t(i * 7);
  c.timeout_minutes = 900;
  c.hostname = "hub1";
  c.serial = "KGABCDEFGHJK";
  c.authority = "tac";
  return c;
}

std::string reason(ByteView b) {
  auto c = decode_challenge(b);
  return c ? "" : c.error().message;
}

TEST(ConsentBase64, RoundTripAndStrict) {
  for (size_t n = 0; n < 10; ++n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = uint8_t(0xf0 + i);
    auto d = base64_decode(base64_encode(b));
    if (n == 0) { EXPECT_FALSE(d); continue; }
    ASSERT_TRUE(d) << n;
    EXPECT_EQ(*d, b);
  }
  EXPECT_EQ(base64_encode(as_bytes("foob")), "Zm9vYg==");  // RFC 4648 §10
  EXPECT_FALSE(base64_decode("Zm9vYg="));                 // length
  EXPECT_FALSE(base64_decode("Zm9v Yg="));                // space
  EXPECT_FALSE(base64_decode("Zm9vYh=="));                // non-zero bits before padding
  EXPECT_FALSE(base64_decode("Zm=vYg=="));                // '=' inside
  EXPECT_NE(base64_decode("Zm9*").error().message.find("character 4"), std::string::npos);
}

TEST(ConsentToken, ChallengeRoundTrip) {
  Bytes b = encode_challenge(sample());
  auto c = decode_challenge(b);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(*c, sample());
  EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "KGCT");
}

TEST(ConsentToken, ChallengeRejections) {
  Bytes good = encode_challenge(sample());
  Bytes b = good;
  b[0] = 'X';
  EXPECT_NE(reason(b).find("bad magic"), std::string::npos);
  b = good;
  b[4] = 2;
  EXPECT_NE(reason(b).find("version 2"), std::string::npos);
  b = good;
  b.push_back(0);
  EXPECT_NE(reason(b).find("after the last"), std::string::npos);
  b = good;
  b.resize(b.size() - 1);
  EXPECT_NE(reason(b).find("cut short"), std::string::npos);
  b = Bytes(good.begin(), good.begin() + 5);
  EXPECT_NE(reason(b).find("privilege missing"), std::string::npos);
  b = good;
  b[5] = 2;  // first field is not the privilege
  EXPECT_NE(reason(b).find("where privilege"), std::string::npos);
  b = good;
  b[8] = 9;  // unknown privilege value
  EXPECT_NE(reason(b).find("unknown privilege"), std::string::npos);
  Challenge c = sample();
  c.timeout_minutes = kMaxTimeoutMinutes + 1;
  EXPECT_NE(reason(encode_challenge(c)).find("7 days"), std::string::npos);
  c = sample();
  c.hostname = "a b";
  EXPECT_NE(reason(encode_challenge(c)).find("printable"), std::string::npos);
  c = sample();
  c.serial = std::string(65, 'S');
  EXPECT_NE(reason(encode_challenge(c)).find("serial: bad length"), std::string::npos);
  c = sample();
  c.authority = "";
  EXPECT_NE(reason(encode_challenge(c)).find("authority: bad length"), std::string::npos);
  EXPECT_NE(reason(Bytes(600, 0)).find("longer"), std::string::npos);
}

TEST(ConsentToken, ResponseRoundTripAndSignature) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  Response r;
  r.challenge_bytes = encode_challenge(sample());
  r.challenge = sample();
  r.granted_minutes = 60;
  auto sig = key->sign(response_signed_bytes(r.challenge_bytes, 60));
  ASSERT_TRUE(sig);
  std::copy(sig->begin(), sig->end(), r.signature.begin());
  auto d = decode_response(encode_response(r));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->challenge, sample());
  EXPECT_EQ(d->granted_minutes, 60u);
  EXPECT_TRUE(verify(key->public_raw(), response_signed_bytes(d->challenge_bytes, 60), d->signature));
  // The signature covers the granted minutes.
  EXPECT_FALSE(verify(key->public_raw(), response_signed_bytes(d->challenge_bytes, 61), d->signature));
}

TEST(ConsentToken, ResponseRejections) {
  Response r;
  r.challenge_bytes = encode_challenge(sample());
  r.challenge = sample();
  r.granted_minutes = 901;  // more than asked
  auto d = decode_response(encode_response(r));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("more than the 900"), std::string::npos);
  r.granted_minutes = 0;
  EXPECT_FALSE(decode_response(encode_response(r)));
  r.granted_minutes = 10;
  Bytes b = encode_response(r);
  b.pop_back();
  EXPECT_FALSE(decode_response(b));
  b = encode_response(r);
  b[10] ^= 0xff;  // inside the embedded challenge's magic
  d = decode_response(b);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("its challenge"), std::string::npos);
  b = encode_response(r);
  std::copy_n("KGCT", 4, b.begin());
  EXPECT_FALSE(decode_response(b));
}

TEST(ConsentKeys, PublicKeyConfigLine) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  std::string line = public_key_base64(key->public_raw());
  EXPECT_TRUE(line.starts_with("MCowBQYDK2VwAyEA"));  // Ed25519 SubjectPublicKeyInfo
  auto raw = parse_public_key(line);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(*raw, key->public_raw());
  EXPECT_FALSE(parse_public_key("MCowBQYDK2VwAyEA"));
  EXPECT_FALSE(parse_public_key("not base64!"));
  auto again = SigningKey::from_pem(key->private_pem());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->public_raw(), key->public_raw());
  EXPECT_FALSE(SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
}

}  // namespace
}  // namespace kg::consent
