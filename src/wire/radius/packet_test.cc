#include "wire/radius/packet.h"

#include <gtest/gtest.h>

#include "crypto/vector_file.h"
#include "wire/radius/eap_message.h"
#include "wire/radius/vendor.h"

namespace kg::radius {
namespace {

using crypto::testing::load_vectors;

TEST(RadiusPacket, ParsesAndWritesTheRfc2865Examples) {
  for (const auto& v : load_vectors("radius.txt")) {
    if (v.str("name") != "rfc2865-7.1") continue;
    Bytes req = v.hex("request");
    auto p = Packet::parse(req);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->code, uint8_t(Code::kAccessRequest));
    EXPECT_EQ(p->text(AttrType::kUserName), "nemo");
    EXPECT_EQ(p->u32(AttrType::kNasPort), 3u);
    ASSERT_NE(p->find(AttrType::kNasIpAddress), nullptr);
    EXPECT_EQ(p->find(AttrType::kNasIpAddress)->value, (Bytes{192, 168, 1, 16}));
    EXPECT_EQ(p->write().value(), req);
    auto a = Packet::parse(v.hex("reply"));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->code, uint8_t(Code::kAccessAccept));
    EXPECT_EQ(a->u32(AttrType::kServiceType), 1u);
    EXPECT_EQ(a->attributes.size(), 3u);
  }
}

TEST(RadiusPacket, IgnoresPaddingPastLengthAndRejectsWhatDoesNotAddUp) {
  Packet p{uint8_t(Code::kAccessAccept), 9, {}, {}};
  p.add_text(AttrType::kReplyMessage, "hi");
  Bytes d = p.write().value();
  Bytes padded = d;
  padded.push_back(0xff);  // RFC 2865 §3: padding past Length is ignored
  EXPECT_EQ(Packet::parse(padded).value().attributes, p.attributes);
  Bytes shorter(d.begin(), d.end() - 1);
  EXPECT_EQ(Packet::parse(shorter).error().code, Errc::kTruncated);  // datagram < Length
  Bytes bad_len = d;
  bad_len[3] = 19;  // Length < 20
  EXPECT_FALSE(Packet::parse(bad_len));
  Bytes zero_attr = d;
  zero_attr[21] = 1;  // attribute Length < 2
  EXPECT_FALSE(Packet::parse(zero_attr));
  Bytes overrun = d;
  overrun[21] = 5;  // attribute runs past the packet's Length
  EXPECT_FALSE(Packet::parse(overrun));
  Bytes huge(4097, 0);
  huge[0] = 2;
  huge[2] = 0x10;
  huge[3] = 0x01;  // Length 4097
  EXPECT_FALSE(Packet::parse(huge));
}

TEST(RadiusPacket, RefusesToWriteOverlongValuesOrPackets) {
  Packet p{uint8_t(Code::kAccessRequest), 1, {}, {}};
  p.add(AttrType::kState, Bytes(254, 1));
  EXPECT_EQ(p.write().error().code, Errc::kLimit);
  Packet big{uint8_t(Code::kAccessRequest), 1, {}, {}};
  for (int i = 0; i < 17; ++i) big.add(AttrType::kClass, Bytes(253, 1));
  EXPECT_EQ(big.write().error().code, Errc::kLimit);  // 20 + 17*255 > 4096
}

