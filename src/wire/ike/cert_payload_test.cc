// CERT and CERTREQ (RFC 7296 §3.6-3.7), ID_DER_ASN1_DN (§3.5) and the SKF
// payload (RFC 7383 §2.5): exact bytes, round trips and malformed input.
#include <gtest/gtest.h>

#include "wire/ike/payloads.h"

namespace kg::ike {
namespace {

Result<std::vector<TypedPayload>> chain(std::string_view hex, PayloadType first) {
  return parse_payload_chain(first, *from_hex(hex));
}

Bytes write(const std::vector<TypedPayload>& v) {
  ByteWriter w;
  write_payload_chain(v, w);
  return w.take();
}

TEST(CertPayloads, CertX509ExactBytes) {
  // CERT(X.509 signature) with a 5-byte "certificate" (a DER SEQUENCE) then CERTREQ.
  auto c = chain("26 00 000a 04 3003010203   00 00 0019 04 " + std::string(40, 'a') + " ", PayloadType::kCert);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 2u);
  auto* cert = find_payload<CertPayload>(*c, PayloadType::kCert);
  ASSERT_TRUE(cert);
  EXPECT_EQ(cert->encoding, uint8_t(CertEncoding::kX509Signature));
  EXPECT_EQ(to_hex(cert->data), "3003010203");
  auto* req = find_payload<CertReqPayload>(*c, PayloadType::kCertReq);
  ASSERT_TRUE(req);
  ASSERT_EQ(req->authorities.size(), 1u);
  EXPECT_EQ(req->authorities[0], Bytes(20, 0xaa));
  EXPECT_EQ(to_hex(write(*c)), "2600000a0430030102030000001904" + std::string(40, 'a'));
}

TEST(CertPayloads, CertReqListsAndOtherEncodings) {
  CertReqPayload three{4, {Bytes(20, 1), Bytes(20, 2), Bytes(20, 3)}, {}};
  Bytes w = write({{PayloadType::kCertReq, three}});
  EXPECT_EQ(w.size(), 4u + 1 + 60);
  auto back = parse_payload_chain(PayloadType::kCertReq, w);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<CertReqPayload>((*back)[0].body).authorities, three.authorities);
  // Empty CA list: allowed ("any CA").
  auto empty = chain("00 00 0005 04", PayloadType::kCertReq);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(std::get<CertReqPayload>((*empty)[0].body).authorities.empty());
  // 21 bytes of hashes: malformed.
  EXPECT_FALSE(chain("00 00 001a 04 " + std::string(42, '1'), PayloadType::kCertReq));
  // Another encoding keeps its data raw and round-trips.
  auto other = chain("00 00 0008 0c 616263", PayloadType::kCertReq);
  ASSERT_TRUE(other);
  EXPECT_EQ(to_hex(std::get<CertReqPayload>((*other)[0].body).data), "616263");
  EXPECT_EQ(to_hex(write(*other)), "000000080c616263");
  // Not even an encoding byte.
  EXPECT_FALSE(chain("00 00 0004", PayloadType::kCertReq));
}

TEST(CertPayloads, CertRejectsWhatIsNotOneDerSequence) {
  EXPECT_FALSE(chain("00 00 0005 04", PayloadType::kCert));                 // no data
  EXPECT_FALSE(chain("00 00 000a 04 3104010203", PayloadType::kCert));      // SET, not SEQUENCE
  EXPECT_FALSE(chain("00 00 000a 04 3004010203", PayloadType::kCert));      // length past the end
  EXPECT_FALSE(chain("00 00 000b 04 300301020300", PayloadType::kCert));    // trailing byte
  EXPECT_FALSE(chain("00 00 000b 04 30810301020300", PayloadType::kCert));  // non-minimal length
  EXPECT_FALSE(chain("00 00 0008 04 308000", PayloadType::kCert));          // indefinite length
  // Long-form length of a 200-byte body.
  std::string body(400, '5');
  auto ok = chain("00 00 00d0 04 3081c8" + body, PayloadType::kCert);
  ASSERT_TRUE(ok) << ok.error().message;
  // Hash and URL (encoding 12) is opaque to the parser.
  EXPECT_TRUE(chain("00 00 0008 0c 616263", PayloadType::kCert));
}

