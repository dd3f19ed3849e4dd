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

class SystemRandom final : public Random {
 public:
  void fill(std::span<uint8_t> out) override;  // RAND_bytes; aborts on failure
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
