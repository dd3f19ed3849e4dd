// Values hidden with the shared secret and the Request Authenticator:
// User-Password (RFC 2865 §5.2) and the MS-MPPE-Send-Key/Recv-Key of an
// Access-Accept (RFC 2548 §2.4.2, §2.4.3), whose concatenation
// Recv-Key | Send-Key is the EAP method's MSK (RFC 3579 §2.1 says the
// keys go there; RFC 7296 §2.16 uses the MSK for AUTH).
//
// Both XOR 16-octet blocks of the value with an MD5 chain:
//   b(1) = MD5(secret | R [| salt]),  c(i) = p(i) xor b(i),
//   b(i) = MD5(secret | c(i-1))
// MPPE keys:  Salt(2, high bit set) | C,  where P = Key-Length(1) | Key | zero padding.
#pragma once
#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

using kg::radius::Authenticator;

// User-Password's value for `password` (at most 128 octets).
[[nodiscard]] Result<Bytes> hide_user_password(ByteView password, const Secret& secret, const Authenticator& request);
[[nodiscard]] Result<Secret> reveal_user_password(ByteView hidden, const Secret& secret, const Authenticator& request);

// MS-MPPE-*-Key value <-> key. Encoding is the server's side (tests).
[[nodiscard]] Result<Bytes> encode_mppe_key(ByteView key, uint16_t salt, const Secret& secret,
                                            const Authenticator& request);
[[nodiscard]] Result<Secret> decode_mppe_key(ByteView value, const Secret& secret, const Authenticator& request);

// The MSK of an Access-Accept answering `request`: Recv-Key | Send-Key.
// Empty when the Accept has neither (EAP-MD5); error when one is missing
// or malformed.
[[nodiscard]] Result<Secret> msk_from_accept(const kg::radius::Packet& accept, const Secret& secret,
                                             const Authenticator& request);

}  // namespace kg::aaa::radius
