#include "ike/tasks/child_create.h"

#include "common/log.h"
#include "ike/fmt.h"
#include "ike/lifetime.h"
#include "ike/nat_t.h"
#include "ike/ts.h"

namespace kg::ike {
namespace {

constexpr size_t kNonceSize = 32;

uint32_t new_spi(Random& rng) {
  for (;;) {
    uint32_t s = rng.u32();
    if (s >= 256) return s;  // 1..255 are reserved (RFC 4303 §2.1)
  }
}

Bytes nonce(Random& rng) {
  Bytes n(kNonceSize);
  rng.fill(n);
  return n;
}

Bytes be16(uint16_t v) { return Bytes{uint8_t(v >> 8), uint8_t(v)}; }

}  // namespace

void ChildCreate::rekeying(const ChildSa& old) {
  ts_local_ = old.sa.local_ts;
  ts_remote_ = old.sa.remote_ts;
}

// IKE_AUTH { ... SA TSi TSr } -->
// CREATE_CHILD_SA { [N(REKEY_SA)] SA Ni [KEi] TSi TSr } -->
Result<void> ChildCreate::build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) {
  if (!sa.child_cfg) return fail(Errc::kState, "no child config");
  const ChildConfig& cfg = *sa.child_cfg;
  if (ts_local_.empty()) {
    ts_local_ = cfg.local_ts;
    ts_remote_ = cfg.remote_ts;
  }
  spi_in_ = new_spi(env.rng);
  if (!in_ike_auth()) {
    if (group_ == DhGroup::kNone) group_ = cfg.pfs;
    ni_ = nonce(env.rng);
    dh_.reset();
    if (group_ != DhGroup::kNone) {
      auto dh = key_exchange(group_);
      if (!dh) return std::unexpected(dh.error());
      dh_ = std::move(*dh);
    }
  }
  if (cfg.transport) out.push_back(notify(NotifyType::kUseTransportMode));
  out.push_back({PayloadType::kSa, esp_sa_payload(cfg.transforms, spi_in_, in_ike_auth() ? DhGroup::kNone : group_)});
  if (!in_ike_auth()) {
    out.push_back({PayloadType::kNonce, NoncePayload{ni_}});
    if (dh_) out.push_back({PayloadType::kKe, KePayload{group_, dh_->public_value()}});
  }
  out.push_back({PayloadType::kTsi, TsPayload{ts_local_}});
  out.push_back({PayloadType::kTsr, TsPayload{ts_remote_}});
  return {};
}

TaskStatus ChildCreate::answer_error(IkeSa& sa, TaskEnv&, const NotifyPayload& n) {
  refused_ = static_cast<NotifyType>(n.type);
  const ChildConfig& cfg = *sa.child_cfg;
  if (n.type == uint16_t(NotifyType::kInvalidKePayload) && n.data.size() == 2) {
    auto g = static_cast<DhGroup>(n.data[0] << 8 | n.data[1]);
    // Only a group we proposed may be retried (§1.3); `set pfs` names one.
    log::warn(fmt("IKEv2: INVALID_KE_PAYLOAD for CHILD_SA on {} from {}: peer wants {}, set pfs offers {}",
                  cfg.interface, sa.remote.addr.str(), group_name(g), group_name(group_)));
    return TaskStatus::kFailed;
  }
  bool expected = n.type == uint16_t(NotifyType::kTemporaryFailure) ||
                  n.type == uint16_t(NotifyType::kChildSaNotFound);
  std::string text = fmt("IKEv2: CHILD_SA for {} refused by {}: {} (we proposed {}{}; TSi {} TSr {})", cfg.interface,
                         sa.remote.addr.str(), notify_name(n.type), describe(cfg.transforms),
                         group_ != DhGroup::kNone ? std::string(", PFS ") + group_name(group_) : std::string(),
                         describe(ts_local_), describe(ts_remote_));
  if (expected) log::info(text);
  else log::warn(text);
  return TaskStatus::kFailed;
}

