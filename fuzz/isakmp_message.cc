// Fuzz target: ISAKMP (IKEv1) messages and decrypted payload chains. Each
// input is tried twice: as a whole datagram, and as a padded chain whose
// first byte names the first payload type (what a decrypted Main Mode or
// Quick Mode body looks like). Whatever parses must write back and parse
// again to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "wire/isakmp/payloads.h"

namespace {

using namespace kg::isakmp;

void message(kg::ByteView in) {
  auto m = parse_message(in);
  if (!m) return;
  auto write = [](const Message& x) {
    return x.header.encrypted() ? encode_encrypted(x.header, x.header.next_payload, x.encrypted)
                                : encode_message(x.header, x.payloads);
  };
  kg::Bytes w = write(*m);
  auto again = parse_message(w);
  if (!again || write(*again) != w) std::abort();
}

void chain(kg::ByteView in) {
  if (in.empty()) return;
  auto c = parse_payload_chain(PayloadType(in[0]), in.subspan(1), true);
  if (!c) return;
  kg::ByteWriter w;
  write_payload_chain(*c, w);
  auto again = parse_payload_chain(c->front().type, w.data());
  if (!again) std::abort();
  kg::ByteWriter w2;
  write_payload_chain(*again, w2);
  if (w2.data() != w.data()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kg::ByteView in(data, size);
  message(in);
  chain(in);
  return 0;
}