TEST(CertPayloads, DnIdentityRoundTrips) {
  // ID_DER_ASN1_DN with a small Name: SEQUENCE { SET { SEQUENCE { OID cn, "a" } } }
  Bytes dn = *from_hex("300c310a300806035504030c0161");
  std::vector<TypedPayload> v{{PayloadType::kIdi, IdPayload{IdType::kDerAsn1Dn, dn}}};
  Bytes w = write(v);
  EXPECT_EQ(to_hex(w), "0000001609000000300c310a300806035504030c0161");
  auto back = parse_payload_chain(PayloadType::kIdi, w);
  ASSERT_TRUE(back);
  auto& id = std::get<IdPayload>((*back)[0].body);
  EXPECT_EQ(id.type, IdType::kDerAsn1Dn);
  EXPECT_EQ(id.data, dn);
  EXPECT_EQ(to_hex(id.body()), "09000000300c310a300806035504030c0161");
}

Header header(uint32_t mid) {
  Header h;
  h.spi_i = 1;
  h.spi_r = 2;
  h.exchange = ExchangeType::kIkeAuth;
  h.flags = kFlagInitiator;
  h.message_id = mid;
  return h;
}

TEST(SkfPayload, ExactBytesAndRoundTrip) {
  SkfPayload f{PayloadType::kIdi, 1, 3, Bytes(24, 0xee)};
  Bytes m = encode_message(header(1), {{PayloadType::kSkf, f}});
  // Header next payload 53, SKF generic header (next = IDi 35), numbers 1/3.
  EXPECT_EQ(m[16], 53);
  EXPECT_EQ(to_hex(ByteView(m).subspan(28, 8)), "2300002000010003");
  auto p = parse_message(m);
  ASSERT_TRUE(p) << p.error().message;
  auto& got = std::get<SkfPayload>(p->payloads.back().body);
  EXPECT_EQ(got.first_inner, PayloadType::kIdi);
  EXPECT_EQ(got.number, 1);
  EXPECT_EQ(got.total, 3);
  EXPECT_EQ(got.body, f.body);
  EXPECT_EQ(encode_message(p->header, p->payloads), m);
}

TEST(SkfPayload, LaterFragmentsAndMalformed) {
  auto with = [](const std::string& skf_hex) {
    Bytes b = *from_hex(skf_hex);
    Bytes m = encode_message(header(1), {});
    m[16] = 53;
    m.insert(m.end(), b.begin(), b.end());
    m[24] = 0, m[25] = 0, m[26] = uint8_t(m.size() >> 8), m[27] = uint8_t(m.size());
    return parse_message(m);
  };
  auto later = with("00 00 000a 0002 0003 aabb");
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(std::get<SkfPayload>(later->payloads[0].body).first_inner, PayloadType::kNone);
  // A later fragment's Next Payload is ignored (RFC 7383 §2.5 says it is 0).
  auto ignored = with("23 00 000a 0002 0003 aabb");
  ASSERT_TRUE(ignored);
  EXPECT_EQ(std::get<SkfPayload>(ignored->payloads[0].body).first_inner, PayloadType::kNone);
  EXPECT_FALSE(with("00 00 000a 0000 0003 aabb"));  // fragment 0
  EXPECT_FALSE(with("00 00 000a 0004 0003 aabb"));  // beyond the total
  EXPECT_FALSE(with("00 00 000a 0001 0000 aabb"));  // total 0
  EXPECT_FALSE(with("00 00 0008 0001 0001"));       // no encrypted data
  EXPECT_FALSE(with("00 00 0006 0001"));            // truncated numbers
  // SKF must be last, and never inside SK.
  Bytes inner = *from_hex("00 00 000a 0001 0001 aabb");
  EXPECT_FALSE(parse_payload_chain(PayloadType::kSkf, inner));
}

}  // namespace
}  // namespace kg::ike
