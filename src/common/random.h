// Randomness behind an interface: OpenSSL's DRBG in production, a seeded
// deterministic generator in tests (so two-engine tests are reproducible).
#pragma once
#include <cstdint>
#include <span>

namespace kg {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;
  uint32_t u32();
  uint64_t u64();
};

// OpenSSL's public DRBG (RAND_bytes), drawn in blocks: every RAND_bytes call
// costs a getpid() system call (OpenSSL's fork check) and a lock, and an
// IKE_SA_INIT + IKE_AUTH asked for small pieces (SPIs, nonces, IVs) about
// eight times per side. Small requests are served from a 256-byte block;
// each byte handed out is wiped from it. Not shared between threads.
class SystemRandom final : public Random {
 public:
  SystemRandom() = default;
  SystemRandom(const SystemRandom&) = delete;
  SystemRandom& operator=(const SystemRandom&) = delete;
  ~SystemRandom() override;
  void fill(std::span<uint8_t> out) override;  // aborts on failure

 private:
  static constexpr size_t kBlock = 256;
  uint8_t pool_[kBlock] = {};
  size_t left_ = 0;  // unused bytes at the end of pool_
};

// xorshift-based; NOT for production keys. Only for tests and fuzzing.
class FakeRandom final : public Random {
 public:
  explicit FakeRandom(uint64_t seed) : s_(seed ? seed : 1) {}
  void fill(std::span<uint8_t> out) override;

 private:
  uint64_t s_;
};

}  // namespace kg