// <-- IKE_AUTH { ... SA TSi TSr }
// <-- CREATE_CHILD_SA { SA Nr [KEr] TSi TSr }
TaskStatus ChildCreate::process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) {
  for (auto& p : in)
    if (auto* n = std::get_if<NotifyPayload>(&p.body); n && n->is_error()) return answer_error(sa, env, *n);
  auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
  auto* tsi = find_payload<TsPayload>(in, PayloadType::kTsi);
  auto* tsr = find_payload<TsPayload>(in, PayloadType::kTsr);
  if (!sap || !tsi || !tsr || sap->proposals.size() != 1) return TaskStatus::kFailed;
  auto choice = select_esp(*sap, sa.child_cfg->transforms);
  if (!choice || !within(tsi->selectors, ts_local_) || !within(tsr->selectors, ts_remote_)) {
    log::warn(fmt("IKEv2: {} answered with an ESP proposal or selectors we did not offer", sa.remote.addr.str()));
    return TaskStatus::kFailed;
  }
  if (!in_ike_auth()) {
    auto* nr = find_payload<NoncePayload>(in, PayloadType::kNonce);
    auto* ke = find_payload<KePayload>(in, PayloadType::kKe);
    if (!nr || nr->data.size() < 16 || dh_group_of(*sap) != group_ || (dh_ && (!ke || ke->group != group_)) ||
        (!dh_ && ke)) {
      log::warn(fmt("IKEv2: CREATE_CHILD_SA response from {} lacks Nr or has the wrong D-H group",
                    sa.remote.addr.str()));
      return TaskStatus::kFailed;
    }
    nr_ = nr->data;
    if (dh_) {
      auto s = dh_->shared_secret(ke->data);
      if (!s) return TaskStatus::kFailed;
      g_ir_ = std::move(*s);
    }
  }
  // §1.3.1: transport mode only if the responder agreed (else tunnel mode,
  // which IOS accepts as well).
  transport_ = sa.child_cfg->transport && find_notify(in, NotifyType::kUseTransportMode) != nullptr;
  return install(sa, env, *choice, tsi->selectors, tsr->selectors) ? TaskStatus::kDone : TaskStatus::kFailed;
}

