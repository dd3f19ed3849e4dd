// Fuzz target: arbitrary datagrams into the IKE message parser. Whatever
// parses must re-encode and parse again to the same bytes (the writer is the
// parser's inverse); SK contents are also run through the chain parser.
#include <cstdint>
#include <cstdlib>

#include "wire/ike/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::ike;
  kg::ByteView in(data, size);
  auto m = parse_message(in);
  if (size > 0) (void)parse_payload_chain(static_cast<PayloadType>(data[0]), in.subspan(1));
  if (!m) return 0;
  auto again = encode_message(m->header, m->payloads);
  auto m2 = parse_message(again);
  if (!m2) std::abort();
  if (encode_message(m2->header, m2->payloads) != again) std::abort();
  return 0;
}
