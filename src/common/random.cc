#include "common/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace kg {

uint32_t Random::u32() {
  uint8_t b[4];
  fill(b);
  return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
}

uint64_t Random::u64() { return uint64_t(u32()) << 32 | u32(); }

void SystemRandom::fill(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fprintf(stderr, "keygate: RAND_bytes failed\n");
    std::abort();  // impossible environment failure
  }
}

void FakeRandom::fill(std::span<uint8_t> out) {
  for (auto& b : out) {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    b = static_cast<uint8_t>(s_);
  }
}

}  // namespace kg
