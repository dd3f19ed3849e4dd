// Fuzz target: an EAP packet as the IKEv2 EAP payload carries it (RFC 3748
// §4) and, for MD5-Challenge (§5.4) and EAP-MSCHAPv2, its Type-Data. Whatever parses must
// write back to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "wire/eap/eap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::eap;
  kg::ByteView in(data, size);
  auto p = Packet::parse(in);
  if (!p) return 0;
  auto out = p->write();
  if (out.size() != size || !std::equal(out.begin(), out.end(), data)) std::abort();
  if (p->has_type() && p->type == uint8_t(Type::kMd5Challenge)) {
    auto c = Md5Challenge::parse(p->data);
    if (!c) return 0;
    if (c->write() != p->data) std::abort();
  }
  if (p->has_type() && p->type == uint8_t(Type::kMsChapV2)) {
    auto m = MsChapV2::parse(p->data);
    if (!m) return 0;
    if (m->write() != p->data) std::abort();
  }
  return 0;
}
