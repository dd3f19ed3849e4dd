#include "crypto/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace kg::crypto {
namespace {

constexpr std::string_view kAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr size_t kSaltChars = 14, kHashBytes = 32, kHashChars = 43;
constexpr uint64_t kN = 16384, kR = 1, kP = 1;

// Base64 with the crypt alphabet, most significant bits first, no padding.
std::string encode(const uint8_t* p, size_t n) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = acc << 8 | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

bool in_alphabet(std::string_view s) { return s.find_first_not_of(kAlphabet) == std::string_view::npos; }

}  // namespace

std::string type9_hash(std::string_view password, std::string_view salt) {
  std::array<uint8_t, kHashBytes> key{};
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), kN, kR, kP, 64ull << 20, key.data(), key.size()) != 1)
    return {};
  std::string out = "$9$" + std::string(salt) + "$" + encode(key.data(), key.size());
  OPENSSL_cleanse(key.data(), key.size());
  return out;
}

std::string type9_new(std::string_view password, Random& rng) {
  std::array<uint8_t, kSaltChars> r{};
  rng.fill(r);
  std::string salt;
  for (uint8_t b : r) salt += kAlphabet[b & 63];
  return type9_hash(password, salt);
}

bool type9_valid(std::string_view s) {
  if (s.size() != 3 + kSaltChars + 1 + kHashChars || !s.starts_with("$9$") || s[3 + kSaltChars] != '$')
    return false;
  return in_alphabet(s.substr(3, kSaltChars)) && in_alphabet(s.substr(4 + kSaltChars));
}

bool type9_verify(std::string_view password, std::string_view stored) {
  if (!type9_valid(stored)) return false;
  std::string h = type9_hash(password, stored.substr(3, kSaltChars));
  bool same = h.size() == stored.size() && CRYPTO_memcmp(h.data(), stored.data(), h.size()) == 0;
  OPENSSL_cleanse(h.data(), h.size());
  return same;
}

}  // namespace kg::crypto
