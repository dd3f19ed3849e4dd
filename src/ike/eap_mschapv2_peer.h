// The peer's side of EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2-02,
// RFC 2759): Challenge -> Response (NT-Response to the server's challenge
// and our own Peer-Challenge) -> Success Request, whose "S=" authenticator
// response proves the server knows the password too, acknowledged with a
// one-octet Success Response; or a Failure Request ("E=691 ..."), answered
// with a one-octet Failure Response so the server ends with EAP Failure.
// The MSK (RFC 3079 keys, crypto/mschapv2.h) exists once the server's
// proof verified; then the AUTH payloads after EAP use it.
#pragma once
#include <string>

#include "common/bytes.h"
#include "common/random.h"
#include "common/result.h"
#include "common/secret.h"
#include "wire/eap/eap.h"

namespace kg::ike {

class MsChapV2Peer {
 public:
  MsChapV2Peer(std::string username, const Secret& password) : username_(std::move(username)), password_(password) {}
  // The Type-Data of our Response to a Request's; an error ends the conversation.
  Result<Bytes> respond(const eap::MsChapV2& request, Random& rng);
  [[nodiscard]] bool server_verified() const { return state_ == State::kVerified; }
  [[nodiscard]] const Secret& msk() const { return msk_; }
  // The server's Failure ("E=691 R=0 ... M=..."), for the log: the error
  // code and its meaning; empty when there was none.
  [[nodiscard]] const std::string& failure() const { return failure_; }

 private:
  enum class State { kChallenge, kResponded, kVerified, kFailed };
  Result<Bytes> answer_challenge(const eap::MsChapV2& c, Random& rng);
  Result<Bytes> check_success(const eap::MsChapV2& s);

  std::string username_;
  Secret password_;
  State state_ = State::kChallenge;
  Bytes auth_challenge_, peer_challenge_, nt_response_;
  Secret msk_;
  std::string failure_;
};

}  // namespace kg::ike
