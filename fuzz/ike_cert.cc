// Fuzz target: CERT / CERTREQ payload chains and SKF messages (RFC 7296
// §3.6-3.7, RFC 7383 §2.5). The first input byte picks the mode:
//   0: a payload chain starting with CERT; X.509 data also goes through
//      crypto::Certificate (OpenSSL's parser and our accessors);
//   1: a payload chain starting with CERTREQ;
//   2: a whole IKE message (e.g. header + SKF).
// Whatever parses must write back and parse again to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "crypto/x509.h"
#include "wire/ike/payloads.h"

namespace {

void exercise(const kg::ike::CertPayload& c) {
  if (c.encoding != uint8_t(kg::ike::CertEncoding::kX509Signature)) return;
  auto cert = kg::crypto::Certificate::from_der(c.data);
  if (!cert) return;
  (void)cert->subject();
  (void)cert->issuer();
  (void)cert->serial_hex();
  (void)cert->dns_names();
  (void)cert->emails();
  (void)cert->ip_addresses();
  (void)cert->spki_sha1();
  (void)cert->key();
  (void)cert->not_after();
  (void)cert->has_identity(kg::crypto::NameKind::kDnsName, kg::as_bytes("a.example.net"));
  (void)kg::crypto::dn_text(cert->subject_der());
}

void round_trip_chain(kg::ike::PayloadType first, kg::ByteView in) {
  using namespace kg::ike;
  auto chain = parse_payload_chain(first, in);
  if (!chain) return;
  for (auto& p : *chain)
    if (auto* c = std::get_if<CertPayload>(&p.body)) exercise(*c);
  kg::ByteWriter w;
  write_payload_chain(*chain, w);
  auto again = parse_payload_chain(chain->empty() ? first : chain->front().type, w.data());
  if (!again) std::abort();
  kg::ByteWriter w2;
  write_payload_chain(*again, w2);
  if (w2.data() != w.data()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::ike;
  if (size == 0) return 0;
  kg::ByteView in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: round_trip_chain(PayloadType::kCert, in); break;
    case 1: round_trip_chain(PayloadType::kCertReq, in); break;
    default: {
      auto m = parse_message(in);
      if (!m) return 0;
      auto w = encode_message(m->header, m->payloads);
      auto again = parse_message(w);
      if (!again || encode_message(again->header, again->payloads) != w) std::abort();
    }
  }
  return 0;
}
