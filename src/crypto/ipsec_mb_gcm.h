// AES-GCM-128/256 with a 16-byte tag for ESP (RFC 4106) through Intel's
// IPsec Multi-Buffer library: nonce = salt(4) | IV(8), AAD = the ESP header.
// The key schedule and GHASH key powers are computed once per SA (create);
// a packet costs one library call and no allocation. The object is
// read-only after create, so one SA's cipher may serve several threads.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace kg::crypto {

// True when the library found AES-NI on this CPU (its AES-GCM code needs it).
[[nodiscard]] bool ipsec_mb_available();
// The library's version and the code path it chose: "1.3.0 (AVX512, VAES)".
[[nodiscard]] std::string ipsec_mb_label();

class IpsecMbGcm {
 public:
  // `key` is 16 or 32 bytes; nullptr when the library is not usable on this
  // CPU (ipsec_mb_available) or the key size is not one of those.
  static std::unique_ptr<IpsecMbGcm> create(std::span<const uint8_t> key, std::span<const uint8_t, 4> salt);
  ~IpsecMbGcm();  // wipes the key schedule
  IpsecMbGcm(const IpsecMbGcm&) = delete;
  IpsecMbGcm& operator=(const IpsecMbGcm&) = delete;

  // In place: `text` plaintext in, ciphertext out; `tag` receives the tag.
  void seal(std::span<const uint8_t, 8> iv, std::span<const uint8_t> aad, std::span<uint8_t> text,
            std::span<uint8_t, 16> tag) const;
  // In place: decrypts `text` and compares the tag in constant time. On
  // false the packet is forged or damaged and `text` must be dropped.
  [[nodiscard]] bool open(std::span<const uint8_t, 8> iv, std::span<const uint8_t> aad, std::span<uint8_t> text,
                          std::span<const uint8_t, 16> tag) const;

 private:
  IpsecMbGcm() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  uint8_t salt_[4] = {};
};

}  // namespace kg::crypto
