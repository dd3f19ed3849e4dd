// The initiator's side of EAP inside IKE_AUTH (RFC 7296 §2.16, RFC 3748):
// it answers Identity with the configured username and MD5-Challenge
// (RFC 3748 §5.4) with the password; another method gets a Nak (§5.3.1)
// asking for MD5. EAP-MD5 makes no MSK, so the AUTH payloads after it are
// keyed with SK_pi / SK_pr (auth_local.h eap_auth).
#pragma once
#include <string>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "wire/eap/eap.h"

namespace kg::ike {

// RFC 1994 §4.1 as RFC 3748 §5.4 uses it: MD5(Identifier | secret | challenge).
Bytes eap_md5_value(uint8_t identifier, ByteView secret, ByteView challenge);

class EapPeer {
 public:
  EapPeer(std::string username, const Secret& password) : username_(std::move(username)), password_(password) {}
  // The Response to a Request; an error says why there is none (for the log).
  Result<Bytes> respond(const eap::Packet& request);

 private:
  std::string username_;
  Secret password_;
};

}  // namespace kg::ike
