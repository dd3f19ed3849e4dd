// Disconnect- and CoA-Requests (dynamic_author.h, RFC 5176).
#include "aaa/radius/dynamic_author.h"

#include <algorithm>

#include "aaa/interface_config.h"
#include "aaa/radius/authenticator.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {

using kg::radius::AttrType;
using kg::radius::Code;
using kg::radius::Packet;

namespace {

constexpr size_t kAnsweredKept = 64;

// Attributes a Disconnect-Request may carry (RFC 5176 §3.5 table: session
// identification, NAS identification, and the housekeeping ones). Anything
// else asks for a change of authorization, which a Disconnect cannot make.
bool disconnect_may_carry(uint8_t t) {
  switch (t) {
    case 1: case 4: case 5: case 8: case 24: case 25: case 26: case 30: case 31: case 32: case 33:
    case 44: case 49: case 55: case 61: case 80: case 87: case 95: case 101:
      return true;
    default:
      return false;
  }
}

// What a CoA-Request may carry that keygate applies: the identification
// above, Session-Timeout and Acct-Interim-Interval (and Cisco-AVPairs,
// Vendor-Specific, looked at one by one).
bool coa_may_carry(uint8_t t) {
  return t == uint8_t(AttrType::kSessionTimeout) || t == kAcctInterimIntervalAttr ||
         (disconnect_may_carry(t) && t != 49);
}

// The change a CoA's Cisco-AVPairs ask for; `why` names the first that
// cannot be made live.
struct CiscoChange {
  bool reauthenticate = false;
  std::vector<std::string> interface_config;
  std::string why;
};
CiscoChange cisco_change(const Packet& req) {
  CiscoChange c;
  auto v = kg::radius::vendor_values(req, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair);
  if (!v) return c;
  for (const auto& x : *v) {
    std::string av(x.begin(), x.end());
    if (av == "subscriber:command=reauthenticate") {
      c.reauthenticate = true;
    } else if (av.starts_with("ip:interface-config=")) {
      std::string cmd = av.substr(av.find('=') + 1);
      auto parsed = parse_interface_config({cmd});
      if (!parsed.refused.empty()) c.why = parsed.refused.front();
      else if (parsed.mtu || !parsed.unnumbered.empty()) c.why = cmd + ": only ip access-group can change live";
      else c.interface_config.push_back(cmd);
    } else {
      // ipsec:addr-pool, ipsec:dns-servers, route sets, other subscriber
      // commands: settled when the session came up.
      c.why = av.substr(0, av.find('=')) + " cannot change on a live session";
    }
    if (!c.why.empty()) return c;
  }
  return c;
}

std::string text_of(const kg::radius::Attribute& a) { return std::string(a.value.begin(), a.value.end()); }

}  // namespace

std::optional<Bytes> DynamicAuthorServer::on_datagram(const IpAddress& from, ByteView datagram) {
  auto client = clients_.find(from.str());
  if (client == clients_.end()) {
    stats_.unknown_client++;
    last_ = "dropped: " + from.str() + " is not a dynamic-author client";
    return std::nullopt;
  }
  auto req = open_computed_request(datagram, client->second);
  if (!req) {
    if (req.error().code == Errc::kAuthFailed) {
      stats_.bad_authenticator++;
      last_ = "dropped: bad authenticator from " + from.str();
    } else {
      stats_.malformed++;
      last_ = "dropped: malformed request from " + from.str();
    }
    return std::nullopt;
  }
  if (req->code != uint8_t(Code::kDisconnectRequest) && req->code != uint8_t(Code::kCoaRequest)) {
    stats_.unsupported_code++;
    last_ = std::string("dropped: ") + kg::radius::code_name(req->code) + " from " + from.str();
    return std::nullopt;
  }
  // §2.3: a retransmission (same client, Identifier and Authenticator) gets
  // the answer already given; the session it removed is gone by now.
  for (const auto& a : answered_)
    if (a.client == client->first && a.id == req->identifier && a.auth == req->authenticator) {
      stats_.duplicates++;
      last_ = "retransmission from " + from.str() + ", answered again";
      return a.reply;
    }
  stats_.requests++;
  Packet rep = answer(*req);
  rep.identifier = req->identifier;
  for (const auto* ps : req->all(AttrType::kProxyState)) rep.add(AttrType::kProxyState, ps->value);  // §3
  auto d = seal_reply(rep, req->authenticator, client->second);
  if (!d) return std::nullopt;
  switch (Code(rep.code)) {
    case Code::kDisconnectAck: stats_.disconnect_acks++; break;
    case Code::kDisconnectNak: stats_.disconnect_naks++; break;
    case Code::kCoaAck: stats_.coa_acks++; break;
    default: stats_.coa_naks++; break;
  }
  answered_.push_back({client->first, req->identifier, req->authenticator, *d});
  if (answered_.size() > kAnsweredKept) answered_.pop_front();
  last_ = std::string(kg::radius::code_name(req->code)) + " id " + std::to_string(req->identifier) + " from " +
          from.str() + ": " + kg::radius::code_name(rep.code) + (last_.empty() ? "" : " (" + last_ + ")");
  return std::move(*d);
}

