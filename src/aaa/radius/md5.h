// MD5 and HMAC-MD5, which RADIUS's authenticators and hidden attributes
// are built on (RFC 2865 §3, §5.2; RFC 3579 §3.2). Internal to aaa/radius.
#pragma once
#include <initializer_list>

#include "common/bytes.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

// MD5 over the concatenation of `parts`.
[[nodiscard]] kg::radius::Authenticator md5(std::initializer_list<ByteView> parts);
// HMAC-MD5(key, data).
[[nodiscard]] kg::radius::Authenticator hmac_md5(ByteView key, ByteView data);

}  // namespace kg::aaa::radius
