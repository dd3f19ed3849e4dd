#include "common/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kg {

uint32_t Random::u32() {
  uint8_t b[4];
  fill(b);
  return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
}

uint64_t Random::u64() { return uint64_t(u32()) << 32 | u32(); }

namespace {
void rand_bytes(uint8_t* p, size_t n) {
  if (RAND_bytes(p, static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "keygate: RAND_bytes failed\n");
    std::abort();  // impossible environment failure
  }
}
}  // namespace

SystemRandom::~SystemRandom() { OPENSSL_cleanse(pool_, sizeof pool_); }

void SystemRandom::fill(std::span<uint8_t> out) {
  if (out.size() > kBlock / 4) {
    rand_bytes(out.data(), out.size());
    return;
  }
  if (left_ < out.size()) {
    rand_bytes(pool_, kBlock);
    left_ = kBlock;
  }
  uint8_t* p = pool_ + (kBlock - left_);
  std::memcpy(out.data(), p, out.size());
  OPENSSL_cleanse(p, out.size());
  left_ -= out.size();
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
