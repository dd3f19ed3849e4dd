// Fuzz target: a RADIUS reply as the client checks it (RFC 2865 §3, RFC 3579
// §3.2) and the MS-MPPE keys it would decode (RFC 2548 §2.4.2) with a fixed
// secret and request. Nothing may crash; whatever parses (with at most one
// Message-Authenticator) is sealed as a reply and must open again.
#include <cstdint>
#include <cstdlib>

#include "aaa/radius/authenticator.h"
#include "aaa/radius/hiding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::aaa::radius;
  static const kg::Secret secret("testing123");
  Authenticator request{};
  for (size_t i = 0; i < 16; ++i) request[i] = uint8_t(i);
  kg::ByteView in(data, size);
  (void)msk_from_accept(kg::radius::Packet::parse(in).value_or(kg::radius::Packet{}), secret, request);
  (void)decode_mppe_key(in, secret, request);
  auto p = kg::radius::Packet::parse(in);
  if (!p || p->all(kg::radius::AttrType::kMessageAuthenticator).size() > 1) return 0;
  auto resealed = seal_reply(*p, request, secret);
  if (!resealed) return 0;
  if (!open_reply(*resealed, request, secret, true)) std::abort();
  return 0;
}
