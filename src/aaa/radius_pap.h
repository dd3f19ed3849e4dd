// A user name and password checked by a RADIUS server group with PAP
// (RFC 2865 §2, §5.2): IKEv1 XAUTH against `aaa authentication login LIST
// group G [local]`. One Access-Request per check, answered on the daemon's
// event loop:
//
//   XAUTH REPLY(user, password) --> Access-Request { User-Name, User-Password
//                                   (hidden by the client), Service-Type Login,
//                                   NAS-Port-Type Virtual, NAS-Identifier,
//                                   Calling-Station-Id (the client's address) }
//                                   <-- Access-Accept: accepted
//                                   <-- Access-Reject: refused, Reply-Message
//                                       in the log line
// No server answering is an error too, unless the list names `local` after
// the group: then (and only then, as IOS) the local users decide.
#pragma once
#include <memory>
#include <string>

#include "aaa/radius/requester.h"
#include "ike/policy.h"

namespace kg::aaa {

class RadiusPasswordChecker final : public ike::PasswordChecker,
                                    public std::enable_shared_from_this<RadiusPasswordChecker> {
 public:
  RadiusPasswordChecker(std::weak_ptr<radius::Requester> radius, std::string group, IpAddress calling_station,
                        std::shared_ptr<ike::PasswordChecker> fallback = nullptr)
      : radius_(std::move(radius)), group_(std::move(group)), calling_station_(calling_station),
        fallback_(std::move(fallback)) {}

  [[nodiscard]] bool answers_on_loop() const override { return true; }
  void begin_check(const std::string& user, const Secret& password, CheckDone done) override;
  // Off the loop there is no RADIUS client to ask.
  [[nodiscard]] ike::PasswordVerdict check(const std::string&, const Secret&) override {
    return {"RADIUS password check called off the event loop", {}};
  }

 private:
  std::weak_ptr<radius::Requester> radius_;
  std::string group_;
  IpAddress calling_station_;
  std::shared_ptr<ike::PasswordChecker> fallback_;
};

}  // namespace kg::aaa
