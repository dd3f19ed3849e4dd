// The shared secret's two guards on a RADIUS packet: the Authenticator
// field (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3) and the
// Message-Authenticator attribute (RFC 3579 §3.2, RFC 5997 §3).
//
//   Access-Request, Status-Server: Request Authenticator random (the
//     caller's), Message-Authenticator = HMAC-MD5(secret, packet with the
//     attribute's value zero).
//   Accounting-Request, Disconnect-Request, CoA-Request: Message-
//     Authenticator computed with a zero Authenticator field, then
//     Request Authenticator = MD5(Code|Id|Length|16 zero octets|Attributes|secret).
//   Replies: Message-Authenticator over the reply with the REQUEST's
//     Authenticator in the field, then Response Authenticator =
//     MD5(Code|Id|Length|Request Authenticator|Attributes|secret).
// keygate puts a Message-Authenticator on every request and, when a reply
// carries one, checks it; a reply to a request with EAP must carry one.
#pragma once
#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "wire/radius/packet.h"

namespace kg::aaa::radius {

using kg::radius::Authenticator;
using kg::radius::Packet;

// The datagram of request `p`: adds (or fills) its Message-Authenticator
// and, for the codes whose Request Authenticator is computed, sets it.
// Access-Request and Status-Server keep p.authenticator (random, the caller's).
// Returns the datagram; p.authenticator holds the value sent.
[[nodiscard]] Result<Bytes> seal_request(Packet& p, const Secret& secret);

// A reply datagram checked against the request it answers (its identifier
// and Authenticator as sent): parse, Response Authenticator, and the
// Message-Authenticator (required when `require_message_authenticator`).
// Errors: kInvalidSyntax (malformed), kAuthFailed (either authenticator).
[[nodiscard]] Result<Packet> open_reply(ByteView datagram, const Authenticator& request_authenticator,
                                        const Secret& secret, bool require_message_authenticator);

// A server's side, for tests and for checking a Disconnect-Request or
// CoA-Request we receive: the datagram of reply `p` to a request with
// `request_authenticator`.
[[nodiscard]] Result<Bytes> seal_reply(Packet& p, const Authenticator& request_authenticator, const Secret& secret);
// Checks a received Accounting/Disconnect/CoA-Request's computed Request
// Authenticator and its Message-Authenticator if present.
[[nodiscard]] Result<Packet> open_computed_request(ByteView datagram, const Secret& secret);

}  // namespace kg::aaa::radius
