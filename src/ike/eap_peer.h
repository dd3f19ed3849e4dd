// The initiator's side of EAP inside IKE_AUTH (RFC 7296 §2.16, RFC 3748):
// it answers Identity with the configured username and the method the
// server proposes when the profile allows it: EAP-MD5 (§5.4), EAP-GTC
// (§5.6, the password as the response) or EAP-MSCHAPv2
// (eap_mschapv2_peer.h). A profile that names one method (`authentication
// local eap mschapv2 ...`) answers only that one; without a name, any of
// the three. Another method gets a Legacy Nak (§5.3.1) listing what we
// would do. After EAP-MSCHAPv2 the AUTH payloads are keyed with its MSK;
// after MD5 and GTC, which make none, with SK_pi / SK_pr (auth_local.h eap_auth).
#pragma once
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/random.h"
#include "common/result.h"
#include "common/secret.h"
#include "ike/eap_mschapv2_peer.h"
#include "wire/eap/eap.h"

namespace kg::ike {

// RFC 1994 §4.1 as RFC 3748 §5.4 uses it: MD5(Identifier | secret | challenge).
Bytes eap_md5_value(uint8_t identifier, ByteView secret, ByteView challenge);

// "EAP-MSCHAPv2" etc. for a method type (logs, show).
std::string eap_method_name(uint8_t type);

class EapPeer {
 public:
  // `method`: the EAP Type the profile names; 0: any of those we speak.
  EapPeer(std::string username, const Secret& password, uint8_t method = 0)
      : username_(std::move(username)), password_(password), method_(method) {}
  // The Response to a Request; an error says why there is none (for the log).
  Result<Bytes> respond(const eap::Packet& request, Random& rng);
  // The server sent EAP Success: an error when our method had not finished
  // (EAP-MSCHAPv2 whose server never proved it knows the password), or no
  // method ran at all.
  [[nodiscard]] Result<void> check_success() const;
  // The MSK of a key-generating method (EAP-MSCHAPv2); empty otherwise.
  [[nodiscard]] const Secret& msk() const;
  // The method answered last ("EAP-MD5"), or "EAP" before any.
  [[nodiscard]] std::string method_name() const { return eap_method_name(current_); }
  // Why the method failed, when the server said so (EAP-MSCHAPv2 "E=691 ...").
  [[nodiscard]] std::string failure() const { return mschap_ ? mschap_->failure() : std::string(); }

 private:
  [[nodiscard]] bool accepts(uint8_t type) const;
  Result<Bytes> method_data(const eap::Packet& req, Random& rng);

  std::string username_;
  Secret password_;
  uint8_t method_;
  uint8_t current_ = 0;  // the method type answered last
  std::optional<MsChapV2Peer> mschap_;
};

}  // namespace kg::ike
