#include <gtest/gtest.h>

#include "wire/ike/payloads.h"

namespace kg::ike {
namespace {

std::vector<TypedPayload> every_payload() {
  SaPayload sa;
  Proposal p;
  p.transforms = {{TransformType::kEncr, uint16_t(EncrId::kAesGcm16), 256},
                  {TransformType::kPrf, uint16_t(PrfId::kHmacSha2_256), std::nullopt},
                  {TransformType::kDh, uint16_t(DhGroup::kCurve25519), std::nullopt}};
  sa.proposals.push_back(p);
  Proposal esp;
  esp.number = 2;
  esp.protocol = ProtocolId::kEsp;
  esp.spi = {1, 2, 3, 4};
  esp.transforms = {{TransformType::kEncr, uint16_t(EncrId::kAesCbc), 128},
                    {TransformType::kInteg, uint16_t(IntegId::kHmacSha2_256_128), std::nullopt},
                    {TransformType::kEsn, 0, std::nullopt}};
  sa.proposals.push_back(esp);
  TrafficSelector v4{TsType::kIpv4AddrRange, 0, 0, 65535, *IpAddress::parse("192.0.2.0"),
                     *IpAddress::parse("192.0.2.127")};
  TrafficSelector v6{TsType::kIpv6AddrRange, 6, 80, 443, *IpAddress::parse("2001:db8::"),
                     *IpAddress::parse("2001:db8::ffff")};
  return {
      {PayloadType::kSa, sa},
      {PayloadType::kKe, KePayload{DhGroup::kCurve25519, Bytes(32, 7)}},
      {PayloadType::kNonce, NoncePayload{Bytes(32, 9)}},
      {PayloadType::kNotify, NotifyPayload{0, {}, uint16_t(NotifyType::kNatDetectionSourceIp), Bytes(20, 1)}},
      {PayloadType::kNotify, NotifyPayload{3, {9, 9, 9, 9}, uint16_t(NotifyType::kRekeySa), {}}},
      {PayloadType::kIdi, IdPayload{IdType::kFqdn, Bytes{'a', '.', 'b'}}},
      {PayloadType::kCert, CertPayload{4, Bytes{0x30, 0x03, 1, 2, 3}}},
      {PayloadType::kCertReq, CertReqPayload{4, {Bytes(20, 2), Bytes(20, 3)}, {}}},
      {PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, Bytes(32, 3)}},
      {PayloadType::kTsi, TsPayload{{v4, v6}}},
      {PayloadType::kTsr, TsPayload{{v4}}},
      {PayloadType::kDelete, DeletePayload{ProtocolId::kEsp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}}},
      {PayloadType::kDelete, DeletePayload{ProtocolId::kIke, 0, {}}},
      {PayloadType::kVendorId, VendorIdPayload{Bytes{'k', 'g'}}},
      {PayloadType::kCp, CpPayload{CfgType::kRequest, {{1, {}}, {3, {}}}}},
  };
}

Header header() {
  Header h;
  h.spi_i = 0x1122334455667788ull;
  h.exchange = ExchangeType::kIkeSaInit;
  h.flags = kFlagInitiator;
  return h;
}

TEST(Message, EveryPayloadRoundTrips) {
  auto in = every_payload();
  Bytes wire = encode_message(header(), in);
  auto m = parse_message(wire);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header.length, wire.size());
  ASSERT_EQ(m->payloads.size(), in.size());
  EXPECT_EQ(encode_message(m->header, m->payloads), wire);
  auto* sa = find_payload<SaPayload>(m->payloads, PayloadType::kSa);
  ASSERT_TRUE(sa);
  EXPECT_EQ(sa->proposals[0].transforms[0].key_length, 256);
  EXPECT_EQ(sa->proposals[1].spi.size(), 4u);
  auto* ts = find_payload<TsPayload>(m->payloads, PayloadType::kTsi);
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->selectors[1].end.str(), "2001:db8::ffff");
  EXPECT_EQ(ts->selectors[1].start_port, 80);
  EXPECT_TRUE(find_notify(m->payloads, NotifyType::kRekeySa));
}

// Hand-built IKE_SA_INIT header + one Nonce payload, checked field by field.
TEST(Message, ParsesHandBuiltBytes) {
  Bytes b = *from_hex(
      "1122334455667788 0000000000000000 28 20 22 08 00000000 00000030"  // header, next=Nonce(40)
      "00 00 0014 000102030405060708090a0b0c0d0e0f");                    // Nonce, 16 bytes
  auto m = parse_message(b);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header.spi_i, 0x1122334455667788ull);
  EXPECT_EQ(m->header.exchange, ExchangeType::kIkeSaInit);
  EXPECT_TRUE(m->header.is_initiator());
  EXPECT_FALSE(m->header.is_response());
  auto* n = find_payload<NoncePayload>(m->payloads, PayloadType::kNonce);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->data.size(), 16u);
}

