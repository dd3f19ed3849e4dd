#include <gtest/gtest.h>

#include "wire/isakmp/payloads.h"

namespace kg::isakmp {
namespace {

// A Main Mode first message's SA as strongSwan sends it: one ISAKMP proposal
// with one transform per policy.
SaPayload main_mode_sa() {
  Transform aes;
  aes.number = 1;
  aes.attributes = {Attribute::tv(uint16_t(P1Attr::kEncryption), uint16_t(P1Encr::kAesCbc)),
                    Attribute::tv(uint16_t(P1Attr::kKeyLength), 256),
                    Attribute::tv(uint16_t(P1Attr::kHash), uint16_t(P1Hash::kSha2_256)),
                    Attribute::tv(uint16_t(P1Attr::kAuthMethod), uint16_t(P1Auth::kPreSharedKey)),
                    Attribute::tv(uint16_t(P1Attr::kGroupDescription), 14),
                    Attribute::tv(uint16_t(P1Attr::kLifeType), uint16_t(LifeType::kSeconds)),
                    Attribute::number(uint16_t(P1Attr::kLifeDuration), 86400)};
  Transform des = aes;
  des.number = 2;
  des.attributes[0] = Attribute::tv(uint16_t(P1Attr::kEncryption), uint16_t(P1Encr::k3desCbc));
  des.attributes.erase(des.attributes.begin() + 1);
  Proposal p;
  p.transforms = {aes, des};
  SaPayload sa;
  sa.proposals = {p};
  return sa;
}

std::vector<TypedPayload> every_payload() {
  Proposal esp;
  esp.protocol = ProtocolId::kEsp;
  esp.spi = {0xc1, 0, 0, 1};
  Transform t;
  t.id = uint8_t(EspId::kAes);
  t.attributes = {Attribute::tv(uint16_t(P2Attr::kEncapsulationMode), uint16_t(EncapMode::kUdpTunnel)),
                  Attribute::tv(uint16_t(P2Attr::kAuthAlgorithm), uint16_t(P2Auth::kHmacSha1))};
  esp.transforms = {t};
  SaPayload qm_sa;
  qm_sa.proposals = {esp};
  return {
      {PayloadType::kSa, main_mode_sa()},
      {PayloadType::kSa, qm_sa},
      {PayloadType::kKe, KePayload{Bytes(256, 7)}},
      {PayloadType::kNonce, NoncePayload{Bytes(32, 9)}},
      {PayloadType::kId, IdPayload{IdType::kIpv4Addr, 17, 500, {192, 0, 2, 1}}},
      {PayloadType::kId, IdPayload{IdType::kIpv4AddrSubnet, 0, 0, {198, 51, 100, 0, 255, 255, 255, 0}}},
      {PayloadType::kId, IdPayload{IdType::kFqdn, 0, 0, Bytes{'r', '1'}}},
      {PayloadType::kHash, HashPayload{Bytes(20, 3)}},
      {PayloadType::kSig, SigPayload{Bytes(64, 4)}},
      {PayloadType::kCert, CertPayload{4, Bytes{0x30, 0x00}}},
      {PayloadType::kCertReq, CertReqPayload{4, {}}},
      {PayloadType::kNotify, NotifyPayload{kDoiIpsec, ProtocolId::kIsakmp, Bytes(16, 5),
                                           uint16_t(NotifyType::kInitialContact), {}}},
      {PayloadType::kNotify, NotifyPayload{kDoiIpsec, ProtocolId::kIsakmp, Bytes(16, 5),
                                           uint16_t(NotifyType::kRUThere), {0, 0, 0, 7}}},
      {PayloadType::kDelete, DeletePayload{kDoiIpsec, ProtocolId::kEsp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}}},
      {PayloadType::kDelete, DeletePayload{kDoiIpsec, ProtocolId::kIsakmp, 16, {Bytes(16, 1)}}},
      {PayloadType::kVendorId, VendorIdPayload{Bytes(16, 0xaf)}},
      {PayloadType::kNatD, NatDPayload{Bytes(20, 6)}},
      {PayloadType::kNatOa, NatOaPayload{*IpAddress::parse("2001:db8::1")}},
      {PayloadType::kAttribute, AttributePayload{CfgType::kRequest, 7, {Attribute::tlv(1, {}), Attribute::tv(16520, 2)}}},
      {PayloadType::kFragment, FragmentPayload{1, 2, true, Bytes(10, 8)}},
  };
}

Header header() {
  Header h;
  h.cookie_i = 0x1122334455667788ull;
  return h;
}

TEST(IsakmpMessage, EveryPayloadRoundTrips) {
  auto in = every_payload();
  Bytes wire = encode_message(header(), in);
  auto m = parse_message(wire);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header.length, wire.size());
  EXPECT_EQ(m->header.version, kIsakmpVersion);
  ASSERT_EQ(m->payloads.size(), in.size());
  EXPECT_EQ(encode_message(m->header, m->payloads), wire);
  auto* sa = find_payload<SaPayload>(m->payloads, PayloadType::kSa);
  ASSERT_TRUE(sa);
  ASSERT_EQ(sa->proposals[0].transforms.size(), 2u);
  EXPECT_EQ(sa->proposals[0].transforms[0].attr(P1Attr::kKeyLength), 256u);
  EXPECT_EQ(sa->proposals[0].transforms[1].attr(P1Attr::kEncryption), uint64_t(P1Encr::k3desCbc));
  EXPECT_EQ(sa->proposals[0].transforms[1].attr(P1Attr::kLifeDuration), 86400u);  // a 4-byte TLV
  EXPECT_TRUE(find_notify(m->payloads, NotifyType::kInitialContact));
  auto* oa = find_payload<NatOaPayload>(m->payloads, PayloadType::kNatOa);
  ASSERT_TRUE(oa);
  EXPECT_EQ(oa->address.str(), "2001:db8::1");
  // Each payload records where it was, generic header included.
  auto& id = m->payloads[4];
  EXPECT_EQ(id.wire_size, 4u + 8u);
  EXPECT_EQ(to_hex(ByteView(wire).subspan(kHeaderSize + id.wire_offset + 4, id.wire_size - 4)),
            to_hex(std::get<IdPayload>(id.body).body()));
}

