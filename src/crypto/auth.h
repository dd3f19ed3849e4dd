// IKEv2 AUTH payload computation (RFC 7296 §2.15).
#pragma once
#include "common/bytes.h"
#include "common/result.h"
#include "crypto/algorithm_ids.h"

namespace kg::crypto {

// InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload)
// ResponderSignedOctets = RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload)
// `id_body` is the ID payload body (ID type, 3 reserved bytes, data).
[[nodiscard]] Result<Bytes> signed_octets(Prf prf, ByteView real_message,
                                          ByteView peer_nonce, ByteView sk_p, ByteView id_body);

// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
[[nodiscard]] Result<Bytes> psk_auth(Prf prf, ByteView psk, ByteView signed_octets);

}  // namespace kg::crypto
