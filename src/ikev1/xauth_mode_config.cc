// What follows an Easy VPN client's phase 1, in transaction exchanges
// (exchange type 6, draft-dukes-ike-mode-cfg §3): each message is
// HDR*, HASH, ATTR with HASH = prf(SKEYID_a, M-ID | ATTR), encrypted with
// the exchange's own IV (as Quick Mode's: from the last phase-1 block and
// the M-ID, then chained).
//
// XAUTH as server (draft-beaulieu-ike-xauth §5), when the ISAKMP profile
// names a client authentication list:
//   REQUEST(XAUTH-TYPE, USER-NAME, USER-PASSWORD) -->
//                                <-- REPLY(USER-NAME, USER-PASSWORD)
//   SET(STATUS 1|0)              -->
//                                <-- ACK(STATUS)
// Mode configuration, the client asking (client configuration address
// respond, what strongSwan and Cisco clients do):
//                                <-- REQUEST(INTERNAL_IP4_ADDRESS, ...)
//   REPLY(address, DNS, WINS, Cisco Unity attributes) -->
// or, with client configuration address initiate, the server pushing:
//   SET(address, DNS, ...)       -->
//                                <-- ACK
// Quick Mode is refused until both are done.
#include "common/log.h"
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

namespace ck = crypto::ikev1;
using isakmp::Attribute;
using isakmp::CfgType;
using isakmp::PayloadType;
using isakmp::TypedPayload;

namespace {

// draft-dukes-ike-mode-cfg §3.3
constexpr uint16_t kInternalIp4Address = 1, kInternalIp4Netmask = 2, kInternalIp4Dns = 3, kInternalIp4Nbns = 4,
                   kInternalIp4Subnet = 13;
// draft-beaulieu-ike-xauth §6
constexpr uint16_t kXauthType = 16520, kXauthUserName = 16521, kXauthUserPassword = 16522, kXauthStatus = 16527;
// Cisco Unity, as strongSwan's unity plugin and Cisco clients read them
constexpr uint16_t kUnityBanner = 28672, kUnitySavePasswd = 28673, kUnityDefDomain = 28674, kUnitySplitDns = 28675,
                   kUnitySplitInclude = 28676, kUnityLocalLan = 28678, kUnityPfs = 28679, kUnityFwType = 28680,
                   kUnityBackupServers = 28681;

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes addr4(const IpAddress& a) { return Bytes(a.bytes().begin(), a.bytes().end()); }

// Cisco Unity split networks: address, mask, then 6 bytes (protocol and
// ports, zero: all traffic), 14 bytes per network.
Bytes unity_nets(const std::vector<Prefix>& v) {
  ByteWriter w;
  for (auto& p : v) {
    if (!p.addr.is_v4()) continue;
    w.bytes(p.first().bytes());
    uint32_t mask = p.len ? ~uint32_t(0) << (32 - p.len) : 0;
    w.u32(mask);
    for (int i = 0; i < 6; ++i) w.u8(0);
  }
  return w.take();
}

// UNITY_FW_TYPE: itself a list of basic attributes, as Cisco clients write
// theirs: 1 vendor (1, Cisco), 2 product (1), 3 capabilities (2, the
// Are-You-There check). The client checks its personal firewall runs.
Bytes firewall_are_u_there() {
  ByteWriter w;
  for (auto [type, value] : {std::pair<uint16_t, uint16_t>{1, 1}, {2, 1}, {3, 2}}) {
    w.u16(0x8000 | type);
    w.u16(value);
  }
  return w.take();
}

std::string attr_text(const Attribute* a) { return a ? std::string(a->value.begin(), a->value.end()) : std::string(); }

// The attributes of a REPLY (to `request`, nullptr: a SET pushing them all).
isakmp::AttributePayload cfg_reply(const ModeCfgReply& r, const isakmp::AttributePayload* request) {
  isakmp::AttributePayload rep;
  rep.cfg_type = CfgType::kReply;
  auto asked = [&](uint16_t t) { return request && isakmp::find_attribute(request->attributes, t) != nullptr; };
  if (r.address) {
    rep.attributes.push_back(Attribute::tlv(kInternalIp4Address, addr4(*r.address)));
    uint32_t mask = r.prefix_len ? ~uint32_t(0) << (32 - r.prefix_len) : 0;
    ByteWriter w;
    w.u32(mask);
    if (asked(kInternalIp4Netmask) || r.prefix_len != 32) rep.attributes.push_back(Attribute::tlv(kInternalIp4Netmask, w.take()));
  }
  for (auto& d : r.dns) rep.attributes.push_back(Attribute::tlv(kInternalIp4Dns, addr4(d)));
  for (auto& d : r.wins) rep.attributes.push_back(Attribute::tlv(kInternalIp4Nbns, addr4(d)));
  if (!r.domain.empty()) rep.attributes.push_back(Attribute::tlv(kUnityDefDomain, text(r.domain)));
  if (!r.split_include.empty()) {
    rep.attributes.push_back(Attribute::tlv(kUnitySplitInclude, unity_nets(r.split_include)));
    // RFC-style subnets for clients without Unity, when they ask.
    if (asked(kInternalIp4Subnet))
      for (auto& p : r.split_include) {
        ByteWriter w;
        w.bytes(p.first().bytes());
        w.u32(p.len ? ~uint32_t(0) << (32 - p.len) : 0);
        rep.attributes.push_back(Attribute::tlv(kInternalIp4Subnet, w.take()));
      }
  }
  if (!r.split_dns.empty()) {
    std::string s;  // comma-separated, as Cisco clients and vpnc read it
    for (auto& d : r.split_dns) s += (s.empty() ? "" : ",") + d;
    rep.attributes.push_back(Attribute::tlv(kUnitySplitDns, text(s)));
  }
  if (r.firewall_are_u_there) rep.attributes.push_back(Attribute::tlv(kUnityFwType, firewall_are_u_there()));
  if (!r.banner.empty()) rep.attributes.push_back(Attribute::tlv(kUnityBanner, text(r.banner)));
  if (r.save_password) rep.attributes.push_back(Attribute::tv(kUnitySavePasswd, 1));
  if (r.include_local_lan && asked(kUnityLocalLan)) rep.attributes.push_back(Attribute::tv(kUnityLocalLan, 1));
  if (r.pfs) rep.attributes.push_back(Attribute::tv(kUnityPfs, 1));
  if (!r.backup_servers.empty()) {
    std::string s;
    for (auto& b : r.backup_servers) s += (s.empty() ? "" : ",") + b;
    rep.attributes.push_back(Attribute::tlv(kUnityBackupServers, text(s)));
  }
  return rep;
}

}  // namespace

