// EAP-Message fragmentation and reassembly (RFC 3579 §3.1).
#include "wire/radius/eap_message.h"

#include <algorithm>

namespace kg::radius {

void add_eap_message(Packet& p, ByteView eap) {
  // An empty EAP-Message is legal only as "EAP-Start" (RFC 3579 §3.1).
  if (eap.empty()) {
    p.add(AttrType::kEapMessage, eap);
    return;
  }
  for (size_t off = 0; off < eap.size(); off += kMaxValue)
    p.add(AttrType::kEapMessage, eap.subspan(off, std::min(kMaxValue, eap.size() - off)));
}

Result<std::optional<Bytes>> eap_message(const Packet& p) {
  auto parts = p.all(AttrType::kEapMessage);
  if (parts.empty()) return std::optional<Bytes>{};
  Bytes eap;
  for (const Attribute* a : parts) eap.insert(eap.end(), a->value.begin(), a->value.end());
  // RFC 3748 §4: Code(1) | Identifier(1) | Length(2) | ...
  if (eap.size() < 4 || (size_t(eap[2]) << 8 | eap[3]) != eap.size())
    return fail(Errc::kInvalidSyntax, "EAP-Message: EAP Length does not match the attributes");
  return std::optional<Bytes>(std::move(eap));
}

}  // namespace kg::radius
