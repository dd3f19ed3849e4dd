#include "ike/eap_mschapv2_peer.h"

#include <algorithm>
#include <cctype>

#include "crypto/mschapv2.h"

namespace kg::ike {
namespace {

using eap::MsChapV2;
using eap::MsChapV2Op;
namespace ms = crypto::mschapv2;

// RFC 2759 §6's failure codes, for a log line that says what went wrong.
std::string failure_text(ByteView message) {
  std::string m(message.begin(), message.end());
  if (!m.starts_with("E=")) return "without an error code";
  size_t end = m.find(' ');
  std::string code = m.substr(2, end == std::string::npos ? std::string::npos : end - 2);
  const char* what = code == "646"   ? "restricted logon hours"
                     : code == "647" ? "account disabled"
                     : code == "648" ? "password expired"
                     : code == "649" ? "no dial-in permission"
                     : code == "691" ? "authentication failure (user or password)"
                     : code == "709" ? "error changing password"
                                     : "unknown error";
  if (code.size() > 5) code.resize(5);
  return "E=" + code + " " + what;
}

}  // namespace

Result<Bytes> MsChapV2Peer::respond(const MsChapV2& req, Random& rng) {
  switch (req.op) {
    case MsChapV2Op::kChallenge:
      return answer_challenge(req, rng);
    case MsChapV2Op::kSuccess:
      return check_success(req);
    case MsChapV2Op::kFailure:
      state_ = State::kFailed;
      failure_ = failure_text(req.message);
      return MsChapV2{MsChapV2Op::kFailure, 0, true, {}, {}, {}}.write();
    default:
      return fail(Errc::kInvalidSyntax, "EAP-MSCHAPv2: a Request with OpCode " + std::to_string(int(req.op)));
  }
}

// Response Value: Peer-Challenge (16) | Reserved (8, zero) | NT-Response (24) | Flags (1, zero).
Result<Bytes> MsChapV2Peer::answer_challenge(const MsChapV2& c, Random& rng) {
  if (state_ != State::kChallenge) return fail(Errc::kState, "EAP-MSCHAPv2: a second Challenge");
  if (c.short_form || c.value.size() != ms::kChallengeSize)
    return fail(Errc::kInvalidSyntax, "EAP-MSCHAPv2: Challenge is not 16 octets");
  auth_challenge_ = c.value;
  peer_challenge_.resize(ms::kChallengeSize);
  rng.fill(peer_challenge_);
  auto nt = ms::nt_response(auth_challenge_, peer_challenge_, username_, password_);
  if (!nt) return fail(nt.error().code, "EAP-MSCHAPv2: " + nt.error().message);
  nt_response_ = std::move(*nt);
  MsChapV2 r{MsChapV2Op::kResponse, c.id, false, peer_challenge_, Bytes(username_.begin(), username_.end()), {}};
  r.value.resize(ms::kChallengeSize + 8, 0);
  r.value.insert(r.value.end(), nt_response_.begin(), nt_response_.end());
  r.value.push_back(0);
  state_ = State::kResponded;
  return r.write();
}

// Message: "S=<40 hex digits>" then optionally " M=<text>" (RFC 2759 §5).
Result<Bytes> MsChapV2Peer::check_success(const MsChapV2& s) {
  if (state_ != State::kResponded) return fail(Errc::kState, "EAP-MSCHAPv2: Success before our Response");
  auto expect = ms::authenticator_response(password_, nt_response_, peer_challenge_, auth_challenge_, username_);
  if (!expect) return fail(expect.error().code, "EAP-MSCHAPv2: " + expect.error().message);
  ByteView got = s.message;
  got = got.first(std::min(got.size(), expect->size()));
  // Hex case may differ between servers; compare upper-cased.
  Bytes upper(got.begin(), got.end());
  for (auto& b : upper) b = uint8_t(std::toupper(b));
  state_ = State::kFailed;
  if (!Secret(std::string_view(*expect)).equals(upper))
    return fail(Errc::kAuthFailed,
                "EAP-MSCHAPv2: the server's authenticator response does not verify (it does not know the password)");
  auto msk = ms::peer_msk(password_, nt_response_);
  if (!msk) return fail(msk.error().code, "EAP-MSCHAPv2: " + msk.error().message);
  msk_ = std::move(*msk);
  state_ = State::kVerified;
  return MsChapV2{MsChapV2Op::kSuccess, 0, true, {}, {}, {}}.write();
}

}  // namespace kg::ike
