#include "aaa/radius_pap.h"

#include "aaa/radius_attributes.h"
#include "wire/radius/attributes.h"

namespace kg::aaa {

using kg::radius::AttrType;
using kg::radius::Code;

void RadiusPasswordChecker::begin_check(const std::string& user, const Secret& password, CheckDone done) {
  auto r = radius_.lock();
  if (!r) return done({"RADIUS is not running", {}});
  kg::radius::Packet req{uint8_t(Code::kAccessRequest), 0, {}, {}};
  req.add_text(AttrType::kUserName, user);
  // In clear here: the client hides it for each server (client.h).
  req.add(AttrType::kUserPassword, Bytes(password.view().begin(), password.view().end()));
  req.add_u32(AttrType::kServiceType, kg::radius::kServiceTypeLogin);
  req.add_u32(AttrType::kNasPortType, kg::radius::kNasPortTypeVirtual);
  req.add_text(AttrType::kNasIdentifier, r->nas_identifier());
  req.add_text(AttrType::kCallingStationId, calling_station_.str());
  // The callback keeps the checker (and its fallback) alive until the
  // answer: the RADIUS client always gives one, at worst once its
  // retransmissions are spent, and the engine drops a verdict nobody waits for.
  auto self = shared_from_this();
  r->submit(group_, radius::Port::kAuth, std::move(req),
                       [self, user, password, done = std::move(done)](Result<radius::Reply> reply) {
                         if (!reply) {
                           std::string why = "RADIUS group " + self->group_ + ": " + reply.error().message;
                           if (!self->fallback_) return done({why, {}});
                           auto v = self->fallback_->check(user, password);
                           v.by = "the local user database (" + why + ")";
                           return done(std::move(v));
                         }
                         const std::string server = "RADIUS server " + reply->server;
                         switch (Code(reply->packet.code)) {
                           case Code::kAccessAccept:
                             return done({{}, server, class_values(reply->packet)});
                           case Code::kAccessReject: {
                             std::string why = "Access-Reject from " + server;
                             if (auto msg = reply->packet.text(AttrType::kReplyMessage)) why += " (" + std::string(*msg) + ")";
                             return done({why, server});
                           }
                           default:
                             return done({std::string("unexpected ") + kg::radius::code_name(reply->packet.code) +
                                              " from " + server + " (PAP expects Accept or Reject)",
                                          server});
                         }
                       });
}

}  // namespace kg::aaa