ike::SessionConfig ezvpn_session(const IsakmpSa& sa) { return sa.ez ? sa.ez->config : ike::SessionConfig{}; }

// Before Quick Mode: XAUTH passed and, if the client has an address from
// us, it protects only that address.
std::string ezvpn_quick_refusal(const IsakmpSa& sa, const TrafficSelector& remote) {
  if (!sa.ez) return "";
  using S = EzvpnState::Step;
  if (sa.ez->step != S::kConfig && sa.ez->step != S::kReady) return "XAUTH has not completed";
  if (auto& a = sa.ez->config.address; a && (remote.start != a->addr || remote.end != a->addr))
    return "its Quick Mode ID is not the address it was given (" + a->addr.str() + ")";
  return "";
}

void EngineImpl::ezvpn_release(IsakmpSa& sa, std::vector<Action>& out) {
  if (!sa.ez || !sa.ez->config.lease) return;
  out.push_back(ike::ReleaseConfig{sa.ez->config.lease});
  sa.ez->config.lease = 0;
}

void EngineImpl::cfg_send(IsakmpSa& sa, uint32_t mid, Bytes& iv, isakmp::AttributePayload attr, bool request,
                          std::vector<Action>& out) {
  std::vector<TypedPayload> p = {{PayloadType::kAttribute, std::move(attr)}};
  ByteWriter w;
  w.u32(mid);
  isakmp::write_payload_chain(p, w);
  auto hash = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {w.data()});
  if (!hash) return;
  p.insert(p.begin(), {PayloadType::kHash, isakmp::HashPayload{Bytes(hash->view().begin(), hash->view().end())}});
  isakmp::Header h;
  h.cookie_i = sa.cky_i;
  h.cookie_r = sa.cky_r;
  h.exchange = isakmp::ExchangeType::kTransaction;
  h.message_id = mid;
  auto data = seal(sa, h, p, iv);
  if (!data) return;
  if (request) {
    send(sa, sa.flight, std::move(*data), true, out);
  } else {
    sa.ez->last_tx = *data;
    Flight once;
    send(sa, once, std::move(*data), false, out);
  }
}

