// Configuration payload attributes (RFC 7296 §3.15.1): exact bytes both ways,
// wrong lengths refused, unknown attributes skipped.
#include "wire/ike/cp_attributes.h"

#include <gtest/gtest.h>

namespace kg::ike {
namespace {

Prefix pre(const char* s) { return *Prefix::parse(s); }
IpAddress ip(const char* s) { return *IpAddress::parse(s); }

Bytes wire_of(const CpPayload& cp) {
  ByteWriter w;
  write_payload_chain({{PayloadType::kCp, cp}}, w);
  return w.take();
}

TEST(CpAttributes, RequestIsEmptyAttributes) {
  ConfigAttributes a;
  a.want_ip4 = true;
  a.want_dns = true;
  a.subnets = {pre("192.0.2.128/25")};
  auto cp = encode_config(CfgType::kRequest, a);
  // Generic header (4), CFG_REQUEST + 3 reserved, IP4_ADDRESS len 0, IP4_DNS
  // len 0, IP4_SUBNET len 8 with address and mask.
  auto b = wire_of(cp);
  EXPECT_EQ(to_hex(b), "0000001c"
                       "01000000"
                       "00010000"
                       "00030000"
                       "000d0008c0000280ffffff80");
  auto back = decode_config(cp);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);
}

TEST(CpAttributes, ReplyRoundTrip) {
  ConfigAttributes a;
  a.ip4 = pre("198.18.1.10/24");
  a.ip6 = Prefix{ip("2001:db8:1::10"), 64};
  a.dns = {ip("198.18.0.53"), ip("2001:db8::53")};
  a.subnets = {pre("203.0.113.0/24"), pre("2001:db8:2::/48")};
  a.domain = "example.net";
  auto cp = encode_config(CfgType::kReply, a);
  EXPECT_EQ(cp.cfg_type, CfgType::kReply);
  EXPECT_EQ(cp.attributes[0].type, 1);  // INTERNAL_IP4_ADDRESS
  EXPECT_EQ(cp.attributes[1].type, 2);  // INTERNAL_IP4_NETMASK 255.255.255.0
  EXPECT_EQ(to_hex(cp.attributes[1].value), "ffffff00");
  EXPECT_EQ(cp.attributes[2].type, 8);  // INTERNAL_IP6_ADDRESS: 16 + prefix length
  EXPECT_EQ(cp.attributes[2].value.size(), 17u);
  EXPECT_EQ(cp.attributes[2].value[16], 64);
  auto back = decode_config(cp);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);
  // The payload survives the generic payload codec too.
  auto chain = parse_payload_chain(PayloadType::kCp, ByteView(wire_of(cp)).subspan(0));
  ASSERT_TRUE(chain);
}

TEST(CpAttributes, BannerIsCiscoUnityBanner) {
  ConfigAttributes a;
  a.banner = "Welcome to keygate\nAuthorized users only";
  auto cp = encode_config(CfgType::kReply, a);
  ASSERT_EQ(cp.attributes.size(), 1u);
  EXPECT_EQ(cp.attributes[0].type, 28672);  // UNITY_BANNER
  auto back = decode_config(cp);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->banner, a.banner);
  // A control character other than newline or tab is not passed on to a log.
  CpPayload raw{CfgType::kReply, {{28672, {'h', 'i', 0x1b, '[', '2', 'J'}}}};
  EXPECT_EQ(decode_config(raw)->banner, "hi.[2J");
  // Asked for with an empty attribute.
  CpPayload ask{CfgType::kRequest, {{28672, {}}}};
  EXPECT_TRUE(decode_config(ask)->want_banner);
}

TEST(CpAttributes, ReplyAddressWithoutNetmaskIsHost) {
  CpPayload cp{CfgType::kReply, {{1, {198, 18, 1, 10}}}};
  auto a = decode_config(cp);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ip4, pre("198.18.1.10/32"));
}

TEST(CpAttributes, BadLengthsAndMasksRefused) {
  for (CpPayload bad : {CpPayload{CfgType::kReply, {{1, {1, 2, 3}}}},
                        CpPayload{CfgType::kReply, {{3, {1, 2, 3, 4, 5}}}},
                        CpPayload{CfgType::kReply, {{8, Bytes(16, 0)}}},
                        CpPayload{CfgType::kReply, {{8, [] { Bytes b(17, 0); b[16] = 129; return b; }()}}},
                        CpPayload{CfgType::kReply, {{10, Bytes(4, 0)}}},
                        CpPayload{CfgType::kReply, {{13, Bytes(7, 0)}}},
                        CpPayload{CfgType::kReply, {{13, {192, 0, 2, 0, 255, 0, 255, 0}}}},
                        CpPayload{CfgType::kReply, {{1, {198, 18, 1, 10}}, {2, {255, 0, 255, 0}}}}}) {
    auto r = decode_config(bad);
    EXPECT_FALSE(r);
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::kInvalidSyntax);
    }
  }
}

TEST(CpAttributes, UnknownAttributesIgnored) {
  // Windows asks for MS-specific attributes; strongSwan for P-CSCF (20).
  CpPayload cp{CfgType::kRequest, {{23456, {}}, {20, {}}, {1, {}}, {28672, {}}, {7, {'x', 0x01}}}};
  auto a = decode_config(cp);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->want_ip4);
  EXPECT_EQ(a->application_version, "x.");
}

}  // namespace
}  // namespace kg::ike