Packet DynamicAuthorServer::nak(const Packet& req, ErrorCause cause, const std::string& why) {
  Packet p;
  p.code = uint8_t(req.code == uint8_t(Code::kDisconnectRequest) ? Code::kDisconnectNak : Code::kCoaNak);
  p.add_u32(AttrType(kErrorCauseAttr), uint32_t(cause));
  last_ = "Error-Cause " + std::to_string(uint32_t(cause)) + ", " + why;
  return p;
}

Packet DynamicAuthorServer::answer(const Packet& req) {
  last_.clear();
  bool disconnect = req.code == uint8_t(Code::kDisconnectRequest);
  // NAS identification (§3): when given, it must be ours.
  if (auto* a = req.find(AttrType::kNasIpAddress)) {
    auto ip = IpAddress::from_bytes(a->value);
    auto ours = host_.nas_addresses();
    if (!ip || std::find(ours.begin(), ours.end(), *ip) == ours.end())
      return nak(req, ErrorCause::kNasIdentificationMismatch, "NAS-IP-Address is not ours");
  }
  if (auto id = req.text(AttrType::kNasIdentifier); id && *id != host_.nas_identifier())
    return nak(req, ErrorCause::kNasIdentificationMismatch, "NAS-Identifier is not ours");
  for (const auto& a : req.attributes)
    if (!(disconnect ? disconnect_may_carry(a.type) : coa_may_carry(a.type)))
      return nak(req, ErrorCause::kUnsupportedAttribute, "attribute " + std::to_string(a.type) + " not supported");
  if (auto st = req.u32(AttrType::kServiceType); st && *st == kServiceTypeAuthorizeOnly)
    return nak(req, ErrorCause::kUnsupportedService, "Service-Type Authorize-Only not supported");
  CiscoChange cisco;
  if (!disconnect) {
    cisco = cisco_change(req);
    if (!cisco.why.empty()) return nak(req, ErrorCause::kUnsupportedExtension, cisco.why);
  }

  const auto* sid = req.find(AttrType::kAcctSessionId);
  const auto* user = req.find(AttrType::kUserName);
  const auto* fip = req.find(AttrType::kFramedIpAddress);
  if (!sid && !user && !fip)
    return nak(req, ErrorCause::kMissingAttribute, "no Acct-Session-Id, User-Name or Framed-IP-Address");
  std::optional<IpAddress> framed;
  if (fip) {
    framed = IpAddress::from_bytes(fip->value);
    if (!framed || !framed->is_v4()) return nak(req, ErrorCause::kInvalidAttributeValue, "Framed-IP-Address");
  }
  std::vector<uint64_t> hits;
  for (const auto& s : host_.sessions()) {
    if (sid && text_of(*sid) != s.session_id) continue;
    if (user && text_of(*user) != s.user_name) continue;
    if (framed && s.framed_ip != framed) continue;
    hits.push_back(s.key);
  }
  if (hits.empty()) return nak(req, ErrorCause::kSessionContextNotFound, "no such session");

  Packet ok;
  if (disconnect) {
    for (uint64_t k : hits) host_.disconnect(k);
    ok.code = uint8_t(Code::kDisconnectAck);
    last_ = std::to_string(hits.size()) + " session(s) disconnected";
    return ok;
  }
  auto timeout = req.u32(AttrType::kSessionTimeout);
  auto interim = req.u32(AttrType(kAcctInterimIntervalAttr));
  if (!timeout && !interim && cisco.interface_config.empty() && !cisco.reauthenticate)
    return nak(req, ErrorCause::kMissingAttribute, "nothing to change");
  // What can fail first, before any other change is made.
  if (cisco.reauthenticate)
    for (uint64_t k : hits)
      if (auto r = host_.reauthorize(k); !r) return nak(req, ErrorCause::kUnsupportedExtension, r.error().message);
  if (!cisco.interface_config.empty())
    for (uint64_t k : hits)
      if (auto r = host_.change_interface_config(k, cisco.interface_config); !r)
        return nak(req, ErrorCause::kResourcesUnavailable, r.error().message);
  std::string done;
  auto said = [&](const std::string& what) { done += (done.empty() ? "" : ", ") + what; };
  if (cisco.reauthenticate) said("reauthenticate");
  if (!cisco.interface_config.empty()) said("interface-config");
  if (timeout) {
    for (uint64_t k : hits) host_.set_session_timeout(k, *timeout);
    said("Session-Timeout " + std::to_string(*timeout) + "s");
  }
  if (interim) {
    for (uint64_t k : hits) host_.set_interim_interval(k, *interim);
    said("Acct-Interim-Interval " + std::to_string(*interim) + "s");
  }
  ok.code = uint8_t(Code::kCoaAck);
  last_ = done + " on " + std::to_string(hits.size()) + " session(s)";
  return ok;
}

}  // namespace kg::aaa::radius
