// The configuration exchange inside IKE_AUTH (RFC 7296 §2.19, §3.15), as
// FlexVPN uses it (seed 004): an initiator asks for an address (`ip address
// negotiated`) and advertises its subnets (`route set ...`) in
// CP(CFG_REQUEST); the responder answers CP(CFG_REPLY) with what local
// authorization granted (pool address, netmask, DNS, domain, its own route
// set) and keeps the initiator's subnets when `route accept any` allows.
//
//   IKE_AUTH { IDi AUTH CP(CFG_REQUEST) SA TSi TSr } -->
//   <-- IKE_AUTH { IDr AUTH CP(CFG_REPLY) SA TSi TSr }
//
// Address allocation and release are the daemon's (PolicyProvider::authorizer
// and the ReleaseConfig action); the task only asks and records the answer in
// IkeSa::config, which travels to the daemon in the SessionEvent. An
// authorizer that cannot answer at once (RADIUS) makes the task wait:
//
//   IKE_AUTH { IDi AUTH CP(CFG_REQUEST) SA TSi TSr } -->
//                                        WorkRequest{AuthorizeWork} to the daemon
//                                        resume(id, ConfigDecision)
//   <-- IKE_AUTH { IDr AUTH CP(CFG_REPLY) SA TSi TSr }
#include "ike/fmt.h"

#include "common/log.h"
#include "ike/task.h"
#include "ike/ts.h"

namespace kg::ike {
namespace {

const CpPayload* find_cp(const std::vector<TypedPayload>& in) {
  return find_payload<CpPayload>(in, PayloadType::kCp);
}

std::string prefixes(const std::vector<Prefix>& v) {
  std::string s;
  for (auto& p : v) s += (s.empty() ? "" : ", ") + p.str();
  return s.empty() ? "none" : s;
}

class IkeConfig final : public Task {
 public:
  explicit IkeConfig(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_CONFIG"; }

  // IKE_AUTH { ... CP(CFG_REQUEST) ... } -->
  Result<void> build_i(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (!sa.child_cfg || !sa.child_cfg->config_request) return {};
    out.push_back({PayloadType::kCp, encode_config(CfgType::kRequest, sa.child_cfg->config_request->request)});
    return {};
  }

  // <-- IKE_AUTH { ... CP(CFG_REPLY) ... }
  TaskStatus process_i(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    if (!sa.child_cfg || !sa.child_cfg->config_request) return TaskStatus::kDone;
    const ConfigRequest& want = *sa.child_cfg->config_request;
    const CpPayload* cp = find_cp(in);
    if (!cp || cp->cfg_type != CfgType::kReply) {
      if (want.request.want_ip4 || want.request.want_ip6) {
        auto* n = find_notify(in, NotifyType::kInternalAddressFailure);
        log::warn(fmt("IKEv2: {} assigned no address to {}{}", sa.remote.addr.str(), sa.interface(),
                      n ? " (INTERNAL_ADDRESS_FAILURE: its pool is empty)" : " (no CFG_REPLY)"));
        return TaskStatus::kFailed;
      }
      return TaskStatus::kDone;
    }
    auto got = decode_config(*cp);
    if (!got) {
      log::warn(fmt("IKEv2: malformed CFG_REPLY from {}: {}", sa.remote.addr.str(), got.error().message));
      return TaskStatus::kFailed;
    }
    if ((want.request.want_ip4 && !got->ip4) || (want.request.want_ip6 && !got->ip6 && !got->ip4)) {
      log::warn(fmt("IKEv2: {} assigned no address to {}", sa.remote.addr.str(), sa.interface()));
      return TaskStatus::kFailed;
    }
    sa.config.address = got->ip4;
    sa.config.address6 = got->ip6;
    sa.config.dns = got->dns;
    sa.config.domain = got->domain;
    if (want.accept_routes) sa.config.routes = got->subnets;
    log::info(fmt("IKEv2: {} assigned {} address {} routes {}", sa.remote.addr.str(), sa.interface(),
                  got->ip4 ? got->ip4->str() : got->ip6 ? got->ip6->str() : std::string("none"),
                  prefixes(sa.config.routes)));
    // A FlexVPN client may show the server's banner; keygate logs it (the
    // text is sanitized by decode_config).
    if (!got->banner.empty()) log::info(fmt("IKEv2: banner from {}: {}", sa.remote.addr.str(), got->banner));
    return TaskStatus::kDone;
  }

  // --> IKE_AUTH { ... CP(CFG_REQUEST) ... } received
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    const CpPayload* cp = find_cp(in);
    if (!cp || (cp->cfg_type != CfgType::kRequest && cp->cfg_type != CfgType::kSet) || !sa.profile) {
      return TaskStatus::kDone;
    }
    auto req = decode_config(*cp);
    if (!req) {
      log::warn(fmt("IKEv2: malformed CP from {}: {}", sa.remote.addr.str(), req.error().message));
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    type_ = cp->cfg_type == CfgType::kSet ? CfgType::kAck : CfgType::kReply;
    // Called again after resume(): the decision is in.
    if (decision_) {
      ConfigDecision d = std::move(*decision_);
      decision_.reset();
      return decide(sa, std::move(d));
    }
    auto authorizer = env.policy.authorizer();
    if (!authorizer) return TaskStatus::kDone;  // §2.19: a responder without configuration ignores the request
    ConfigQuery q{sa.profile->name, sa.auth.peer_kind, sa.remote_id, sa.local.addr, sa.remote.addr, *req};
    if (authorizer->completes_at_once(q)) return decide(sa, authorizer->authorize(q));
    env.wait = AuthorizeWork{std::move(authorizer), std::move(q)};
    return TaskStatus::kPending;
  }

  void resume(IkeSa&, TaskEnv&, WorkResult& r) override {
    if (auto* d = std::get_if<ConfigDecision>(&r)) decision_ = std::move(*d);
    else decision_ = ConfigDecision{ConfigDecision::Status::kRefused, {}, {}, "the authorizer answered no decision"};
  }

  // <-- IKE_AUTH { ... CP(CFG_REPLY) ... }
  void build_r(IkeSa&, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error) {
      out.push_back(notify(*error));
      return;
    }
    if (answer_) out.push_back({PayloadType::kCp, encode_config(type_, type_ == CfgType::kAck ? ConfigAttributes{} : reply_)});
  }

