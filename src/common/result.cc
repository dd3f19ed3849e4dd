#include "common/result.h"

namespace kg {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::kInvalidSyntax: return "invalid-syntax";
    case Errc::kTruncated: return "truncated";
    case Errc::kUnsupported: return "unsupported";
    case Errc::kAuthFailed: return "auth-failed";
    case Errc::kNotFound: return "not-found";
    case Errc::kInvalidArgument: return "invalid-argument";
    case Errc::kState: return "state";
    case Errc::kIo: return "io";
    case Errc::kCrypto: return "crypto";
    case Errc::kLimit: return "limit";
  }
  return "unknown";
}

}  // namespace kg
