// ESP packet framing (RFC 4303 §2), pure encode/decode: no SA state, no OpenSSL.
// The parsers run once per packet: they return std::optional, nullopt meaning
// malformed (the caller counts it), so the packet path builds no error text.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               Security Parameters Index (SPI)                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      Sequence Number                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    IV (cipher dependent)                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Payload Data (inner IP packet)  ...        |
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               |     Padding (0-255 bytes: 1, 2, 3, ...)       |
//   +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               |  Pad Length   | Next Header   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Integrity Check Value (ICV, variable)                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once
#include <cstdint>
#include <optional>
#include <span>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::esp {

inline constexpr size_t kEspHeaderSize = 8;
inline constexpr uint8_t kNextHeaderIpv4 = 4;    // IP-in-IP (tunnel mode, IPv4 inner)
inline constexpr uint8_t kNextHeaderIpv6 = 41;   // IPv6 inner
inline constexpr uint8_t kNextHeaderNone = 59;   // dummy packet (RFC 4303 §2.6)

struct EspHeader {
  uint32_t spi = 0;
  uint32_t seq = 0;
  // Reads the 8-byte header; SPI 0 is reserved (RFC 4303 §2.1) and rejected.
  static std::optional<EspHeader> parse(ByteReader& r);
  void write(std::span<uint8_t, kEspHeaderSize> out) const;
};

// The decrypted trailer. `plaintext` is payload | padding | pad length | next
// header; the padding must be 1, 2, 3, ... (RFC 4303 §2.4, the default
// padding scheme both ends use), anything else is a malformed packet.
struct EspTrailer {
  size_t inner_len = 0;
  uint8_t pad_len = 0;
  uint8_t next_header = 0;
  static std::optional<EspTrailer> parse(ByteView plaintext);
};

// Size of payload | padding | trailer for `inner_len` bytes, aligned to
// `block` (the cipher block size, at least 4: RFC 4303 §2.4).
size_t padded_size(size_t inner_len, size_t block);
// Writes padding and trailer behind the payload at out[inner_len, padded_size).
// `out` must hold padded_size(inner_len, block) bytes.
void write_trailer(std::span<uint8_t> out, size_t inner_len, size_t block, uint8_t next_header);

}  // namespace kg::esp
