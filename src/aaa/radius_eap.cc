// EAP relayed to RADIUS (radius_eap.h). One conversation per IKE SA:
//
//   peer                      keygate                      RADIUS server
//   IKE_AUTH { IDi } -->      [query-identity: EAP Request/Identity to the peer,
//                              answered at once]
//   EAP Response/Identity --> Access-Request { User-Name, EAP-Message,
//                              Message-Authenticator } -->
//                             <-- Access-Challenge { EAP-Message, State }
//   <-- EAP Request (method)
//   EAP Response -->          Access-Request { EAP-Message, State } -->
//                             ... until Access-Accept { EAP Success,
//                             MS-MPPE keys } or Access-Reject { EAP Failure }
#include "aaa/radius_eap.h"

#include "common/log.h"
#include "wire/eap/eap.h"
#include "wire/radius/eap_message.h"

namespace kg::aaa {
namespace {

using ike::EapStep;
using kg::radius::AttrType;
using kg::radius::Code;
using kg::radius::Packet;

class RadiusEapConversation final : public ike::EapConversation,
                                    public std::enable_shared_from_this<RadiusEapConversation> {
 public:
  RadiusEapConversation(std::weak_ptr<radius::Requester> radius, std::string group, bool query_identity,
                        std::string ike_id, std::shared_ptr<AcceptedUsers> accepted)
      : radius_(std::move(radius)), group_(std::move(group)), ike_id_(std::move(ike_id)),
        asking_identity_(query_identity), accepted_(std::move(accepted)) {}
  ~RadiusEapConversation() override {
    if (auto r = radius_.lock(); r && pending_) r->cancel(pending_);
  }

  // Only the local Request/Identity of query-identity answers at once.
  [[nodiscard]] bool completes_at_once() const override { return asking_identity_ && !identity_asked_; }
  [[nodiscard]] bool answers_on_loop() const override { return true; }

  EapStep step(ByteView response) override {
    if (completes_at_once() && response.empty()) {
      identity_asked_ = true;
      eap::Packet req{eap::Code::kRequest, 1, uint8_t(eap::Type::kIdentity), {}};
      last_id_ = req.identifier;
      return {EapStep::Kind::kRequest, req.write(), {}, {}, {}};
    }
    return failure("EAP relay stepped off the event loop");
  }

  void begin_step(ByteView response, StepDone done) override {
    Bytes eap;
    if (response.empty()) {
      // No query-identity: the IKE identity is the EAP identity (the
      // Response/Identity the peer would have sent, RFC 3748 §5.1).
      user_ = ike_id_;
      eap = eap::Packet{eap::Code::kResponse, 0, uint8_t(eap::Type::kIdentity), Bytes(user_.begin(), user_.end())}.write();
    } else {
      eap.assign(response.begin(), response.end());
      auto m = eap::Packet::parse(eap);
      if (!m) return done(failure("malformed EAP Response from the peer: " + m.error().message));
      if (m->has_type() && m->type == uint8_t(eap::Type::kIdentity)) user_.assign(m->data.begin(), m->data.end());
    }
    auto r = radius_.lock();
    if (!r) return done(failure("RADIUS is not running"));
    Packet req{uint8_t(Code::kAccessRequest), 0, {}, {}};
    req.add_text(AttrType::kUserName, user_);
    req.add_u32(AttrType::kServiceType, kg::radius::kServiceTypeFramed);
    req.add_u32(AttrType::kNasPortType, kg::radius::kNasPortTypeVirtual);
    req.add_text(AttrType::kNasIdentifier, r->nas_identifier());
    kg::radius::add_eap_message(req, eap);
    if (!state_.empty()) req.add(AttrType::kState, state_);  // RFC 2865 §5.24: echoed unchanged
    std::weak_ptr<RadiusEapConversation> self = weak_from_this();
    pending_ = r->submit(group_, radius::Port::kAuth, std::move(req),
                         [self, done = std::move(done)](Result<radius::Reply> reply) {
                           auto me = self.lock();
                           if (!me) return;
                           me->pending_ = 0;
                           done(me->answer(std::move(reply)));
                         });
  }

 private:
  EapStep failure(std::string why) const { return {EapStep::Kind::kFailure, {}, {}, user_, std::move(why)}; }

  EapStep answer(Result<radius::Reply> reply) {
    if (!reply) return failure("RADIUS group " + group_ + ": " + reply.error().message);
    const Packet& p = reply->packet;
    auto eap = kg::radius::eap_message(p);
    if (!eap) return failure("RADIUS " + reply->server + ": " + eap.error().message);
    switch (Code(p.code)) {
      case Code::kAccessChallenge:
        if (!*eap) return failure("Access-Challenge from " + reply->server + " without EAP-Message");
        if (const auto* st = p.find(AttrType::kState)) state_ = st->value;
        last_id_ = (**eap)[1];
        return {EapStep::Kind::kRequest, std::move(**eap), {}, user_, {}};
      case Code::kAccessAccept: {
        // RFC 3579 §2.6.3: the Accept carries the EAP Success; one without
        // EAP-Message gets a Success of our own.
        Bytes success = *eap ? std::move(**eap) : eap::Packet{eap::Code::kSuccess, last_id_, 0, {}}.write();
        // Its attributes are trusted whole or not at all.
        auto attrs = radius_authorization(p);
        if (!attrs) return failure("Access-Accept from " + reply->server + ": " + attrs.error().message);
        for (const auto& u : attrs->unsupported)
          log::warn("RADIUS: user " + user_ + ": attribute " + u + " is not supported; ignored");
        if (accepted_) accepted_->put(ike_id_, {user_, std::move(*attrs)});
        log::info("RADIUS: " + reply->server + " accepted EAP user " + user_);
        return {EapStep::Kind::kSuccess, std::move(success), std::move(reply->msk), user_, {}};
      }
      case Code::kAccessReject: {
        std::string why = "Access-Reject from RADIUS server " + reply->server;
        if (auto msg = p.text(AttrType::kReplyMessage)) why += " (" + std::string(*msg) + ")";
        EapStep s = failure(why);
        s.message = *eap ? std::move(**eap) : eap::Packet{eap::Code::kFailure, last_id_, 0, {}}.write();
        return s;
      }
      default:
        return failure(std::string("unexpected ") + kg::radius::code_name(p.code) + " from " + reply->server);
    }
  }

  std::weak_ptr<radius::Requester> radius_;
  std::string group_;
  std::string ike_id_;
  std::string user_;
  Bytes state_;
  bool asking_identity_;
  bool identity_asked_ = false;
  uint8_t last_id_ = 0;
  uint64_t pending_ = 0;
  std::shared_ptr<AcceptedUsers> accepted_;
};

}  // namespace

void AcceptedUsers::put(const std::string& ike_id, Entry e) {
  if (!entries_.contains(ike_id)) {
    if (order_.size() >= kMax) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    order_.push_back(ike_id);
  }
  entries_[ike_id] = std::move(e);
}

std::optional<AcceptedUsers::Entry> AcceptedUsers::take(const std::string& ike_id) {
  auto it = entries_.find(ike_id);
  if (it == entries_.end()) return std::nullopt;
  Entry e = std::move(it->second);
  entries_.erase(it);
  std::erase(order_, ike_id);
  return e;
}

std::shared_ptr<ike::EapConversation> RadiusEapAuthenticator::start(std::string_view ike_id) const {
  return std::make_shared<RadiusEapConversation>(radius_, group_, query_identity_, std::string(ike_id), accepted_);
}

}  // namespace kg::aaa
