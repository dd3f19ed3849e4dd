// The consent-token challenge and response (seed 003), as bytes. Pure wire
// code: no state, no OpenSSL; the signature is carried, not checked, here.
//
// Challenge, printed by the device as base 64:
//   magic "KGCT" (4) | version (1) = 1 | TLVs
// Response, printed by keygate-consent as base 64:
//   magic "KGCR" (4) | version (1) = 1 | TLVs
// A TLV is type (1) | length (2, big-endian) | value. Every field of a
// version is required, appears once and in ascending type order, and has a
// fixed length or a bounded one: one challenge has one encoding, so the
// signed bytes are unambiguous. Anything else is refused with the reason.
//
//   challenge  1 privilege   1 byte: 1 shell-access, 2 debug-keys
//              2 created     8: device wall clock, seconds since 1970
//              3 nonce       16: random
//              4 timeout     4: minutes asked for, 1..10080 (7 days)
//              5 hostname    1..63 printable ASCII, no spaces
//              6 serial      1..64 (the device's persistent serial)
//              7 authority   1..64 (the key name that must sign)
//   response   1 challenge   the challenge's bytes, as the device printed them
//              2 granted     4: minutes granted, 1..the timeout asked for
//              3 signature   64: Ed25519 over response_signed_bytes()
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::consent {

inline constexpr uint8_t kVersion = 1;
inline constexpr uint32_t kMaxTimeoutMinutes = 7 * 24 * 60;  // seed 003: at most seven days
inline constexpr size_t kNonceSize = 16;
inline constexpr size_t kSignatureSize = 64;  // Ed25519 (RFC 8032 §5.1.6)
inline constexpr size_t kMaxChallengeSize = 512;

// What the authority allows for a while (wire values).
enum class Privilege : uint8_t { kShellAccess = 1, kDebugKeys = 2 };
std::string_view privilege_keyword(Privilege p);  // "shell-access" (the CLI's word)
std::string_view privilege_title(Privilege p);    // "Shell access" (the log's words)
// A wall-clock time as the device's show command and the authority's tool
// print it: "2026-12-07 02:50:00 UTC".
std::string utc_text(int64_t unix_seconds);

struct Challenge {
  Privilege privilege = Privilege::kShellAccess;
  uint64_t created = 0;  // seconds since 1970
  std::array<uint8_t, kNonceSize> nonce{};
  uint32_t timeout_minutes = 0;
  std::string hostname, serial, authority;
  bool operator==(const Challenge&) const = default;
};

struct Response {
  Bytes challenge_bytes;  // exactly as signed
  Challenge challenge;    // challenge_bytes decoded
  uint32_t granted_minutes = 0;
  std::array<uint8_t, kSignatureSize> signature{};
};

// encode_challenge expects a valid challenge (fields within the bounds above).
Bytes encode_challenge(const Challenge& c);
Result<Challenge> decode_challenge(ByteView b);
Bytes encode_response(const Response& r);
Result<Response> decode_response(ByteView b);
// What the authority signs: a context string (so this signature can mean
// nothing else), then the response up to its signature TLV, which holds the
// whole challenge and the granted minutes.
Bytes response_signed_bytes(ByteView challenge_bytes, uint32_t granted_minutes);

}  // namespace kg::consent
