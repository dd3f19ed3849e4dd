// One-shot message digests (OpenSSL EVP) for code outside the IKE key
// schedule: fingerprints and audit records.
#pragma once
#include "common/bytes.h"

namespace kg::crypto {

Bytes sha256(ByteView data);  // 32 bytes

}  // namespace kg::crypto
