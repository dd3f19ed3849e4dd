// Fuzz target: a RADIUS datagram (RFC 2865 §3) and what keygate reads out of
// one: Vendor-Specific sub-attributes and Cisco AV pairs (§5.26) and the
// reassembled EAP-Message (RFC 3579 §3.1). Whatever parses must write back
// to the same bytes (up to Length: what follows is padding).
#include <cstdint>
#include <cstdlib>

#include "wire/radius/eap_message.h"
#include "wire/radius/packet.h"
#include "wire/radius/vendor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::radius;
  kg::ByteView in(data, size);
  auto p = Packet::parse(in);
  if (!p) return 0;
  auto out = p->write();
  if (!out) std::abort();  // what parsed fits the limits
  size_t len = size_t(data[2]) << 8 | data[3];
  if (out->size() != len || !std::equal(out->begin(), out->end(), data)) std::abort();
  (void)cisco_av_pairs(*p);
  (void)vendor_values(*p, kVendorMicrosoft, kMsMppeRecvKey);
  for (const auto& a : p->attributes)
    if (a.type == uint8_t(AttrType::kVendorSpecific)) (void)parse_vendor_specific(a.value);
  auto eap = eap_message(*p);
  if (eap && *eap) {
    Packet again{p->code, p->identifier, p->authenticator, {}};
    add_eap_message(again, **eap);
    auto back = eap_message(again);
    if (!back || !*back || **back != **eap) std::abort();
  }
  return 0;
}
