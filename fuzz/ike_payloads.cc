// Fuzz target: payload chains (the decrypted contents of an SK payload). The
// first input byte chooses the first payload type; whatever parses must write
// back and parse again to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "wire/ike/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::ike;
  if (size == 0) return 0;
  auto first = static_cast<PayloadType>(data[0]);
  auto chain = parse_payload_chain(first, kg::ByteView(data, size).subspan(1));
  if (!chain) return 0;
  kg::ByteWriter w;
  write_payload_chain(*chain, w);
  auto again = parse_payload_chain(chain->empty() ? first : chain->front().type, w.data());
  if (!again) std::abort();
  kg::ByteWriter w2;
  write_payload_chain(*again, w2);
  if (w2.data() != w.data()) std::abort();
  return 0;
}