// A transaction exchange of our own (XAUTH REQUEST, SET).
void EngineImpl::cfg_start(IsakmpSa& sa, isakmp::AttributePayload attr, std::vector<Action>& out) {
  uint32_t mid = 0;
  while (mid == 0 || sa.quick.count(mid)) mid = rng_.u32();
  auto iv = exchange_iv(sa, mid);
  if (!iv) return;
  sa.ez->mid = mid;
  sa.ez->iv = *iv;
  sa.ez->identifier = uint16_t(rng_.u32());
  attr.identifier = sa.ez->identifier;
  cfg_send(sa, mid, sa.ez->iv, std::move(attr), true, out);
}

// strongSwan renews an IKEv1 Easy VPN client's ISAKMP SA by
// reauthenticating: a new Aggressive Mode, XAUTH and mode configuration
// (asking for the address it has), Quick Mode on the new SA, then it deletes
// the old one. The client keeps its address and session: the new SA takes
// over the old one's mode configuration (its pool lease, Virtual-Access and
// routes), so nothing is released or torn down in between; strongSwan moves
// its IPsec SAs to the new ISAKMP SA without a Quick Mode, and so do we when
// it deletes the old one (hand_over).
IsakmpSa* EngineImpl::ezvpn_predecessor(const IsakmpSa& sa) {
  using S = EzvpnState::Step;
  for (auto& [id, p] : sas_) {
    IsakmpSa& old = *p;
    if (&old == &sa || !old.ez || old.ez->step != S::kReady || old.remote.addr != sa.remote.addr ||
        old.ez->user != sa.ez->user || old.ez->peer.group != sa.ez->peer.group || !old.ez->config.lease ||
        std::find(dead_.begin(), dead_.end(), id) != dead_.end())
      continue;
    return &old;
  }
  return nullptr;
}

// The group's configuration for this client (leases its address); false
// when there is none to give: the SA is deleted.
bool EngineImpl::ezvpn_configure(IsakmpSa& sa, std::vector<Action>& out) {
  EzvpnState& ez = *sa.ez;
  const std::string who = fmt("{} (group {})", sa.remote.addr.str(), ez.peer.group.empty() ? "none" : ez.peer.group);
  if (IsakmpSa* old = ezvpn_predecessor(sa)) {
    ez.reply = old->ez->reply;
    ez.config = old->ez->config;  // the lease, address and session id
    old->ez->config.lease = 0;    // not released with the old SA
    sa.session_up = old->session_up;
    old->session_up = false;      // its end is not the session's
    old->replaced_by = sa.conn_id;  // its IPsec SAs move here when it goes (hand_over)
    ez.step = EzvpnState::Step::kReady;
    log::info(fmt("IKEv1: ISAKMP SA {} of {} user {} reauthenticates ISAKMP SA {}: keeps address {}", sa.conn_id, who,
                  ez.user.empty() ? "-" : ez.user, old->conn_id, ez.reply.address ? ez.reply.address->str() : "none"));
    return true;
  }
  auto r = policy_.mode_config({ez.peer.group, ez.peer.profile, ez.user.empty() ? sa.remote_id : ez.user, sa.remote_id,
                                sa.remote.addr, sa.conn_id, ez.classes});
  if (!r.error.empty()) {
    log::event("CRYPTO", log::Level::kWarning, "EZVPN_CONFIG_FAILED", fmt("Mode configuration for {} failed: {}", who, r.error));
    remove_sa(sa, true, out);
    return false;
  }
  ez.reply = std::move(r);
  ez.config.lease = ez.reply.lease;
  ez.config.session_id = sa.conn_id;
  if (ez.reply.address) ez.config.address = Prefix{*ez.reply.address, 32};
  ez.config.dns = ez.reply.dns;
  ez.config.domain = ez.reply.domain;
  ez.step = EzvpnState::Step::kReady;
  log::info(fmt("IKEv1: mode configuration for {} user {}: address {}", who, ez.user.empty() ? "-" : ez.user,
                ez.reply.address ? ez.reply.address->str() : "none"));
  return true;
}

