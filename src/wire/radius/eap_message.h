// EAP-Message (RFC 3579 §3.1): an EAP packet longer than 253 octets is cut
// into consecutive EAP-Message attributes, and the receiver concatenates
// every EAP-Message of a packet, in order, back into one EAP packet. Pure.
#pragma once
#include <optional>

#include "common/bytes.h"
#include "common/result.h"
#include "wire/radius/packet.h"

namespace kg::radius {

// Appends `eap` to the packet as EAP-Message attributes of at most 253 octets.
void add_eap_message(Packet& p, ByteView eap);

// The reassembled EAP packet, nullopt when the packet carries none. Error
// when the concatenation's EAP Length (RFC 3748 §4) does not match it.
[[nodiscard]] Result<std::optional<Bytes>> eap_message(const Packet& p);

}  // namespace kg::radius