 private:
  // What the authorizer decided. From here on a lease in it belongs to the
  // IKE SA (IkeSa::config), which releases it when it ends.
  TaskStatus decide(IkeSa& sa, ConfigDecision d) {
    switch (d.status) {
      case ConfigDecision::Status::kNone:
        return TaskStatus::kDone;  // §2.19: a responder without configuration ignores the request
      case ConfigDecision::Status::kRefused:
        log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: authorization of {} Id: {} (profile {}) failed{}",
                      sa.remote.addr.str(), sa.remote_id.str(), sa.profile->name,
                      d.reason.empty() ? std::string() : ": " + d.reason));
        error = NotifyType::kAuthenticationFailed;
        return TaskStatus::kFailed;
      case ConfigDecision::Status::kNoAddress:
        log::warn(fmt("IKEv2: INTERNAL_ADDRESS_FAILURE: no address left for {} Id: {} (profile {})",
                      sa.remote.addr.str(), sa.remote_id.str(), sa.profile->name));
        sa.config_blocks_child = true;  // the IKE SA stays, without a CHILD_SA (§2.19)
        sa.config = d.session;
        return TaskStatus::kDone;
      case ConfigDecision::Status::kGranted:
        break;
    }
    sa.config = d.session;
    reply_ = d.reply;
    answer_ = true;
    return TaskStatus::kDone;
  }

  bool initiator_;
  std::optional<ConfigDecision> decision_;  // resume()'s, for the second process_r
  bool answer_ = false;
  CfgType type_ = CfgType::kReply;
  ConfigAttributes reply_;
};

TrafficSelector selector(const Prefix& p) {
  TrafficSelector t;
  t.type = p.addr.is_v4() ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange;
  t.start = p.first();
  t.end = p.last();
  return t;
}

}  // namespace

std::unique_ptr<Task> make_ike_config(bool initiator) { return std::make_unique<IkeConfig>(initiator); }

void apply_config_selectors(const IkeSa& sa, ChildConfig& child) {
  const SessionConfig& c = sa.config;
  if (!c.address && !c.address6 && c.routes.empty()) return;
  std::vector<TrafficSelector> ts;
  if (c.address) ts.push_back(selector(Prefix{c.address->addr, uint8_t(32)}));
  if (c.address6) ts.push_back(selector(Prefix{c.address6->addr, c.address6->len}));
  for (auto& r : c.routes) ts.push_back(selector(r));
  child.remote_ts = std::move(ts);
}

}  // namespace kg::ike
