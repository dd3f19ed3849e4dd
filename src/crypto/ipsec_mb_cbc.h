// AES-CBC-128/192/256 with HMAC-SHA-1-96 (RFC 2404) or HMAC-SHA-256-128 /
// -384-192 / -512-256 (RFC 4868) for ESP (RFC 4303 encrypt-then-MAC, AES-CBC
// per RFC 3602) through Intel's IPsec Multi-Buffer library: one job of its
// job API (IMB_CIPHER_CBC chained with IMB_AUTH_HMAC_SHA_*) encrypts the
// payload and authenticates SPI | seq | IV | ciphertext, or verifies and
// decrypts. The AES key schedules and the HMAC inner and outer digest states
// (the library's "ipad/opad hashes", from its one-block SHA functions; the
// 1.3 API has no imb_hmac_ipad_opad) are computed once per SA; a packet
// costs one job and no allocation.
//
// The job API queues jobs in a manager whose lanes are per-thread state, so
// each thread has its own managers (thread_local, made on first use):
//  - seal/open run one job through a manager of the library's SSE type
//    (AES-NI, SHA-NI where present), whose single-buffer code is the fast one
//    for one packet at a time; the AVX-512 type's lanes only pay when filled.
//    Even so one job pays only where SHA-NI does the HMAC (SHA-1, SHA-256):
//    SHA-384/512 have no such instructions, and one job in their 2-lane SSE
//    code took twice OpenSSL's time (keygate-bench esp-crypto), so
//    single_pays() tells callers to keep single packets on OpenSSL then;
//  - Batch runs many jobs through the best manager for this CPU (AVX-512 and
//    VAES here), whose lanes then fill: the multi-buffer in the name.
// The object itself is read-only after create and may serve several threads.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/algorithm_ids.h"

namespace kg::crypto {

// True for the integrity algorithms IpsecMbCbc implements.
[[nodiscard]] bool ipsec_mb_cbc_integ(Mac integ);

class IpsecMbCbc {
 public:
  // `aes_key` 16, 24 or 32 bytes; `mac_key` at most the digest's block.
  // nullptr when the library is not usable here or the algorithm or a key
  // size is not one it takes.
  static std::unique_ptr<IpsecMbCbc> create(std::span<const uint8_t> aes_key, Mac integ,
                                            std::span<const uint8_t> mac_key);
  ~IpsecMbCbc();  // wipes the key schedules and digest states
  IpsecMbCbc(const IpsecMbCbc&) = delete;
  IpsecMbCbc& operator=(const IpsecMbCbc&) = delete;

  // The truncated ICV length: 12, 16, 24 or 32.
  [[nodiscard]] size_t icv_size() const { return icv_; }
  // True when open of one packet is at least as fast as OpenSSL's (AES-CBC
  // decryption runs in parallel; encryption of one packet does not, and
  // loses at 1,400 bytes): HMAC-SHA-1/256 on a CPU with SHA-NI. Batches pay
  // for every algorithm, both ways.
  [[nodiscard]] bool single_pays() const { return single_pays_; }

  // `packet` = SPI | seq (8 bytes) | IV (16) | payload, contiguous as in the
  // ESP packet; the payload (one or more 16-byte blocks, at `packet` + 24) is
  // encrypted in place under the IV, then the HMAC of the whole of `packet`,
  // truncated, goes to `icv` (icv_size bytes). False: the library refused
  // the job (a payload that is not block aligned).
  [[nodiscard]] bool seal(std::span<uint8_t> packet, std::span<uint8_t> icv) const;
  // Verifies `icv` against the HMAC of `packet` (constant time) and decrypts
  // the payload in place. False: forged or damaged (or not block aligned);
  // the payload is then undefined and the packet must be dropped.
  [[nodiscard]] bool open(std::span<uint8_t> packet, std::span<const uint8_t> icv) const;

  // Many packets of one thread (any SAs) in one pass: add() queues a job,
  // finish() runs them all and says which failed. No allocation; at most
  // kMaxJobs per batch (add returns false past it).
  class Batch {
   public:
    static constexpr size_t kMaxJobs = 128;
    Batch();
    ~Batch();  // finishes what is left
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    // Job `index` (the caller's, up to kMaxJobs - 1); as seal/open.
    bool add_seal(const IpsecMbCbc& c, std::span<uint8_t> packet, std::span<uint8_t> icv, uint32_t index);
    bool add_open(const IpsecMbCbc& c, std::span<uint8_t> packet, std::span<const uint8_t> icv, uint32_t index);
    // Runs the queued jobs; `ok[index]` becomes whether that job succeeded
    // (for open: the ICV verified). Returns how many failed.
    size_t finish(std::span<bool> ok);

   private:
    struct State;
    std::unique_ptr<State> st_;
  };

 private:
  IpsecMbCbc() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  size_t icv_ = 0;
  bool single_pays_ = false;
};

}  // namespace kg::crypto
