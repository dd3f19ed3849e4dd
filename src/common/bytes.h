// ByteReader: the one bounds-checked reader every piece of untrusted input goes
// through. Reads never run past the end; a failed read returns an error and
// leaves the reader unchanged. ByteWriter: a growable big-endian writer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace kg {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  [[nodiscard]] size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] size_t position() const { return pos_; }
  [[nodiscard]] bool empty() const { return remaining() == 0; }
  // The unread part, without consuming it.
  [[nodiscard]] ByteView rest() const { return data_.subspan(pos_); }

  // Inline (every packet's headers are read through these); the failure is
  // built out of line.
  [[nodiscard]] Result<uint8_t> u8() {
    if (remaining() < 1) [[unlikely]] return truncated("u8");
    return data_[pos_++];
  }
  [[nodiscard]] Result<uint16_t> u16() { return be<uint16_t>("u16"); }  // big-endian (network order)
  [[nodiscard]] Result<uint32_t> u32() { return be<uint32_t>("u32"); }
  [[nodiscard]] Result<uint64_t> u64() { return be<uint64_t>("u64"); }
  // Consumes n bytes and returns a view of them (valid while the input lives).
  [[nodiscard]] Result<ByteView> bytes(size_t n) {
    if (remaining() < n) [[unlikely]] return truncated("bytes");
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  // Consumes n bytes and returns a reader limited to them: the way a payload
  // with a declared length is parsed, so it cannot read its neighbour.
  [[nodiscard]] Result<ByteReader> sub(size_t n);
  [[nodiscard]] Result<void> skip(size_t n);
  // Succeeds only if everything was consumed: parsers end with this so a
  // declared length must match the content exactly.
  [[nodiscard]] Result<void> expect_end(const char* what) const;

 private:
  [[gnu::cold]] static std::unexpected<Error> truncated(const char* what);
  template <class T>
  Result<T> be(const char* what) {
    if (remaining() < sizeof(T)) [[unlikely]] return truncated(what);
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = T(v << 8 | data_[pos_ + i]);
    pos_ += sizeof(T);
    return v;
  }
  ByteView data_;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(Bytes& out) : out_(&out) {}

  void u8(uint8_t v);
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void bytes(ByteView v);
  void zeros(size_t n);
  // Reserve a 16-bit length field to fill in later (patch_u16).
  [[nodiscard]] size_t placeholder_u16();
  void patch_u16(size_t at, uint16_t v);
  void patch_u32(size_t at, uint32_t v);
  [[nodiscard]] size_t size() const { return buf().size(); }
  [[nodiscard]] const Bytes& data() const { return buf(); }
  Bytes take() { return std::move(buf()); }

 private:
  Bytes& buf() { return out_ ? *out_ : own_; }
  const Bytes& buf() const { return out_ ? *out_ : own_; }
  Bytes own_;
  Bytes* out_ = nullptr;
};

std::string to_hex(ByteView v);
// Accepts upper/lower case and ignores spaces; error on odd length or bad digit.
Result<Bytes> from_hex(std::string_view hex);

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace kg