// --> IKE_AUTH { ... SA TSi TSr } received
// --> CREATE_CHILD_SA { [N(REKEY_SA)] SA Ni [KEi] TSi TSr } received
TaskStatus ChildCreate::process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) {
  auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
  auto* tsi = find_payload<TsPayload>(in, PayloadType::kTsi);
  auto* tsr = find_payload<TsPayload>(in, PayloadType::kTsr);
  auto* ni = find_payload<NoncePayload>(in, PayloadType::kNonce);
  auto* ke = find_payload<KePayload>(in, PayloadType::kKe);
  if (!sap || !tsi || !tsr || (!in_ike_auth() && (!ni || ni->data.size() < 16 || ni->data.size() > 256))) {
    error = NotifyType::kInvalidSyntax;
    return TaskStatus::kFailed;
  }
  // The configuration as it is now (a changed lifetime applies at rekey).
  // The configuration exchange's address and routes narrow the selectors
  // (on the value, before it is shared: config_share.h).
  if (auto cfg = env.policy.child_for_peer(sa.profile->name, sa.local.addr, sa.remote.addr)) {
    apply_config_selectors(sa, *cfg);
    sa.child_cfg = env.configs.share(std::move(cfg));
  } else if (in_ike_auth()) {
    sa.child_cfg.reset();
  }
  if (!sa.child_cfg) {
    log::warn(fmt("IKEv2: TS_UNACCEPTABLE: no tunnel interface protects peer {} with profile {}",
                  sa.remote.addr.str(), sa.profile->name));
    error = NotifyType::kTsUnacceptable;
    return TaskStatus::kFailed;
  }
  if (sa.config_blocks_child) {  // RFC 7296 §2.19: the IKE SA stays without a CHILD_SA
    error = NotifyType::kInternalAddressFailure;
    return TaskStatus::kFailed;
  }
  const ChildConfig& cfg = *sa.child_cfg;
  std::optional<EspChoice> choice;
  if (in_ike_auth()) {
    choice = select_esp(*sap, cfg.transforms);
  } else {
    auto pc = select_esp_pfs(*sap, cfg.transforms, cfg.pfs, ke ? ke->group : DhGroup::kNone);
    if (!pc.esp && pc.want_group != DhGroup::kNone) {
      log::info(fmt("IKEv2: {} sent KE for {}, asking for {} (INVALID_KE_PAYLOAD)", sa.remote.addr.str(),
                    group_name(ke ? ke->group : DhGroup::kNone), group_name(pc.want_group)));
      group_ = pc.want_group;
      error = NotifyType::kInvalidKePayload;
      return TaskStatus::kFailed;
    }
    choice = pc.esp;
    group_ = pc.group;
  }
  if (!choice) {
    log::warn(fmt("IKEv2: NO_PROPOSAL_CHOSEN for CHILD_SA from {}: peer offered {}, {} accepts {}{}",
                  sa.remote.addr.str(), describe(*sap), cfg.interface, describe(cfg.transforms),
                  cfg.pfs != DhGroup::kNone ? std::string(" with PFS ") + group_name(cfg.pfs) : std::string()));
    error = NotifyType::kNoProposalChosen;
    return TaskStatus::kFailed;
  }
  // §2.9: TSi is the initiator's (the peer's) side, TSr ours.
  auto ts_remote = narrow(tsi->selectors, cfg.remote_ts);
  auto ts_local = narrow(tsr->selectors, cfg.local_ts);
  if (ts_remote.empty() || ts_local.empty()) {
    log::warn(fmt("IKEv2: TS_UNACCEPTABLE from {}: peer proposed TSi {} TSr {}, {} protects local {} remote {}",
                  sa.remote.addr.str(), describe(tsi->selectors), describe(tsr->selectors), cfg.interface,
                  describe(cfg.local_ts), describe(cfg.remote_ts)));
    error = NotifyType::kTsUnacceptable;
    return TaskStatus::kFailed;
  }
  if (!in_ike_auth()) {
    ni_ = ni->data;
    nr_ = nonce(env.rng);
    if (group_ != DhGroup::kNone) {
      auto dh = key_exchange(group_);
      if (!dh) {
        error = NotifyType::kNoProposalChosen;
        return TaskStatus::kFailed;
      }
      dh_ = std::move(*dh);
      auto s = dh_->shared_secret(ke->data);
      if (!s) {
        error = NotifyType::kInvalidSyntax;  // bad public value
        return TaskStatus::kFailed;
      }
      g_ir_ = std::move(*s);
    }
  }
  spi_in_ = new_spi(env.rng);
  chosen_ = *choice;
  // §1.3.1: the peer asks for transport mode; we agree when configured for it.
  transport_ = cfg.transport && find_notify(in, NotifyType::kUseTransportMode) != nullptr;
  if (!install(sa, env, *choice, ts_remote, ts_local)) {
    error = NotifyType::kNoProposalChosen;
    return TaskStatus::kFailed;
  }
  return TaskStatus::kDone;
}

