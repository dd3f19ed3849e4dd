#include "consent/base64.h"

namespace kg::consent {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char ch) {
  auto p = kAlphabet.find(ch);
  return p == std::string_view::npos ? -1 : int(p);
}

}  // namespace

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = uint32_t(data[i]) << 16;
    if (i + 1 < data.size()) n |= uint32_t(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= data[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  if (text.empty()) return fail(Errc::kInvalidSyntax, "empty");
  if (text.size() % 4 != 0) return fail(Errc::kInvalidSyntax, "length is not a multiple of 4 characters (cut short?)");
  size_t pad = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      size_t at = i + j;
      bool padding = at >= text.size() - pad;
      int v = padding ? 0 : value_of(text[at]);
      if (v < 0)
        return fail(Errc::kInvalidSyntax, "character " + std::to_string(at + 1) + " is not base 64");
      n = n << 6 | uint32_t(v);
    }
    out.push_back(uint8_t(n >> 16));
    out.push_back(uint8_t(n >> 8));
    out.push_back(uint8_t(n));
  }
  out.resize(out.size() - pad);
  // Canonical: the bits that padding leaves over must be zero.
  std::string_view last = text.substr(text.size() - 4, 4 - pad);
  if (pad > 0) {
    int v = value_of(last.back());
    if ((pad == 1 && (v & 3) != 0) || (pad == 2 && (v & 15) != 0))
      return fail(Errc::kInvalidSyntax, "non-zero bits before the padding");
  }
  return out;
}

}  // namespace kg::consent
