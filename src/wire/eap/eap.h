// EAP packets (RFC 3748 §4) as IKEv2 carries them in its EAP payload
// (RFC 7296 §3.16: the payload body is one whole EAP message), and the
// Type-Data of the methods keygate speaks itself. Pure encode/decode.
#pragma once
#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::eap {

enum class Code : uint8_t { kRequest = 1, kResponse = 2, kSuccess = 3, kFailure = 4 };

// RFC 3748 §5, §6 and the IANA registry: the method types we name.
enum class Type : uint8_t { kIdentity = 1, kNotification = 2, kNak = 3, kMd5Challenge = 4, kGtc = 6, kMsChapV2 = 26 };

//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Code      |  Identifier   |            Length             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |  Type-Data ...          (Request and Response)
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Success and Failure are the four header octets alone (§4.2). Length
// covers the whole packet and must equal the data given.
struct Packet {
  Code code = Code::kRequest;
  uint8_t identifier = 0;
  uint8_t type = 0;  // Request/Response only; kept raw: unknown types are legal
  Bytes data;        // Type-Data
  [[nodiscard]] bool has_type() const { return code == Code::kRequest || code == Code::kResponse; }
  [[nodiscard]] static Result<Packet> parse(ByteView in);
  [[nodiscard]] Bytes write() const;
};

// RFC 3748 §5.4 MD5-Challenge Type-Data:
//  | Value-Size (1) | Value (Value-Size) | Name (rest) |
// Value is the challenge in a Request, MD5(Identifier | secret | challenge)
// in a Response (RFC 1994 §4.1).
struct Md5Challenge {
  Bytes value;
  Bytes name;
  [[nodiscard]] static Result<Md5Challenge> parse(ByteView type_data);
  [[nodiscard]] Bytes write() const;
};

// EAP-MSCHAPv2 Type-Data (draft-kamath-pppext-eap-mschapv2-02 §2):
//  | OpCode | MS-CHAPv2-ID | MS-Length (2) | rest by OpCode ...
// MS-Length is the Type-Data's length (the EAP Length minus 5).
//   Challenge, Response: | Value-Size | Value | Name |  (Value: the 16-octet
//     challenge; the 49-octet Peer-Challenge | 8 zero | NT-Response | Flags)
//   Success, Failure Request: | Message |  ("S=<40 hex> M=..." / "E=691 R=0 ...")
//   Success, Failure Response: the OpCode alone (one octet).
enum class MsChapV2Op : uint8_t { kChallenge = 1, kResponse = 2, kSuccess = 3, kFailure = 4, kChangePassword = 7 };
struct MsChapV2 {
  MsChapV2Op op = MsChapV2Op::kChallenge;
  uint8_t id = 0;      // MS-CHAPv2-ID
  bool short_form = false;  // a Success/Failure Response: the OpCode alone
  Bytes value;         // Challenge/Response
  Bytes name;          // Challenge/Response
  Bytes message;       // Success/Failure Request
  [[nodiscard]] static Result<MsChapV2> parse(ByteView type_data);
  [[nodiscard]] Bytes write() const;
};

}  // namespace kg::eap