// RFC 2408 §3.1 and §3.4-3.6 by hand: header, SA with one proposal and one
// transform carrying a TV and a TLV attribute. Checks our reading of the
// diagrams independently of our writer.
TEST(IsakmpMessage, ParsesHandBuiltMainModeSa) {
  Bytes b = *from_hex(
      "1122334455667788 0000000000000000 01 10 02 00 00000000 00000044"  // next=SA, v1.0, Main Mode
      "00 00 0028 00000001 00000001"                                     // SA: DOI 1, SIT_IDENTITY_ONLY
      "00 00 001c 01 01 00 01"                                           // proposal 1, ISAKMP, no SPI, 1 transform
      "00 00 0014 01 01 0000"                                            // transform 1, KEY_IKE
      "8001 0007"                                                        // encryption AES-CBC (TV)
      "000c 0004 00015180");                                             // life duration 86400 (TLV)
  auto m = parse_message(b);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header.exchange, ExchangeType::kIdentityProtection);
  EXPECT_FALSE(m->header.encrypted());
  auto* sa = find_payload<SaPayload>(m->payloads, PayloadType::kSa);
  ASSERT_TRUE(sa);
  auto& t = sa->proposals.at(0).transforms.at(0);
  EXPECT_EQ(t.id, kKeyIke);
  EXPECT_EQ(t.attr(P1Attr::kEncryption), 7u);
  EXPECT_EQ(t.attr(P1Attr::kLifeDuration), 86400u);
  EXPECT_FALSE(t.attr(P1Attr::kHash));
  EXPECT_EQ(encode_message(m->header, m->payloads), b);
}

TEST(IsakmpMessage, EncryptedBodyKeptWhole) {
  Header h = header();
  h.exchange = ExchangeType::kQuickMode;
  h.message_id = 0xdeadbeef;
  Bytes wire = encode_encrypted(h, PayloadType::kHash, Bytes(48, 0x5a));
  auto m = parse_message(wire);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->header.encrypted());
  EXPECT_EQ(m->header.next_payload, PayloadType::kHash);
  EXPECT_EQ(m->encrypted.size(), 48u);
  EXPECT_TRUE(m->payloads.empty());
}

TEST(IsakmpMessage, DecryptedChainAcceptsPaddingOnlyWhenAsked) {
  ByteWriter w;
  write_payload_chain({{PayloadType::kHash, HashPayload{Bytes(20, 1)}},
                       {PayloadType::kNotify, NotifyPayload{kDoiIpsec, ProtocolId::kIsakmp, Bytes(16, 2),
                                                            uint16_t(NotifyType::kRUThereAck), {0, 0, 0, 1}}}},
                      w);
  Bytes padded = w.data();
  padded.insert(padded.end(), {0, 0, 0, 0, 0, 0, 0, 7});
  auto c = parse_payload_chain(PayloadType::kHash, padded, true);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->size(), 2u);
  EXPECT_EQ(c->back().wire_offset + c->back().wire_size, w.size());  // where the padding starts
  EXPECT_FALSE(parse_payload_chain(PayloadType::kHash, padded));
}

