// One-shot message digests (OpenSSL EVP) for code outside the IKE key
// schedule: fingerprints and audit records.
#pragma once
#include <initializer_list>

#include "common/bytes.h"

namespace kg::crypto {

Bytes sha256(ByteView data);  // 32 bytes
// MD5 over the concatenation of parts (16 bytes): CHAP / EAP-MD5 values.
Bytes md5(std::initializer_list<ByteView> parts);

}  // namespace kg::crypto
