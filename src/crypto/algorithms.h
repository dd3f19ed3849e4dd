// The algorithm registry: everything keygate knows about each encryption,
// integrity, PRF and Diffie-Hellman algorithm, each defined once (one row in
// algorithms.cc): its IOS keywords, IKEv2 transform ID (with room for the
// IKEv1 one), sizes, whether it is legacy, whether it is in the smart-default
// lists, and which backend implements it. Configuration parsing, show output,
// the running-config, proposal selection, the IKE SK ciphers and the ESP
// ciphers all read it, so adding an algorithm means adding a row here and,
// if it needs new code, a case in its backend.
//
// It lives in src/crypto so that config, ike, esp and daemon can all read it.
// Each row is named by the crypto layer's own identifier (algorithm_ids.h);
// the IKEv2 transform ID and the IKEv1 ID are plain numbers in columns, which
// src/ike translates at its edge (find_*_by_ikev2_id), and IOS words are
// strings: it never sees the configuration model nor the IKE wire format.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/algorithm_ids.h"

namespace kg::crypto {

// The code that implements an algorithm. The IKE SK ciphers (sk_cipher.cc)
// and the ESP ciphers (esp/esp_cipher.cc) each have one path per backend.
enum class Backend : uint8_t {
  kAeadGcm,       // AES-GCM (RFC 4106, RFC 5282): OpenSSL EVP; for ESP the crypto engine (crypto_engine.h)
  kAeadChacha,    // ChaCha20-Poly1305 through OpenSSL EVP (RFC 7634)
  kCbc,           // a block cipher in CBC mode with a separate HMAC (RFC 3602)
  kHmac,          // HMAC: OpenSSL EVP_MAC for IKE, esp/esp_hmac.cc for ESP
  kDh,            // Diffie-Hellman / ECDH through OpenSSL EVP_PKEY (dh.cc)
};

// An encryption transform (IKEv2 transform type 1). One row per key size, as
// IOS has one keyword per key size.
struct EncrAlgorithm {
  const char* name;             // family, as `show crypto ikev2 sa` prints it: "AES-GCM"
  Cipher id;
  uint16_t ikev2_id;            // IKEv2 transform ID, type 1 (RFC 7296 §3.3.2, IANA)
  uint16_t key_bits;            // the IKEv2 Key Length attribute keygate sends and expects (0: none)
  bool fixed_key;               // a cipher with one key size: also matched when key_bits is 0
  uint8_t ikev1_id;             // IKEv1 (RFC 2409 App. A) encryption algorithm; 0: not defined yet
  std::string_view ike_word;    // `encryption` word in crypto ikev2 proposal ("": none)
  std::string_view esp_word;    // transform-set word ("esp-gcm"; "": not for ESP)
  uint16_t esp_word_bits;       // the key size word that follows it ("esp-gcm 256"); 0: none
  bool esp_word_bare;           // the word alone means this row ("esp-aes" = 128)
  std::string_view esp_show;    // `show crypto ipsec sa` transform ("esp-256-aes")
  const char* evp;              // OpenSSL cipher name
  uint8_t key_size;             // cipher key, bytes (without salt)
  uint8_t salt_size;            // AEAD salt appended to the key material (RFC 4106 §8.1, RFC 7634 §2)
  uint8_t iv_size;              // explicit IV in each packet/SK payload
  uint8_t block_size;           // ESP padding alignment (RFC 4303 §2.4); CBC: the cipher block
  uint8_t icv_size;             // AEAD tag; 0 for CBC (the integrity transform's)
  bool aead;                    // no integrity transform (RFC 7296 §3.3)
  bool esp;                     // the ESP data path implements it
  bool legacy;                  // accepted only with a warning
  uint8_t ike_default;          // position in the default IKEv2 proposal (0: not in it)
  uint8_t esp_default;          // position in the default transform set (0: not in it)
  Backend backend;
};

// An integrity transform (IKEv2 transform type 3), HMAC truncated (RFC 2404, RFC 4868).
struct IntegAlgorithm {
  const char* name;             // "SHA256", as `show crypto ikev2 sa` prints it
  Mac id;
  uint16_t ikev2_id;            // IKEv2 transform ID, type 3
  uint8_t ikev1_id;             // IKEv1 hash / authentication algorithm; 0: not defined yet
  std::string_view ike_word;    // `integrity` word ("sha256")
  std::string_view esp_word;    // transform-set word ("esp-sha256-hmac")
  const char* digest;           // OpenSSL digest name
  uint8_t key_size;             // HMAC key (= digest size)
  uint8_t icv_size;             // truncated ICV
  uint8_t hmac_block;           // the digest's block size (RFC 2104 B)
  Prf prf;                      // the PRF IOS uses with it when no `prf` is configured
  bool legacy;
  uint8_t ike_default;          // position in the default IKEv2 proposal (0: not in it)
  uint8_t esp_default;          // position in the default transform set (0: not in it)
  Backend backend;
};

// A pseudo-random function (IKEv2 transform type 2).
struct PrfAlgorithm {
  const char* name;             // "SHA256"
  Prf id;
  uint16_t ikev2_id;            // IKEv2 transform ID, type 2
  std::string_view ike_word;    // `prf` word ("sha256")
  const char* digest;           // OpenSSL digest name
  uint8_t size;                 // output size = preferred key size (RFC 7296 §2.13)
  bool legacy;
  uint8_t ike_default;
  Backend backend;
};

// A Diffie-Hellman group (IKEv2 transform type 4).
struct DhAlgorithm {
  const char* name;             // "ECP256" in logs
  Group id;
  uint16_t ikev2_id;            // IKEv2 transform ID, type 4; also the IOS group number
                                // (`group 19`, `set pfs group19`)
  std::string_view show;        // `show crypto ikev2 proposal`: "DH_GROUP_256_ECP/Group 19"
  bool legacy;
  uint8_t ike_default;
  Backend backend;
};

std::span<const EncrAlgorithm> encr_algorithms();
std::span<const IntegAlgorithm> integ_algorithms();
std::span<const PrfAlgorithm> prf_algorithms();
std::span<const DhAlgorithm> dh_algorithms();

// By the crypto layer's identifier; nullptr for Mac::kNone / Group::kNone
// or a key size the cipher does not have.
const EncrAlgorithm* find_encr(Cipher id, uint16_t key_bits);
const IntegAlgorithm* find_integ(Mac id);
const PrfAlgorithm* find_prf(Prf id);
const DhAlgorithm* find_dh(Group id);

// By IKEv2 transform ID (the edge where src/ike translates); nullptr when
// keygate does not know it. key_bits 0: no Key Length attribute.
const EncrAlgorithm* find_encr_by_ikev2_id(uint16_t id, uint16_t key_bits);
const IntegAlgorithm* find_integ_by_ikev2_id(uint16_t id);
const PrfAlgorithm* find_prf_by_ikev2_id(uint16_t id);
const DhAlgorithm* find_dh_by_ikev2_id(uint16_t id);

// By IOS keyword; nullptr when it is not one.
const EncrAlgorithm* find_encr_ike_word(std::string_view w);
const IntegAlgorithm* find_integ_ike_word(std::string_view w);
const PrfAlgorithm* find_prf_ike_word(std::string_view w);
// A transform-set encryption entry as the model stores it: "esp-gcm 256" or
// the bare "esp-aes".
const EncrAlgorithm* find_encr_esp_word(std::string_view entry);
const IntegAlgorithm* find_integ_esp_word(std::string_view w);

// The name and Key Length as logs show them: "AES-GCM-256"; a cipher
// without a Key Length attribute has its name alone.
std::string encr_label(Cipher id, uint16_t key_bits);

// The warning IOS-style configuration prints when a legacy algorithm is
// configured; `word` is the keyword as the user sees it.
std::string legacy_warning(std::string_view word);

}  // namespace kg::crypto
