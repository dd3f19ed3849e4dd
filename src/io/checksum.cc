#include "io/checksum.h"

#include <cstring>

namespace kg::io {

uint64_t csum_add(ByteView data, uint64_t sum) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  // Four independent accumulators of 32-bit words: no carry is lost before
  // 2^32 additions, far more than any packet.
  uint64_t a = sum, b = 0, c = 0, d = 0;
  while (n >= 16) {
    uint32_t w[4];
    std::memcpy(w, p, 16);
    a += w[0];
    b += w[1];
    c += w[2];
    d += w[3];
    p += 16;
    n -= 16;
  }
  a += b + c + d;
  while (n >= 4) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    a += w;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    uint16_t w;
    std::memcpy(&w, p, 2);
    a += w;
    p += 2;
    n -= 2;
  }
  if (n) a += *p;  // the odd last byte is the high byte of a zero-padded word
  return a;
}

uint16_t csum_fold(uint64_t sum) {
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  auto s = uint16_t(sum);
  return uint16_t(s >> 8 | s << 8);  // little-endian words: swap once
}

uint64_t csum_pseudo(ByteView src, ByteView dst, uint8_t proto, uint32_t l4_len) {
  // IPv6's 32-bit length and zero|proto words (RFC 8200 §8.1); for IPv4
  // (RFC 9293 §3.1: zero|proto and a 16-bit length) the high length word is 0
  // and the sum is the same.
  const uint8_t tail[8] = {uint8_t(l4_len >> 24), uint8_t(l4_len >> 16), uint8_t(l4_len >> 8), uint8_t(l4_len),
                           0, 0, 0, proto};
  return csum_add(tail, csum_add(dst, csum_add(src)));
}

}  // namespace kg::io