// client configuration address initiate: the server SETs, the client ACKs.
void EngineImpl::ezvpn_push(IsakmpSa& sa, std::vector<Action>& out) {
  if (!ezvpn_configure(sa, out)) return;
  isakmp::AttributePayload set = cfg_reply(sa.ez->reply, nullptr);
  set.cfg_type = CfgType::kSet;
  sa.ez->step = EzvpnState::Step::kConfigPushed;
  cfg_start(sa, std::move(set), out);
}

void EngineImpl::ezvpn_phase1_done(IsakmpSa& sa, std::vector<Action>& out) {
  if (sa.ez->peer.auth_list.empty()) {
    sa.ez->step = EzvpnState::Step::kConfig;
    if (sa.ez->peer.push_config) ezvpn_push(sa, out);
    return;
  }
  isakmp::AttributePayload a;
  a.cfg_type = CfgType::kRequest;
  a.attributes = {Attribute::tv(kXauthType, 0),  // generic
                  Attribute::tlv(kXauthUserName, {}), Attribute::tlv(kXauthUserPassword, {})};
  sa.ez->step = EzvpnState::Step::kXauthAsked;
  cfg_start(sa, std::move(a), out);
}

void EngineImpl::xauth_check(IsakmpSa& sa, const isakmp::AttributePayload& reply, std::vector<Action>& out) {
  EzvpnState& ez = *sa.ez;
  ez.user = attr_text(isakmp::find_attribute(reply.attributes, kXauthUserName));
  const Attribute* pw = isakmp::find_attribute(reply.attributes, kXauthUserPassword);
  if (ez.user.empty() || !pw) return xauth_verdict(sa, {"no user name or password in the reply", {}}, out);
  auto checker = policy_.xauth_checker(ez.peer.auth_list, sa.remote.addr);
  if (!checker)
    return xauth_verdict(sa, {fmt("login list {} is not defined (aaa authentication login {} local|group G)",
                                  ez.peer.auth_list, ez.peer.auth_list), {}}, out);
  if (!checker->answers_on_loop()) return xauth_verdict(sa, checker->check(ez.user, Secret(pw->value)), out);
  // RADIUS: the SA waits; the client's retransmitted REPLY is ignored
  // meanwhile, and the RADIUS client always answers (an Accept, a Reject or
  // "no server answered" once its retransmissions are spent).
  ez.work = next_work_id_++;
  ez.step = EzvpnState::Step::kXauthChecking;
  waiting_[ez.work] = sa.conn_id;
  log::debug(fmt("IKEv1: {}: XAUTH user {} checked by list {} (request {})", sa.remote.addr.str(), ez.user,
                 ez.peer.auth_list, ez.work));
  out.push_back(ike::WorkRequest{ez.work, ike::PasswordWork{std::move(checker), ez.user, Secret(pw->value)}});
}

// SET(STATUS): 1 when the password passed and the user has a login left.
void EngineImpl::xauth_verdict(IsakmpSa& sa, ike::PasswordVerdict v, std::vector<Action>& out) {
  using S = EzvpnState::Step;
  EzvpnState& ez = *sa.ez;
  const std::string who = fmt("{} (group {})", sa.remote.addr.str(), ez.peer.group.empty() ? "none" : ez.peer.group);
  std::string why = std::move(v.error);
  if (why.empty() && ez.peer.max_logins) {
    // The session this SA reauthenticates (strongSwan's ISAKMP renewal) is
    // the same login, not another one.
    const IsakmpSa* renews = ezvpn_predecessor(sa);
    uint32_t n = 0;
    for (auto& [cid, other] : sas_)
      if (other.get() != &sa && other.get() != renews && other->ez && other->ez->user == ez.user &&
          other->ez->peer.group == ez.peer.group && (other->ez->step == S::kConfig || other->ez->step == S::kReady) &&
          std::find(dead_.begin(), dead_.end(), cid) == dead_.end())
        ++n;
    if (n >= *ez.peer.max_logins) why = fmt("user has reached the group's max-logins limit of {}", *ez.peer.max_logins);
  }
  const std::string by = v.by.empty() ? "" : " by " + v.by;
  if (why.empty()) {
    ez.classes = std::move(v.classes);
    log::event("CRYPTO", log::Level::kInfo, "EZVPN_XAUTH_OK", fmt("XAUTH user {} from {} authenticated{}", ez.user, who, by));
  } else {
    log::event("CRYPTO", log::Level::kWarning, "EZVPN_XAUTH_FAILED",
               fmt("XAUTH failed for user {} from {}: {}", ez.user.empty() ? "(none)" : ez.user, who, why));
  }
  isakmp::AttributePayload set;
  set.cfg_type = CfgType::kSet;
  set.attributes = {Attribute::tv(kXauthStatus, why.empty() ? 1 : 0)};
  ez.step = why.empty() ? S::kXauthSet : S::kFailed;
  cfg_start(sa, std::move(set), out);
}

