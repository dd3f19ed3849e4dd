// The algorithm registry's rows (algorithms.h). The order of each table is
// the order IOS lists the keywords in `?` help and the order the syntax
// alternatives are built in; the default lists have their own positions.
#include "crypto/algorithms.h"

#include <algorithm>

namespace kg::crypto {
namespace {

using B = Backend;
using C = Cipher;
using M = Mac;
using P = Prf;
using G = Group;

// IKEv1 IDs: RFC 2409 App. A (3DES-CBC 5), RFC 3602 §5 (AES-CBC 7).
// Sizes: RFC 4106 §8.1 / RFC 5282 §7.1 (GCM: 4-byte salt, 8-byte IV),
// RFC 7634 §2 (ChaCha20-Poly1305: the same layout),
// RFC 3602 (AES-CBC: IV = block = 16), RFC 2451 (3DES: IV = block = 8).
constexpr EncrAlgorithm kEncr[] = {
    // name      id            ikev2  bits fixed v1  ike word       esp word    bits bare   show             evp             key salt iv blk icv aead   esp   legacy ike esp
    {"AES-CBC", C::kAesCbc,       12, 128, false, 7, "aes-cbc-128", "esp-aes",  128, true,  "esp-128-aes", "AES-128-CBC",  16, 0, 16, 16, 0, false, true,  false, 4, 0, B::kCbc},
    {"AES-CBC", C::kAesCbc,       12, 192, false, 7, "aes-cbc-192", "esp-aes",  192, false, "esp-192-aes", "AES-192-CBC",  24, 0, 16, 16, 0, false, true,  false, 0, 0, B::kCbc},
    {"AES-CBC", C::kAesCbc,       12, 256, false, 7, "aes-cbc-256", "esp-aes",  256, false, "esp-256-aes", "AES-256-CBC",  32, 0, 16, 16, 0, false, true,  false, 3, 3, B::kCbc},
    {"AES-GCM", C::kAesGcm16,    20, 128, false, 0, "aes-gcm-128", "esp-gcm",  128, true,  "esp-gcm 128", "AES-128-GCM",  16, 4, 8, 4, 16, true,  true,  false, 2, 2, B::kAeadGcm},
    {"AES-GCM", C::kAesGcm16,    20, 256, false, 0, "aes-gcm-256", "esp-gcm",  256, false, "esp-gcm 256", "AES-256-GCM",  32, 4, 8, 4, 16, true,  true,  false, 1, 1, B::kAeadGcm},
    // 3DES: today keygate sends a Key Length attribute of 192 for it.
    {"3DES",    C::k3des,          3, 192, true,  5, "3des",        "esp-3des",   0, true,  "esp-3des",    "DES-EDE3-CBC", 24, 0, 8, 8, 0,  false, true,  true,  0, 0, B::kCbc},
    // RFC 7634: ENCR_CHACHA20_POLY1305 (IANA 28), 256-bit key + 4-byte salt,
    // 8-byte IV, 16-byte tag, no Key Length attribute (§3). Not a default:
    // IOS has no ChaCha20 at all.
    {"CHACHA20-POLY1305", C::kChacha20Poly1305, 28, 0, true, 0, "chacha20-poly1305", "esp-chacha20-poly1305", 0, true,
     "esp-chacha20-poly1305", "ChaCha20-Poly1305", 32, 4, 8, 4, 16, true, true, false, 0, 0, B::kAeadChacha},
    // Understood in IKE (a peer may offer them), no IOS keyword.
    {"AES-GCM", C::kAesGcm16,    20, 192, false, 0, "", "", 0, false, "", "AES-192-GCM",  24, 4, 8, 4, 16, true, false, false, 0, 0, B::kAeadGcm},
    {"AES-GCM8", C::kAesGcm8,    18, 128, false, 0, "", "", 0, false, "", "AES-128-GCM",  16, 4, 8, 4, 8,  true, false, false, 0, 0, B::kAeadGcm},
    {"AES-GCM8", C::kAesGcm8,    18, 192, false, 0, "", "", 0, false, "", "AES-192-GCM",  24, 4, 8, 4, 8,  true, false, false, 0, 0, B::kAeadGcm},
    {"AES-GCM8", C::kAesGcm8,    18, 256, false, 0, "", "", 0, false, "", "AES-256-GCM",  32, 4, 8, 4, 8,  true, false, false, 0, 0, B::kAeadGcm},
    {"AES-GCM12", C::kAesGcm12,   19, 128, false, 0, "", "", 0, false, "", "AES-128-GCM", 16, 4, 8, 4, 12, true, false, false, 0, 0, B::kAeadGcm},
    {"AES-GCM12", C::kAesGcm12,   19, 192, false, 0, "", "", 0, false, "", "AES-192-GCM", 24, 4, 8, 4, 12, true, false, false, 0, 0, B::kAeadGcm},
    {"AES-GCM12", C::kAesGcm12,   19, 256, false, 0, "", "", 0, false, "", "AES-256-GCM", 32, 4, 8, 4, 12, true, false, false, 0, 0, B::kAeadGcm},
};

// IKEv1 IDs: RFC 2409 App. A (MD5 1, SHA 2), RFC 4868 §2.4 for SHA-2 (4, 5, 6).
// ICVs: RFC 2403/2404 (96 bits), RFC 4868 §2.3 (half the digest).
constexpr IntegAlgorithm kInteg[] = {
    // name     id                 ikev2 v1 ike word  esp word           digest      key icv blk  prf                    legacy ike esp
    {"SHA96",  M::kHmacSha1_96,      2,  2, "sha1",   "esp-sha-hmac",    "SHA1",     20, 12, 64,  P::kHmacSha1,      false, 0, 0, B::kHmac},
    {"SHA256", M::kHmacSha2_256_128, 12, 4, "sha256", "esp-sha256-hmac", "SHA2-256", 32, 16, 64,  P::kHmacSha2_256,  false, 3, 1, B::kHmac},
    {"SHA384", M::kHmacSha2_384_192, 13, 5, "sha384", "esp-sha384-hmac", "SHA2-384", 48, 24, 128, P::kHmacSha2_384,  false, 2, 0, B::kHmac},
    {"SHA512", M::kHmacSha2_512_256, 14, 6, "sha512", "esp-sha512-hmac", "SHA2-512", 64, 32, 128, P::kHmacSha2_512,  false, 1, 0, B::kHmac},
    {"MD596",  M::kHmacMd5_96,       1,  1, "md5",    "esp-md5-hmac",    "MD5",      16, 12, 64,  P::kHmacMd5,       true,  0, 0, B::kHmac},
};

constexpr PrfAlgorithm kPrf[] = {
    {"SHA1", P::kHmacSha1, 2, "sha1", "SHA1", 20, false, 0, B::kHmac},
    {"SHA256", P::kHmacSha2_256, 5, "sha256", "SHA2-256", 32, false, 3, B::kHmac},
    {"SHA384", P::kHmacSha2_384, 6, "sha384", "SHA2-384", 48, false, 2, B::kHmac},
    {"SHA512", P::kHmacSha2_512, 7, "sha512", "SHA2-512", 64, false, 1, B::kHmac},
    {"MD5", P::kHmacMd5, 1, "md5", "MD5", 16, true, 0, B::kHmac},
};

constexpr DhAlgorithm kDh[] = {
    {"MODP1024", G::kModp1024, 2, "DH_GROUP_1024_MODP/Group 2", true, 0, B::kDh},
    {"MODP1536", G::kModp1536, 5, "DH_GROUP_1536_MODP/Group 5", true, 0, B::kDh},
    {"MODP2048", G::kModp2048, 14, "DH_GROUP_2048_MODP/Group 14", false, 3, B::kDh},
    {"MODP3072", G::kModp3072, 15, "DH_GROUP_3072_MODP/Group 15", false, 0, B::kDh},
    {"MODP4096", G::kModp4096, 16, "DH_GROUP_4096_MODP/Group 16", false, 0, B::kDh},
    {"ECP256", G::kEcp256, 19, "DH_GROUP_256_ECP/Group 19", false, 1, B::kDh},
    {"ECP384", G::kEcp384, 20, "DH_GROUP_384_ECP/Group 20", false, 2, B::kDh},
    {"ECP521", G::kEcp521, 21, "DH_GROUP_521_ECP/Group 21", false, 0, B::kDh},
    {"CURVE25519", G::kCurve25519, 31, "DH_GROUP_CURVE25519/Group 31", false, 0, B::kDh},
};

template <class T, class Pred>
const T* find_row(std::span<const T> rows, Pred p) {
  auto it = std::find_if(rows.begin(), rows.end(), p);
  return it == rows.end() ? nullptr : &*it;
}

}  // namespace

std::span<const EncrAlgorithm> encr_algorithms() { return kEncr; }
std::span<const IntegAlgorithm> integ_algorithms() { return kInteg; }
std::span<const PrfAlgorithm> prf_algorithms() { return kPrf; }
std::span<const DhAlgorithm> dh_algorithms() { return kDh; }

const EncrAlgorithm* find_encr(Cipher id, uint16_t key_bits) {
  return find_row(encr_algorithms(), [&](const EncrAlgorithm& a) {
    return a.id == id && (a.key_bits == key_bits || (a.fixed_key && key_bits == 0));
  });
}
const IntegAlgorithm* find_integ(Mac id) {
  return find_row(integ_algorithms(), [&](const IntegAlgorithm& a) { return a.id == id; });
}
const PrfAlgorithm* find_prf(Prf id) {
  return find_row(prf_algorithms(), [&](const PrfAlgorithm& a) { return a.id == id; });
}
const DhAlgorithm* find_dh(Group id) {
  return find_row(dh_algorithms(), [&](const DhAlgorithm& a) { return a.id == id; });
}

const EncrAlgorithm* find_encr_by_ikev2_id(uint16_t id, uint16_t key_bits) {
  return find_row(encr_algorithms(), [&](const EncrAlgorithm& a) {
    return a.ikev2_id == id && (a.key_bits == key_bits || (a.fixed_key && key_bits == 0));
  });
}
const IntegAlgorithm* find_integ_by_ikev2_id(uint16_t id) {
  return find_row(integ_algorithms(), [&](const IntegAlgorithm& a) { return a.ikev2_id == id; });
}
const PrfAlgorithm* find_prf_by_ikev2_id(uint16_t id) {
  return find_row(prf_algorithms(), [&](const PrfAlgorithm& a) { return a.ikev2_id == id; });
}
const DhAlgorithm* find_dh_by_ikev2_id(uint16_t id) {
  return find_row(dh_algorithms(), [&](const DhAlgorithm& a) { return a.ikev2_id == id; });
}

const EncrAlgorithm* find_encr_ike_word(std::string_view w) {
  if (w.empty()) return nullptr;
  return find_row(encr_algorithms(), [&](const EncrAlgorithm& a) { return a.ike_word == w; });
}
const IntegAlgorithm* find_integ_ike_word(std::string_view w) {
  if (w.empty()) return nullptr;
  return find_row(integ_algorithms(), [&](const IntegAlgorithm& a) { return a.ike_word == w; });
}
const PrfAlgorithm* find_prf_ike_word(std::string_view w) {
  if (w.empty()) return nullptr;
  return find_row(prf_algorithms(), [&](const PrfAlgorithm& a) { return a.ike_word == w; });
}

const EncrAlgorithm* find_encr_esp_word(std::string_view entry) {
  if (entry.empty()) return nullptr;
  auto sp = entry.find(' ');
  std::string_view word = entry.substr(0, sp);
  std::string_view bits = sp == std::string_view::npos ? std::string_view() : entry.substr(sp + 1);
  return find_row(encr_algorithms(), [&](const EncrAlgorithm& a) {
    if (a.esp_word != word) return false;
    if (bits.empty()) return a.esp_word_bare;
    return a.esp_word_bits != 0 && std::to_string(a.esp_word_bits) == bits;
  });
}
const IntegAlgorithm* find_integ_esp_word(std::string_view w) {
  if (w.empty()) return nullptr;
  return find_row(integ_algorithms(), [&](const IntegAlgorithm& a) { return a.esp_word == w; });
}

std::string encr_label(Cipher id, uint16_t key_bits) {
  const EncrAlgorithm* a = find_encr(id, key_bits);
  std::string s = a ? std::string(a->name) : "ENCR?";
  if (key_bits != 0) s += "-" + std::to_string(key_bits);
  return s;
}

std::string legacy_warning(std::string_view word) {
  return "% Warning: " + std::string(word) + " is insecure and kept only for legacy peers\n";
}

}  // namespace kg::crypto
