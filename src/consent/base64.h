// Base 64 (RFC 4648 §4, with padding): how a consent-token challenge and its
// response travel by e-mail or chat. Decoding is strict: the pasted text must
// be exactly one canonical encoding, so two spellings never name one token.
#pragma once
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::consent {

std::string base64_encode(ByteView data);
// Errors name what is wrong (a character outside the alphabet and where, a
// length that is not a multiple of four, bad padding).
Result<Bytes> base64_decode(std::string_view text);

}  // namespace kg::consent
