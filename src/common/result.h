// Errors as values: every fallible function returns Result<T> (std::expected).
// Each area keeps its own commented `enum class` of error codes; Error carries
// the code's area-independent form plus a short human message for logs.
#pragma once
#include <expected>
#include <string>
#include <utility>

namespace kg {

// Coarse error kinds shared by all areas. Areas map their own codes onto these
// when an error crosses a boundary (e.g. wire -> engine -> log line).
enum class Errc {
  kInvalidSyntax,     // peer input does not parse (RFC 7296 INVALID_SYNTAX)
  kTruncated,         // input shorter than a declared length
  kUnsupported,       // well-formed but not something we implement
  kAuthFailed,        // integrity or authentication check failed
  kNotFound,          // lookup miss (SA, config object, file)
  kInvalidArgument,   // caller passed something that violates a precondition
  kState,             // valid message/command in the wrong state
  kIo,                // operating-system call failed
  kCrypto,            // OpenSSL returned an error
  kLimit,             // a configured or built-in limit was reached
};

struct Error {
  Errc code;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

// Build an unexpected Error in one expression: `return fail(Errc::kTruncated, "SA payload");`
[[nodiscard]] inline std::unexpected<Error> fail(Errc c, std::string msg) {
  return std::unexpected<Error>(Error{c, std::move(msg)});
}

const char* errc_name(Errc c);

}  // namespace kg
