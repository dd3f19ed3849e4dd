// EAP-MD5 (RFC 3748 §5.4) as an in-process EAP back end for the IKEv2
// responder (ike/eap.h): Identity, then one MD5-Challenge, checked against a
// local table of users and their passwords. It answers at once. EAP-MD5
// makes no MSK and authenticates only the peer; inside IKEv2 the responder
// has already proven itself with its AUTH payload (RFC 7296 §2.16).
// A RADIUS relay will implement the same interface.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "common/random.h"
#include "common/secret.h"
#include "ike/eap.h"

namespace kg::aaa {

class EapMd5Authenticator final : public ike::EapAuthenticator {
 public:
  // `rng` (the challenges) must outlive the authenticator's conversations.
  EapMd5Authenticator(std::map<std::string, Secret> users, Random& rng)
      : users_(std::make_shared<const std::map<std::string, Secret>>(std::move(users))), rng_(rng) {}
  [[nodiscard]] std::shared_ptr<ike::EapConversation> start(std::string_view ike_id) const override;

 private:
  std::shared_ptr<const std::map<std::string, Secret>> users_;
  Random& rng_;
};

}  // namespace kg::aaa