void EngineImpl::cfg_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out) {
  using S = EzvpnState::Step;
  if (!sa.ez || sa.state != MmState::kReady || !m.header.encrypted() || m.header.message_id == 0) {
    ++stats_.rx_dropped_malformed;
    return;
  }
  EzvpnState& ez = *sa.ez;
  if (!ez.last_rx.empty() && std::equal(ez.last_rx.begin(), ez.last_rx.end(), raw.begin(), raw.end())) {
    ++stats_.rx_retransmitted;
    if (!ez.last_tx.empty()) {
      ++stats_.tx_packets;
      out.push_back(ike::SendPacket{sa.local, sa.remote, ez.last_tx});
    }
    return;
  }
  const uint32_t mid = m.header.message_id;
  Bytes iv;
  if (mid == ez.mid) {
    iv = ez.iv;
  } else if (auto v = exchange_iv(sa, mid)) {
    iv = *v;
  } else {
    return;
  }
  Bytes next_iv;
  auto plain = open(sa, m, iv, next_iv);
  if (!plain) return;
  auto chain = isakmp::parse_payload_chain(m.header.next_payload, *plain, true);
  if (!chain || chain->size() < 2 || chain->front().type != PayloadType::kHash) {
    ++stats_.rx_dropped_malformed;
    return;
  }
  size_t after = chain->front().wire_offset + chain->front().wire_size;
  size_t end = chain->back().wire_offset + chain->back().wire_size;
  ByteWriter mw;
  mw.u32(mid);
  auto want = ck::prf(sa.policy.hash, sa.keys.skeyid_a.view(), {mw.data(), ByteView(*plain).subspan(after, end - after)});
  if (!want || !want->equals(std::get<isakmp::HashPayload>(chain->front().body).data)) {
    ++stats_.rx_dropped_auth;
    log::event("CRYPTO", log::Level::kWarning, "IKMP_BAD_MESSAGE",
               fmt("IKE message from {} failed its sanity check or is malformed", sa.remote.addr.str()));
    return;
  }
  auto* attr = isakmp::find_payload<isakmp::AttributePayload>(*chain, PayloadType::kAttribute);
  if (!attr) {
    ++stats_.rx_dropped_malformed;
    return;
  }
  const std::string who = fmt("{} (group {})", sa.remote.addr.str(), ez.peer.group.empty() ? "none" : ez.peer.group);

  if (attr->cfg_type == CfgType::kReply && ez.step == S::kXauthAsked && mid == ez.mid) {
    sa.flight.awaiting = false;
    return xauth_check(sa, *attr, out);
  }
  if (attr->cfg_type == CfgType::kAck && (ez.step == S::kXauthSet || ez.step == S::kFailed) && mid == ez.mid) {
    sa.flight.awaiting = false;
    if (ez.step == S::kFailed) return remove_sa(sa, true, out);
    ez.step = S::kConfig;
    if (ez.peer.push_config) ezvpn_push(sa, out);
    return;
  }
  if (attr->cfg_type == CfgType::kAck && ez.step == S::kConfigPushed && mid == ez.mid) {
    sa.flight.awaiting = false;
    ez.step = S::kReady;
    return;
  }
  if (attr->cfg_type == CfgType::kRequest && (ez.step == S::kConfig || ez.step == S::kReady)) {
    if (ez.step == S::kConfig && !ezvpn_configure(sa, out)) return;
    isakmp::AttributePayload rep = cfg_reply(ez.reply, attr);
    rep.identifier = attr->identifier;
    ez.last_rx.assign(raw.begin(), raw.end());
    cfg_send(sa, mid, next_iv, std::move(rep), false, out);
    return;
  }
  log::debug(fmt("IKEv1: transaction message (type {}) from {} ignored in this state", int(attr->cfg_type), who));
}

}  // namespace kg::ikev1
