// `debug radius` lines for one RADIUS packet, IOS-like:
//   RADIUS: Send Access-Request to 127.0.0.1:1812 id 5, len 143
//   RADIUS:  User-Name           [1]   7   "alice"
//   RADIUS:  EAP-Message         [79]  24  <24 octets>
// Never a secret: User-Password, the Authenticator fields, Message-
// Authenticator, EAP-Message, State and the MS-MPPE keys show only their
// length; Cisco AV pairs that carry a password (ipsec:ikev2-password-*)
// show their name only. Pure.
#pragma once
#include <string>
#include <vector>

#include "common/bytes.h"

namespace kg::aaa::radius {

// The lines (no "RADIUS: " prefix) for datagram `d`; one line when it does
// not parse.
[[nodiscard]] std::vector<std::string> describe_packet(const std::string& heading, ByteView d);

}  // namespace kg::aaa::radius
