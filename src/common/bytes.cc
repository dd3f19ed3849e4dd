#include "common/bytes.h"

namespace kg {

std::unexpected<Error> ByteReader::truncated(const char* what) { return fail(Errc::kTruncated, what); }

Result<ByteReader> ByteReader::sub(size_t n) {
  auto v = bytes(n);
  if (!v) return std::unexpected(v.error());
  return ByteReader(*v);
}

Result<void> ByteReader::skip(size_t n) {
  if (remaining() < n) return fail(Errc::kTruncated, "skip");
  pos_ += n;
  return {};
}

Result<void> ByteReader::expect_end(const char* what) const {
  if (remaining() != 0)
    return fail(Errc::kInvalidSyntax, std::string(what) + ": trailing bytes");
  return {};
}

void ByteWriter::u8(uint8_t v) { buf().push_back(v); }
void ByteWriter::u16(uint16_t v) {
  buf().push_back(static_cast<uint8_t>(v >> 8));
  buf().push_back(static_cast<uint8_t>(v));
}
void ByteWriter::u32(uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) buf().push_back(static_cast<uint8_t>(v >> s));
}
void ByteWriter::u64(uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) buf().push_back(static_cast<uint8_t>(v >> s));
}
void ByteWriter::bytes(ByteView v) { buf().insert(buf().end(), v.begin(), v.end()); }
void ByteWriter::zeros(size_t n) { buf().insert(buf().end(), n, 0); }
size_t ByteWriter::placeholder_u16() {
  size_t at = buf().size();
  u16(0);
  return at;
}
void ByteWriter::patch_u16(size_t at, uint16_t v) {
  buf()[at] = static_cast<uint8_t>(v >> 8);
  buf()[at + 1] = static_cast<uint8_t>(v);
}
void ByteWriter::patch_u32(size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) buf()[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

std::string to_hex(ByteView v) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(v.size() * 2);
  for (uint8_t b : v) {
    s.push_back(d[b >> 4]);
    s.push_back(d[b & 15]);
  }
  return s;
}

Result<Bytes> from_hex(std::string_view hex) {
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t' || c == ':') continue;
    int n = nib(c);
    if (n < 0) return fail(Errc::kInvalidArgument, "bad hex digit");
    if (hi < 0) {
      hi = n;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | n));
      hi = -1;
    }
  }
  if (hi >= 0) return fail(Errc::kInvalidArgument, "odd hex length");
  return out;
}

}  // namespace kg