TEST(IsakmpMessage, VersionAndLengthChecks) {
  Bytes wire = encode_message(header(), {{PayloadType::kNonce, NoncePayload{Bytes(16, 1)}}});
  EXPECT_EQ(major_version(wire), 1);
  Bytes v2 = wire;
  v2[17] = 0x20;
  auto e = parse_message(v2);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::kUnsupported);
  EXPECT_FALSE(major_version(ByteView(wire).first(27)));
  Bytes longer = wire;
  longer.push_back(0);
  EXPECT_FALSE(parse_message(longer));  // header length no longer matches
  longer[27] = uint8_t(longer.size());
  EXPECT_FALSE(parse_message(longer));  // the chain ends one byte early
  Bytes flags = wire;
  flags[19] = 0x08;
  EXPECT_FALSE(parse_message(flags));
}

// Each refusal names its reason; a selection of malformed bodies.
TEST(IsakmpMessage, MalformedPayloadsRefusedWithReason) {
  auto reason = [](PayloadType t, const char* body_hex) {
    Bytes body = *from_hex(body_hex);
    ByteWriter w;
    w.u8(0);
    w.u8(0);
    w.u16(uint16_t(body.size() + 4));
    w.bytes(body);
    auto r = parse_payload_chain(t, w.data());
    return r ? std::string("parsed") : r.error().message;
  };
  EXPECT_EQ(reason(PayloadType::kNonce, "01020304050607"), "NONCE: length outside 8..256");
  EXPECT_EQ(reason(PayloadType::kId, "01000000 c00002"), "ID: address length");
  EXPECT_EQ(reason(PayloadType::kDelete, "00000001 03 04 0002 01020304"), "D: # of SPIs and length disagree");
  EXPECT_EQ(reason(PayloadType::kDelete, "00000001 03 03 0001 010203"), "D: SPI size for protocol");
  EXPECT_EQ(reason(PayloadType::kNotify, "00000001 03 10 0018"), "N: SPI size for protocol");
  EXPECT_EQ(reason(PayloadType::kNatOa, "01000000 c0000201 00"), "NAT-OA: address length");
  EXPECT_EQ(reason(PayloadType::kSa, "00000001 00000002"), "SA: situation");
  EXPECT_EQ(reason(PayloadType::kSa, "00000001 00000001"), "SA: no proposals");
  // A proposal that claims two transforms but holds one.
  EXPECT_EQ(reason(PayloadType::kSa, "00000001 00000001 00 00 0010 01 01 00 02 00 00 0008 01 01 0000"),
            "SA: proposal: transform after the last");
  // A TLV attribute longer than its transform.
  EXPECT_EQ(reason(PayloadType::kSa, "00000001 00000001 00 00 0014 01 01 00 01 00 00 000c 01 01 0000 000c 0004"),
            "SA: attribute: value runs past its container");
  EXPECT_EQ(reason(PayloadType::kProposal, "00"), "P: proposal or transform outside SA");
  EXPECT_EQ(reason(PayloadType::kKe, ""), "KE: empty");
  // Payload length beyond the chain.
  Bytes w = *from_hex("00 00 0030 0102030405060708");
  auto r = parse_payload_chain(PayloadType::kNonce, w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "NONCE: length past the message");
}

TEST(IsakmpMessage, UnknownPayloadKeptAsBytes) {
  std::vector<TypedPayload> v = {{PayloadType(200), UnknownPayload{200, Bytes{1, 2}}},
                                 {PayloadType::kNonce, NoncePayload{Bytes(16, 1)}}};
  auto m = parse_message(encode_message(header(), v));
  ASSERT_TRUE(m) << m.error().message;
  auto* u = find_payload<UnknownPayload>(m->payloads, PayloadType(200));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->body, (Bytes{1, 2}));
}

TEST(IsakmpAttributes, NumberFormsAndTlvValues) {
  EXPECT_TRUE(Attribute::number(12, 28800).basic);
  auto big = Attribute::number(12, 86400);
  EXPECT_FALSE(big.basic);
  EXPECT_EQ(big.value.size(), 4u);
  EXPECT_EQ(big.as_number(), 86400u);
  EXPECT_EQ(Attribute::number(2, 1ull << 40).value.size(), 8u);
  EXPECT_FALSE(Attribute::tlv(1, {}).as_number());
  EXPECT_FALSE(Attribute::tlv(1, Bytes(9, 1)).as_number());
}

TEST(IsakmpNames, KnownAndUnknown) {
  EXPECT_STREQ(exchange_name(ExchangeType::kIdentityProtection), "MAIN_MODE");
  EXPECT_STREQ(exchange_name(ExchangeType::kQuickMode), "QUICK_MODE");
  EXPECT_STREQ(notify_name(24578), "INITIAL-CONTACT");
  EXPECT_STREQ(notify_name(60000), "UNKNOWN-NOTIFY");
  EXPECT_STREQ(payload_name(PayloadType::kNatDDraft), "NAT-D");
}

}  // namespace
}  // namespace kg::isakmp
