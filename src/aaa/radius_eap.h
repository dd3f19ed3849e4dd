// The EAP relay (RFC 3579, RFC 7296 §2.16): the IKEv2 responder's EAP back
// end when its profile says `aaa authentication eap LIST` and the list is
// `group G`. Each EAP Response of the peer goes to the RADIUS servers of G
// in an Access-Request (EAP-Message, State echoed), and the server's answer
// decides: Access-Challenge -> its EAP Request to the peer, Access-Accept ->
// EAP Success and the MSK from the MS-MPPE keys, Access-Reject -> EAP
// Failure (AUTHENTICATION_FAILED). The method itself (MD5, MSCHAPv2, TLS,
// PEAP...) is between the peer and the server: keygate does not look into
// it. It waits on the network without blocking: it answers on the loop.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aaa/radius/requester.h"
#include "aaa/radius_attributes.h"
#include "common/ip.h"
#include "ike/eap.h"

namespace kg::aaa {

// Users the RADIUS server accepted, with what their Access-Accept said,
// until authorization of their configuration request takes it (IOS's
// `aaa authorization user eap cached`: the attributes cached from the
// authentication). Keyed by the peer's IKE identity; bounded: the oldest
// entry goes when full. Event loop only.
class AcceptedUsers {
 public:
  struct Entry {
    std::string user;
    RadiusAuthorization attrs;  // its Class attributes too, echoed in accounting
  };
  void put(const std::string& ike_id, Entry e);
  [[nodiscard]] std::optional<Entry> take(const std::string& ike_id);
  [[nodiscard]] const Entry* find(const std::string& ike_id) const {
    auto it = entries_.find(ike_id);
    return it == entries_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] size_t size() const { return entries_.size(); }
  static constexpr size_t kMax = 4096;

 private:
  std::map<std::string, Entry> entries_;
  std::deque<std::string> order_;
};

class RadiusEapAuthenticator final : public ike::EapAuthenticator {
 public:
  // query_identity: ask the peer's EAP identity first (IOS `authentication
  // remote eap query-identity`); otherwise the IKE identity is the EAP
  // identity sent to the server.
  // `accepted` (may be null) receives each accepted user's attributes.
  RadiusEapAuthenticator(std::weak_ptr<radius::Requester> radius, std::string group, bool query_identity,
                         std::shared_ptr<AcceptedUsers> accepted = nullptr)
      : radius_(std::move(radius)), group_(std::move(group)), query_identity_(query_identity),
        accepted_(std::move(accepted)) {}
  [[nodiscard]] std::shared_ptr<ike::EapConversation> start(std::string_view ike_id) const override;

 private:
  std::weak_ptr<radius::Requester> radius_;
  std::string group_;
  bool query_identity_;
  std::shared_ptr<AcceptedUsers> accepted_;
};

}  // namespace kg::aaa
