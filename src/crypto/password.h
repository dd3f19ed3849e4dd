// Login secrets as IOS stores them: type 9, scrypt (RFC 7914) with
// N = 16384, r = 1, p = 1 over a 14-character salt, written as
//   $9$SALT$HASH
// where SALT and the 32-byte HASH use the crypt(3) alphabet
// ./0-9A-Za-z (the HASH as unpadded base64 in that alphabet, 43 characters).
// A configuration copied from a router keeps working, and a secret typed in
// clear (`secret 0 X`) is stored only as its type 9 hash.
#pragma once
#include <string>
#include <string_view>

#include "common/random.h"

namespace kg::crypto {

// The type 9 string of `password` under `salt` (14 alphabet characters).
std::string type9_hash(std::string_view password, std::string_view salt);
// A new type 9 string with a random salt.
std::string type9_new(std::string_view password, Random& rng);
// Whether `stored` is a well-formed type 9 string.
bool type9_valid(std::string_view stored);
// Whether `password` matches `stored` (constant-time comparison; false for a
// malformed `stored`). Costs one scrypt: about 16 MiB and tens of ms.
bool type9_verify(std::string_view password, std::string_view stored);

}  // namespace kg::crypto
