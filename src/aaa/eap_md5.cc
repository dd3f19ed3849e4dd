#include "aaa/eap_md5.h"

#include "ike/eap_peer.h"
#include "wire/eap/eap.h"

namespace kg::aaa {
namespace {

using ike::EapStep;
constexpr size_t kChallengeSize = 16;
constexpr const char* kServerName = "keygate";

// Request/Identity -> Response/Identity -> Request/MD5-Challenge ->
// Response/MD5-Challenge -> Success or Failure.
class Md5Conversation final : public ike::EapConversation {
 public:
  Md5Conversation(std::shared_ptr<const std::map<std::string, Secret>> users, Random& rng)
      : users_(std::move(users)), rng_(rng) {}

  EapStep step(ByteView in) override {
    if (state_ == State::kStart) {
      rng_.fill(std::span<uint8_t>(&id_, 1));
      state_ = State::kIdentity;
      return request(eap::Type::kIdentity, {});
    }
    auto m = eap::Packet::parse(in);
    if (!m) return failure("malformed EAP message: " + m.error().message);
    if (m->code != eap::Code::kResponse || m->identifier != id_)
      return failure("unexpected EAP message (not the Response to our Request)");
    if (m->type == uint8_t(eap::Type::kNak)) return failure("the peer refuses EAP-MD5 (Nak)");
    if (state_ == State::kIdentity && m->type == uint8_t(eap::Type::kIdentity)) {
      user_.assign(m->data.begin(), m->data.end());
      challenge_.resize(kChallengeSize);
      rng_.fill(challenge_);
      ++id_;
      state_ = State::kChallenge;
      eap::Md5Challenge c{challenge_, Bytes(kServerName, kServerName + 7)};
      return request(eap::Type::kMd5Challenge, c.write());
    }
    if (state_ == State::kChallenge && m->type == uint8_t(eap::Type::kMd5Challenge)) {
      state_ = State::kDone;
      auto c = eap::Md5Challenge::parse(m->data);
      if (!c) return failure("malformed MD5-Challenge Response: " + c.error().message);
      auto it = users_->find(user_);
      // Same work and the same answer whether the user is unknown or the
      // password wrong; only the log tells them apart.
      Bytes expect = ike::eap_md5_value(id_, it != users_->end() ? it->second.view() : ByteView(), challenge_);
      bool ok = Secret(std::move(expect)).equals(c->value) && it != users_->end();
      if (!ok) return failure(it == users_->end() ? "unknown user" : "wrong password (MD5-Challenge response)");
      EapStep s{EapStep::Kind::kSuccess, eap::Packet{eap::Code::kSuccess, id_, 0, {}}.write(), {}, user_, {}};
      return s;
    }
    return failure("unexpected EAP Response type " + std::to_string(m->type));
  }

 private:
  enum class State { kStart, kIdentity, kChallenge, kDone };
  EapStep request(eap::Type t, Bytes data) {
    return EapStep{EapStep::Kind::kRequest, eap::Packet{eap::Code::kRequest, id_, uint8_t(t), std::move(data)}.write(),
                   {}, user_, {}};
  }
  EapStep failure(std::string why) {
    state_ = State::kDone;
    return EapStep{EapStep::Kind::kFailure, eap::Packet{eap::Code::kFailure, id_, 0, {}}.write(), {}, user_,
                   "EAP-MD5: " + why};
  }

  std::shared_ptr<const std::map<std::string, Secret>> users_;
  Random& rng_;
  State state_ = State::kStart;
  uint8_t id_ = 0;
  std::string user_;
  Bytes challenge_;
};

}  // namespace

std::shared_ptr<ike::EapConversation> EapMd5Authenticator::start(std::string_view) const {
  return std::make_shared<Md5Conversation>(users_, rng_);
}

}  // namespace kg::aaa
