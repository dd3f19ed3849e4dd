// IKEv2 pseudo-random functions and the key schedule (RFC 7296 §2.13-2.18).
// Pure functions over spans, backed by OpenSSL EVP_MAC (HMAC).
#pragma once
#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/algorithm_ids.h"

namespace kg::crypto {

// Output size of the PRF in bytes (= preferred key size for HMAC PRFs).
size_t prf_size(Prf prf);
bool prf_supported(Prf prf);

// prf(K, S)
[[nodiscard]] Result<Secret> prf(Prf alg, ByteView key, ByteView data);

// prf+(K, S) = T1 | T2 | ... truncated to `len` (§2.13)
[[nodiscard]] Result<Secret> prf_plus(Prf alg, ByteView key, ByteView seed, size_t len);

// SKEYSEED = prf(Ni | Nr, g^ir) (§2.14)
[[nodiscard]] Result<Secret> skeyseed(Prf alg, ByteView ni, ByteView nr, ByteView g_ir);

// SKEYSEED for an IKE SA rekey: prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18)
[[nodiscard]] Result<Secret> skeyseed_rekey(Prf alg, ByteView sk_d_old, ByteView g_ir,
                                            ByteView ni, ByteView nr);

struct IkeKeySizes {
  size_t encr = 0;  // encryption key incl. salt for AEAD (e.g. 16+4 for AES-GCM-128)
  size_t integ = 0; // 0 for AEAD
  size_t prf = 0;   // prf_size()
};

struct IkeKeys {
  Secret sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
//   = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)   (§2.14)
[[nodiscard]] Result<IkeKeys> derive_ike_keys(Prf alg, const IkeKeySizes& sizes,
                                              ByteView skeyseed, ByteView ni, ByteView nr,
                                              uint64_t spi_i, uint64_t spi_r);

struct ChildKeys {
  // Initiator-to-responder and responder-to-initiator directions (§2.17):
  // KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), taken in the order
  // encr_i, integ_i, encr_r, integ_r.
  Secret encr_i, integ_i, encr_r, integ_r;
};
[[nodiscard]] Result<ChildKeys> derive_child_keys(Prf alg, ByteView sk_d, size_t encr_size,
                                                  size_t integ_size, ByteView g_ir_or_empty,
                                                  ByteView ni, ByteView nr);

}  // namespace kg::crypto
