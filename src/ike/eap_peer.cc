#include "ike/eap_peer.h"

#include "crypto/digest.h"

namespace kg::ike {
namespace {

using eap::Type;
// A Nak's order of preference: mutual authentication and an MSK first, then
// MD5, then GTC (which shows the password to the server).
constexpr uint8_t kPreference[] = {uint8_t(Type::kMsChapV2), uint8_t(Type::kMd5Challenge), uint8_t(Type::kGtc)};

}  // namespace

Bytes eap_md5_value(uint8_t identifier, ByteView secret, ByteView challenge) {
  return crypto::md5({ByteView(&identifier, 1), secret, challenge});
}

std::string eap_method_name(uint8_t type) {
  switch (static_cast<Type>(type)) {
    case Type::kMd5Challenge: return "EAP-MD5";
    case Type::kGtc: return "EAP-GTC";
    case Type::kMsChapV2: return "EAP-MSCHAPv2";
    default: return type ? "EAP type " + std::to_string(type) : "EAP";
  }
}

bool EapPeer::accepts(uint8_t type) const {
  if (method_) return type == method_;
  for (uint8_t t : kPreference)
    if (t == type) return true;
  return false;
}

Result<Bytes> EapPeer::respond(const eap::Packet& req, Random& rng) {
  if (req.code != eap::Code::kRequest) return fail(Errc::kInvalidArgument, "not an EAP Request");
  eap::Packet resp{eap::Code::kResponse, req.identifier, req.type, {}};
  switch (static_cast<Type>(req.type)) {
    case Type::kIdentity:
      resp.data.assign(username_.begin(), username_.end());
      break;
    case Type::kNotification:  // §5.2: acknowledged with an empty Response
      break;
    case Type::kNak:
      return fail(Errc::kInvalidSyntax, "EAP Request of type Nak");
    default:
      if (accepts(req.type)) {
        auto d = method_data(req, rng);
        if (!d) return std::unexpected(d.error());
        resp.data = std::move(*d);
        break;
      }
      // §5.3.1 Legacy Nak: the types we would do, best first.
      resp.type = uint8_t(Type::kNak);
      if (method_) resp.data = {method_};
      else resp.data.assign(std::begin(kPreference), std::end(kPreference));
      break;
  }
  return resp.write();
}

Result<Bytes> EapPeer::method_data(const eap::Packet& req, Random& rng) {
  current_ = req.type;
  switch (static_cast<Type>(req.type)) {
    case Type::kMd5Challenge: {
      auto c = eap::Md5Challenge::parse(req.data);
      if (!c) return std::unexpected(c.error());
      eap::Md5Challenge answer;
      answer.value = eap_md5_value(req.identifier, password_.view(), c->value);
      answer.name.assign(username_.begin(), username_.end());
      return answer.write();
    }
    case Type::kGtc:  // §5.6: the Request's data is a prompt; the Response, the password
      return Bytes(password_.view().begin(), password_.view().end());
    case Type::kMsChapV2: {
      auto m = eap::MsChapV2::parse(req.data);
      if (!m) return std::unexpected(m.error());
      if (!mschap_) mschap_.emplace(username_, password_);
      return mschap_->respond(*m, rng);
    }
    default:
      return fail(Errc::kUnsupported, eap_method_name(req.type));
  }
}

Result<void> EapPeer::check_success() const {
  if (!current_) return fail(Errc::kAuthFailed, "EAP Success before any authentication method");
  if (current_ == uint8_t(Type::kMsChapV2) && !(mschap_ && mschap_->server_verified()))
    return fail(Errc::kAuthFailed, "EAP Success before the server proved it knows the password (EAP-MSCHAPv2)");
  return {};
}

const Secret& EapPeer::msk() const {
  static const Secret kNone;
  return current_ == uint8_t(Type::kMsChapV2) && mschap_ ? mschap_->msk() : kNone;
}

}  // namespace kg::ike
