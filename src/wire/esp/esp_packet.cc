#include "wire/esp/esp_packet.h"

namespace kg::esp {

std::optional<EspHeader> EspHeader::parse(ByteReader& r) {
  auto spi = r.u32();
  if (!spi) return std::nullopt;
  auto seq = r.u32();
  if (!seq) return std::nullopt;
  if (*spi == 0) return std::nullopt;
  return EspHeader{*spi, *seq};
}

void EspHeader::write(std::span<uint8_t, kEspHeaderSize> out) const {
  for (int i = 0; i < 4; ++i) {
    out[size_t(i)] = uint8_t(spi >> (24 - 8 * i));
    out[size_t(4 + i)] = uint8_t(seq >> (24 - 8 * i));
  }
}

std::optional<EspTrailer> EspTrailer::parse(ByteView plaintext) {
  if (plaintext.size() < 2) return std::nullopt;
  EspTrailer t;
  t.pad_len = plaintext[plaintext.size() - 2];
  t.next_header = plaintext[plaintext.size() - 1];
  if (size_t(t.pad_len) + 2 > plaintext.size()) return std::nullopt;
  t.inner_len = plaintext.size() - 2 - t.pad_len;
  ByteReader r(plaintext.subspan(t.inner_len, t.pad_len));
  for (size_t i = 1; i <= t.pad_len; ++i) {
    auto b = r.u8();
    if (!b || *b != uint8_t(i)) return std::nullopt;
  }
  return t;
}

size_t padded_size(size_t inner_len, size_t block) {
  if (block < 4) block = 4;
  return (inner_len + 2 + block - 1) / block * block;
}

void write_trailer(std::span<uint8_t> out, size_t inner_len, size_t block, uint8_t next_header) {
  size_t total = padded_size(inner_len, block);
  size_t pad = total - inner_len - 2;
  for (size_t i = 0; i < pad; ++i) out[inner_len + i] = uint8_t(i + 1);
  out[total - 2] = uint8_t(pad);
  out[total - 1] = next_header;
}

}  // namespace kg::esp
