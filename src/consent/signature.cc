#include "consent/signature.h"

#include "consent/base64.h"

namespace kg::consent {

Result<Bytes> parse_public_key(std::string_view spki_base64) {
  auto der = base64_decode(spki_base64);
  if (!der) return fail(Errc::kInvalidArgument, "public key: " + der.error().message);
  auto raw = crypto::ed25519_public_from_spki(*der);
  if (!raw) return fail(raw.error().code, "public key: " + raw.error().message);
  return raw;
}

std::string public_key_base64(ByteView raw) {
  Bytes der = crypto::ed25519_spki(raw);
  return der.empty() ? "" : base64_encode(der);
}

}  // namespace kg::consent
