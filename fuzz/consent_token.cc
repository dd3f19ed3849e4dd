// Fuzz target: the consent-token challenge and response decoders
// (consent/token.h). The first byte picks which one reads the rest; whatever
// decodes must encode back to exactly the same bytes (one encoding per token).
#include <cstdint>
#include <cstdlib>

#include "consent/base64.h"
#include "consent/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::consent;
  if (size == 0) return 0;
  kg::ByteView in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      if (auto c = decode_challenge(in); c && encode_challenge(*c) != kg::Bytes(in.begin(), in.end())) std::abort();
      break;
    case 1:
      if (auto r = decode_response(in); r && encode_response(*r) != kg::Bytes(in.begin(), in.end())) std::abort();
      break;
    default: {
      std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
      if (auto b = base64_decode(text); b && base64_encode(*b) != text) std::abort();
    }
  }
  return 0;
}