TEST(RadiusVendor, CiscoAvPairsAndMicrosoftAttributes) {
  Packet p{uint8_t(Code::kAccessAccept), 1, {}, {}};
  add_vendor(p, kVendorCisco, kCiscoAvPair, as_bytes("ipsec:addr-pool=pool1"));
  add_vendor(p, kVendorCisco, kCiscoAvPair, as_bytes("ipsec:route-set=prefix 198.51.100.0/24"));
  add_vendor(p, kVendorMicrosoft, kMsMppeSendKey, Bytes{0x80, 1});
  // Vendor-Id 9, type 1, length 23: the recommended format of RFC 2865 §5.26.
  EXPECT_EQ(to_hex(ByteView(p.attributes[0].value).first(6)), "000000090117");
  auto round = Packet::parse(p.write().value()).value();
  auto pairs = cisco_av_pairs(round).value();
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], (AvPair{"ipsec", "addr-pool", "pool1", true}));
  EXPECT_EQ(pairs[1].value, "prefix 198.51.100.0/24");
  EXPECT_EQ(vendor_values(round, kVendorMicrosoft, kMsMppeSendKey).value(), (std::vector<Bytes>{{0x80, 1}}));
  EXPECT_TRUE(vendor_values(round, kVendorMicrosoft, kMsMppeRecvKey).value().empty());
  // A Cisco VSA whose sub-attribute overruns makes the packet malformed;
  // another vendor's attribute in an unknown format is not looked into.
  Packet bad = round;
  bad.attributes[0].value[5] = 40;
  EXPECT_FALSE(cisco_av_pairs(bad));
  bad = round;
  bad.add(AttrType::kVendorSpecific, Bytes{0, 0, 0x0d, 0x2c, 0xff});  // vendor 3372, no sub-attribute
  EXPECT_TRUE(cisco_av_pairs(bad));
}

TEST(RadiusVendor, AvPairSyntax) {
  EXPECT_EQ(AvPair::parse("ipsec:dns-servers=192.0.2.53 192.0.2.54").value().value, "192.0.2.53 192.0.2.54");
  auto opt = AvPair::parse("ip:interface-config*ip mtu 1400").value();
  EXPECT_FALSE(opt.mandatory);
  EXPECT_EQ(opt.str(), "ip:interface-config*ip mtu 1400");
  EXPECT_EQ(AvPair::parse("priv-lvl=15").value().protocol, "");
  EXPECT_FALSE(AvPair::parse("no separator"));
  EXPECT_FALSE(AvPair::parse("=value"));
  EXPECT_FALSE(AvPair::parse("ipsec:=value"));
}

TEST(RadiusEapMessage, ReadsFreeRadiusEapSuccess) {
  for (const auto& v : load_vectors("radius.txt")) {
    if (!v.str("name").starts_with("freeradius")) continue;
    auto accept = Packet::parse(v.hex("reply")).value();
    auto eap = eap_message(accept).value();
    ASSERT_TRUE(eap.has_value());
    EXPECT_EQ(eap->size(), 4u);
    EXPECT_EQ((*eap)[0], 3);  // EAP-Success
    EXPECT_EQ(vendor_values(accept, kVendorMicrosoft, kMsMppeRecvKey).value().size(), 1u);
    auto req = Packet::parse(v.hex("request")).value();
    EXPECT_EQ(req.text(AttrType::kUserName), "vecuser");
    EXPECT_EQ(req.write().value(), v.hex("request"));
  }
}

TEST(RadiusEapMessage, FragmentsAt253AndReassembles) {
  Bytes eap(600, 0xab);
  eap[0] = 2;
  eap[1] = 7;
  eap[2] = 600 >> 8;
  eap[3] = 600 & 0xff;
  Packet p{uint8_t(Code::kAccessRequest), 1, {}, {}};
  p.add_text(AttrType::kUserName, "alice");
  add_eap_message(p, eap);
  auto parts = p.all(AttrType::kEapMessage);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0]->value.size(), 253u);
  EXPECT_EQ(parts[2]->value.size(), 600u - 506u);
  auto back = Packet::parse(p.write().value()).value();
  EXPECT_EQ(eap_message(back).value(), eap);
  Packet none{uint8_t(Code::kAccessAccept), 1, {}, {}};
  EXPECT_FALSE(eap_message(none).value().has_value());
  back.attributes.pop_back();  // a fragment lost: the EAP Length no longer matches
  EXPECT_FALSE(eap_message(back));
}

}  // namespace
}  // namespace kg::radius
