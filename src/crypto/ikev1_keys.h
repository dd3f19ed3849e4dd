// The IKEv1 key schedule and phase-1 encryption (RFC 2409 §5, §5.5,
// Appendix B), as pure functions over spans. The PRF is the HMAC of the
// negotiated hash (RFC 2409 §4: no PRF attribute is negotiated in practice);
// the IV derivations use the bare hash.
#pragma once
#include <initializer_list>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/algorithm_ids.h"

namespace kg::crypto::ikev1 {

// prf(key, parts...) with the HMAC of `hash`.
[[nodiscard]] Result<Secret> prf(Prf hash, ByteView key, std::initializer_list<ByteView> parts);
// hash(parts...), the bare digest.
[[nodiscard]] Result<Bytes> digest(Prf hash, std::initializer_list<ByteView> parts);

// §5: for pre-shared keys, SKEYID = prf(pre-shared-key, Ni_b | Nr_b).
[[nodiscard]] Result<Secret> skeyid_psk(Prf hash, ByteView psk, ByteView ni, ByteView nr);
// §5: for signatures, SKEYID = prf(Ni_b | Nr_b, g^xy).
[[nodiscard]] Result<Secret> skeyid_sig(Prf hash, ByteView ni, ByteView nr, ByteView g_xy);

struct Phase1Keys {
  Secret skeyid_d;  // keys Quick Mode's KEYMAT
  Secret skeyid_a;  // authenticates phase-2 and informational messages
  Secret skeyid_e;
  Secret enc_key;   // the cipher key taken from SKEYID_e (App. B)
};

// §5: SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
//     SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
//     SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
// App. B: the cipher key is the first enc_key_len bytes of SKEYID_e, or,
// when SKEYID_e is shorter, of K1 | K2 | ... with K1 = prf(SKEYID_e, 0) and
// Kn = prf(SKEYID_e, Kn-1).
[[nodiscard]] Result<Phase1Keys> derive_phase1(Prf hash, ByteView skeyid, ByteView g_xy, uint64_t cky_i,
                                               uint64_t cky_r, size_t enc_key_len);

// §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
//     HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
// `sa_i` is always the initiator's SA body; the `initiator` flag orders the rest.
[[nodiscard]] Result<Bytes> auth_hash(Prf hash, ByteView skeyid, bool initiator, ByteView g_xi, ByteView g_xr,
                                      uint64_t cky_i, uint64_t cky_r, ByteView sa_i, ByteView id_b);

// App. B: the phase-1 IV is hash(g^xi | g^xr); a phase-2 or informational
// exchange starts from hash(last phase-1 CBC block | M-ID). Both truncated
// to the cipher's block size.
[[nodiscard]] Result<Bytes> phase1_iv(Prf hash, ByteView g_xi, ByteView g_xr, size_t block);
[[nodiscard]] Result<Bytes> phase2_iv(Prf hash, ByteView last_phase1_block, uint32_t message_id, size_t block);

// §5.5: KEYMAT = K1 | K2 | ..., K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
// Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
// `spi` is the SPI of the direction being keyed (the receiver's choice).
[[nodiscard]] Result<Secret> keymat(Prf hash, ByteView skeyid_d, ByteView g_qm_or_empty, uint8_t protocol,
                                    uint32_t spi, ByteView ni, ByteView nr, size_t len);

// CBC with an explicit IV and no padding (IKEv1 pads inside the message,
// App. B): `data` must be a multiple of the block size. kAesCbc (16, 24, 32
// byte keys) and k3des.
[[nodiscard]] Result<Bytes> cbc_encrypt(Cipher c, ByteView key, ByteView iv, ByteView data);
[[nodiscard]] Result<Bytes> cbc_decrypt(Cipher c, ByteView key, ByteView iv, ByteView data);
size_t cbc_block_size(Cipher c);  // 16 AES, 8 3DES; 0 otherwise

}  // namespace kg::crypto::ikev1