// <-- IKE_AUTH { ... SA TSi TSr }
// <-- CREATE_CHILD_SA { SA Nr [KEr] TSi TSr }
void ChildCreate::build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) {
  if (error == NotifyType::kInvalidKePayload) {
    out.push_back(notify(*error, be16(uint16_t(group_))));
    return;
  }
  if (error) {
    out.push_back(notify(*error));
    return;
  }
  auto* c = sa.child(spi_in_);
  if (!c) return;
  Proposal p;
  p.number = chosen_.number;
  p.protocol = ProtocolId::kEsp;
  p.spi = Bytes{uint8_t(spi_in_ >> 24), uint8_t(spi_in_ >> 16), uint8_t(spi_in_ >> 8), uint8_t(spi_in_)};
  p.transforms.push_back(encr_transform(c->sa.suite.encr, c->sa.suite.key_bits));
  if (c->sa.suite.integ != crypto::Mac::kNone)
    p.transforms.push_back({TransformType::kInteg, uint16_t(integ_id(c->sa.suite.integ)), {}});
  if (dh_) p.transforms.push_back({TransformType::kDh, uint16_t(group_), {}});
  p.transforms.push_back({TransformType::kEsn, uint16_t(EsnId::kNo), {}});
  if (transport_) out.push_back(notify(NotifyType::kUseTransportMode));
  out.push_back({PayloadType::kSa, SaPayload{{std::move(p)}}});
  if (!in_ike_auth()) {
    out.push_back({PayloadType::kNonce, NoncePayload{nr_}});
    if (dh_) out.push_back({PayloadType::kKe, KePayload{group_, dh_->public_value()}});
  }
  out.push_back({PayloadType::kTsi, TsPayload{c->sa.remote_ts}});
  out.push_back({PayloadType::kTsr, TsPayload{c->sa.local_ts}});
}

// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr): the exchange initiator's
// direction first (§2.17). In IKE_AUTH the nonces are the IKE SA's.
bool ChildCreate::install(IkeSa& sa, TaskEnv& env, const EspChoice& choice, const std::vector<TrafficSelector>& tsi,
                          const std::vector<TrafficSelector>& tsr) {
  const Bytes& ni = in_ike_auth() ? sa.ni : ni_;
  const Bytes& nr = in_ike_auth() ? sa.nr : nr_;
  auto keys = crypto::derive_child_keys(sa.suite.prf, sa.keys.sk_d.view(), choice.suite.encr_key_size(),
                                        choice.suite.integ_key_size(), g_ir_.view(), ni, nr);
  if (!keys) {
    log::warn(fmt("IKEv2: CHILD_SA key derivation failed: {}", keys.error().message));
    return false;
  }
  const ChildConfig& cfg = *sa.child_cfg;
  InstallChildSa c;
  c.interface = cfg.interface;
  c.ike_spi_i = sa.spi_i;
  c.spi_in = spi_in_;
  c.spi_out = choice.peer_spi;
  c.suite = choice.suite;
  c.encr_in = initiator_ ? keys->encr_r : keys->encr_i;
  c.integ_in = initiator_ ? keys->integ_r : keys->integ_i;
  c.encr_out = initiator_ ? keys->encr_i : keys->encr_r;
  c.integ_out = initiator_ ? keys->integ_i : keys->integ_r;
  set_child_endpoints(sa, c);  // ESP in UDP 4500 or plain ESP (nat_t.h)
  c.local_ts = initiator_ ? tsi : tsr;
  c.remote_ts = initiator_ ? tsr : tsi;
  c.replay_window = cfg.replay_window;
  c.transport = transport_;
  c.lifetime_s = cfg.lifetime_s;
  c.lifetime_kb = cfg.lifetime_kb;
  c.soft_kb = soft_kb(cfg.lifetime_kb, env.rng);
  c.defer_outbound = !in_ike_auth() && !initiator_;
  // Only the data path keeps the keys: the IKE SA never uses them again (a
  // rekey derives new ones).
  ChildSa rec{static_cast<const ChildSaParams&>(c)};
  arm_child(rec, env.clock.now(), env.rng);
  sa.children.push_back(std::move(rec));
  env.actions.push_back(std::move(c));
  return true;
}

std::unique_ptr<Task> make_child_create(bool initiator) {
  return std::make_unique<ChildCreate>(initiator, ChildCreate::Mode::kIkeAuth);
}
std::unique_ptr<Task> make_child_create_new(bool initiator) {
  return std::make_unique<ChildCreate>(initiator, ChildCreate::Mode::kCreateChildSa);
}

}  // namespace kg::ike
