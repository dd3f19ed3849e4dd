// Encoding and decoding of IKE messages for one SA: plain IKE_SA_INIT, or the
// SK payload (RFC 7296 §3.14) for everything after it.
#pragma once
#include <vector>

#include "ike/ike_sa.h"

namespace kg::ike {

// Header + SK { inner }. The AAD is the header and the SK generic header,
// lengths final (§3.14); the SK payload's Next Payload is the first inner type.
Result<Bytes> protect(IkeSa& sa, Header h, const std::vector<TypedPayload>& inner, Random& rng);

// The inner payloads of a parsed message whose last payload is SK.
// kAuthFailed on a bad ICV, kInvalidSyntax when the message is not protected
// or the plaintext does not parse.
Result<std::vector<TypedPayload>> unprotect(IkeSa& sa, const Message& m, ByteView raw);

}  // namespace kg::ike
