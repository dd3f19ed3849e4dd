// The Internet checksum (RFC 1071) for the TUN offloads: TCP/UDP segments
// that keygate splits or coalesces itself need their checksums completed or
// verified in user space.
//
// Sums are kept as 64-bit partial sums of the data read as little-endian
// 32-bit words (RFC 1071 §2(B): the one's complement sum is independent of
// byte order, so the bytes are swapped only once, in csum_fold). A partial
// sum may only be extended by data that starts at an even offset of the
// summed whole.
#pragma once
#include <cstdint>

#include "common/bytes.h"

namespace kg::io {

// Adds `data` to the partial sum `sum`.
[[nodiscard]] uint64_t csum_add(ByteView data, uint64_t sum = 0);
// Folds a partial sum into the 16-bit one's complement sum in network byte
// order (not complemented: a valid packet's sum over everything is 0xffff).
[[nodiscard]] uint16_t csum_fold(uint64_t sum);
// The TCP/UDP pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1) as a partial sum:
// source and destination addresses (4 or 16 bytes each), protocol, L4 length.
[[nodiscard]] uint64_t csum_pseudo(ByteView src, ByteView dst, uint8_t proto, uint32_t l4_len);

}  // namespace kg::io