TEST(Message, ExactLengthsEnforced) {
  Bytes wire = encode_message(header(), every_payload());
  Bytes shorter(wire.begin(), wire.end() - 1);
  EXPECT_FALSE(parse_message(shorter));
  Bytes longer = wire;
  longer.push_back(0);
  EXPECT_FALSE(parse_message(longer));  // header length no longer matches
  // Header length patched to match, but the payload chain ends one byte early.
  longer[24] = 0;
  longer[25] = 0;
  longer[26] = uint8_t(longer.size() >> 8);
  longer[27] = uint8_t(longer.size());
  EXPECT_FALSE(parse_message(longer));
}

TEST(Message, PayloadLengthBelowFourRejected) {
  Bytes b = *from_hex("1122334455667788 0000000000000000 28 20 22 08 00000000 00000020 00 00 0003 00000000");
  EXPECT_FALSE(parse_message(b));
}

TEST(Message, NonceLengthLimits) {
  for (size_t n : {15u, 257u}) {
    auto w = encode_message(header(), {{PayloadType::kNonce, NoncePayload{Bytes(n, 1)}}});
    EXPECT_FALSE(parse_message(w)) << n;
  }
}

TEST(Message, UnknownPayloadsCriticalBit) {
  std::vector<TypedPayload> v = {{PayloadType(200), UnknownPayload{200, false, Bytes{1, 2}}},
                                 {PayloadType::kNonce, NoncePayload{Bytes(16, 1)}}};
  auto m = parse_message(encode_message(header(), v));
  ASSERT_TRUE(m);  // skipped (§2.5), the nonce still parses
  EXPECT_TRUE(find_payload<NoncePayload>(m->payloads, PayloadType::kNonce));
  v[0].body = UnknownPayload{200, true, Bytes{1, 2}};
  auto c = parse_message(encode_message(header(), v));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::kUnsupported);
  EXPECT_EQ(c.error().message, "critical:200");
}

TEST(Message, SkMustBeLastAndKeepsInnerType) {
  std::vector<TypedPayload> v = {{PayloadType::kSk, SkPayload{PayloadType::kIdi, Bytes(40, 5)}}};
  auto m = parse_message(encode_message(header(), v));
  ASSERT_TRUE(m);
  auto* sk = find_payload<SkPayload>(m->payloads, PayloadType::kSk);
  ASSERT_TRUE(sk);
  EXPECT_EQ(sk->first_inner, PayloadType::kIdi);
  EXPECT_EQ(sk->body.size(), 40u);
  // An SK payload followed by more bytes is refused.
  Bytes w = encode_message(header(), v);
  Bytes tail = encode_message(header(), {{PayloadType::kNonce, NoncePayload{Bytes(16, 1)}}});
  w.insert(w.end(), tail.begin() + kHeaderSize, tail.end());
  w[24] = 0;
  w[25] = 0;
  w[26] = uint8_t(w.size() >> 8);
  w[27] = uint8_t(w.size());
  EXPECT_FALSE(parse_message(w));
}

TEST(Message, BadTsSelectorLengthAndDeleteSpiSize) {
  TrafficSelector v4{TsType::kIpv4AddrRange, 0, 0, 65535, *IpAddress::parse("192.0.2.0"),
                     *IpAddress::parse("192.0.2.127")};
  Bytes w = encode_message(header(), {{PayloadType::kTsi, TsPayload{{v4}}}});
  w[kHeaderSize + 4 + 4 + 3] = 17;  // selector length 17 instead of 16
  EXPECT_FALSE(parse_message(w));
  Bytes d = encode_message(header(), {{PayloadType::kDelete, DeletePayload{ProtocolId::kEsp, 4, {{1, 2, 3, 4}}}}});
  d[kHeaderSize + 4 + 1] = 3;  // SPI size 3
  EXPECT_FALSE(parse_message(d));
}

TEST(Message, ChainParserForDecryptedContents) {
  std::vector<TypedPayload> v = {{PayloadType::kIdi, IdPayload{IdType::kFqdn, Bytes{'x'}}},
                                 {PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, Bytes(32, 1)}}};
  ByteWriter w;
  write_payload_chain(v, w);
  auto c = parse_payload_chain(PayloadType::kIdi, w.data());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->size(), 2u);
  // An SK payload inside SK is refused.
  ByteWriter w2;
  write_payload_chain({{PayloadType::kSk, SkPayload{PayloadType::kNone, Bytes(4, 0)}}}, w2);
  EXPECT_FALSE(parse_payload_chain(PayloadType::kSk, w2.data()));
}

TEST(Message, IdBodyIsTypeReservedData) {
  IdPayload id{IdType::kFqdn, Bytes{'a', 'b'}};
  EXPECT_EQ(to_hex(id.body()), "020000006162");
}

TEST(Names, KnownAndUnknown) {
  EXPECT_STREQ(exchange_name(ExchangeType::kIkeAuth), "IKE_AUTH");
  EXPECT_STREQ(notify_name(14), "NO_PROPOSAL_CHOSEN");
  EXPECT_STREQ(notify_name(60000), "UNKNOWN_NOTIFY");
  EXPECT_STREQ(payload_name(PayloadType::kTsr), "TSr");
}

}  // namespace
}  // namespace kg::ike
