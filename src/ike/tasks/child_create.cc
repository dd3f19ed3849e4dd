// The first CHILD_SA, created inside IKE_AUTH (RFC 7296 §1.2, §2.9, §2.17).
// ESP in tunnel mode, UDP-encapsulated on port 4500 (RFC 3948).
#include "ike/fmt.h"

#include "common/log.h"
#include "ike/task.h"
#include "ike/ts.h"

namespace kg::ike {
namespace {

constexpr uint16_t kNattPort = 4500;

uint32_t new_spi(Random& rng) {
  for (;;) {
    uint32_t s = rng.u32();
    if (s >= 256) return s;  // 1..255 are reserved (RFC 4303 §2.1)
  }
}

Endpoint natt(Endpoint e) {
  if (e.port == 500) e.port = kNattPort;
  return e;
}

class ChildCreate final : public Task {
 public:
  explicit ChildCreate(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "CHILD_CREATE"; }
  bool fatal() const override { return initiator_; }

  // IKE_AUTH { ... SA TSi TSr } -->
  Result<void> build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    if (!sa.child_cfg) return fail(Errc::kState, "no child config");
    spi_in_ = new_spi(env.rng);
    out.push_back({PayloadType::kSa, esp_sa_payload(sa.child_cfg->transforms, spi_in_)});
    out.push_back({PayloadType::kTsi, TsPayload{sa.child_cfg->local_ts}});
    out.push_back({PayloadType::kTsr, TsPayload{sa.child_cfg->remote_ts}});
    return {};
  }

  // <-- IKE_AUTH { ... SA TSi TSr }
  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    for (auto& p : in)
      if (auto* n = std::get_if<NotifyPayload>(&p.body); n && n->is_error()) {
        log::warn(fmt("IKEv2: CHILD_SA for {} refused by {}: {} (we proposed {}; TSi {} TSr {})",
                              sa.interface(), sa.remote.addr.str(), notify_name(n->type),
                              describe(sa.child_cfg->transforms), describe(sa.child_cfg->local_ts),
                              describe(sa.child_cfg->remote_ts)));
        return TaskStatus::kFailed;
      }
    auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
    auto* tsi = find_payload<TsPayload>(in, PayloadType::kTsi);
    auto* tsr = find_payload<TsPayload>(in, PayloadType::kTsr);
    if (!sap || !tsi || !tsr || sap->proposals.size() != 1) return TaskStatus::kFailed;
    auto choice = select_esp(*sap, sa.child_cfg->transforms);
    if (!choice || !within(tsi->selectors, sa.child_cfg->local_ts) ||
        !within(tsr->selectors, sa.child_cfg->remote_ts)) {
      log::warn(fmt("IKEv2: {} answered with an ESP proposal or selectors we did not offer",
                            sa.remote.addr.str()));
      return TaskStatus::kFailed;
    }
    return install(sa, env, *choice, tsi->selectors, tsr->selectors) ? TaskStatus::kDone : TaskStatus::kFailed;
  }

  // --> IKE_AUTH { ... SA TSi TSr } received
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
    auto* tsi = find_payload<TsPayload>(in, PayloadType::kTsi);
    auto* tsr = find_payload<TsPayload>(in, PayloadType::kTsr);
    if (!sap || !tsi || !tsr) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    sa.child_cfg = env.policy.child_for_peer(sa.profile->name, sa.local.addr, sa.remote.addr);
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
    apply_config_selectors(sa, *sa.child_cfg);
    auto choice = select_esp(*sap, sa.child_cfg->transforms);
    if (!choice) {
      log::warn(fmt("IKEv2: NO_PROPOSAL_CHOSEN for CHILD_SA from {}: peer offered {}, {} accepts {}",
                            sa.remote.addr.str(), describe(*sap), sa.child_cfg->interface,
                            describe(sa.child_cfg->transforms)));
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    // §2.9: TSi is the initiator's (the peer's) side, TSr ours.
    auto ts_remote = narrow(tsi->selectors, sa.child_cfg->remote_ts);
    auto ts_local = narrow(tsr->selectors, sa.child_cfg->local_ts);
    if (ts_remote.empty() || ts_local.empty()) {
      log::warn(fmt("IKEv2: TS_UNACCEPTABLE from {}: peer proposed TSi {} TSr {}, {} protects local {} "
                            "remote {}",
                            sa.remote.addr.str(), describe(tsi->selectors), describe(tsr->selectors),
                            sa.child_cfg->interface, describe(sa.child_cfg->local_ts),
                            describe(sa.child_cfg->remote_ts)));
      error = NotifyType::kTsUnacceptable;
      return TaskStatus::kFailed;
    }
    spi_in_ = new_spi(env.rng);
    chosen_ = *choice;
    if (!install(sa, env, *choice, ts_remote, ts_local)) {
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // <-- IKE_AUTH { ... SA TSi TSr }
  void build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error) {
      out.push_back(notify(*error));
      return;
    }
    auto& c = sa.children.back().sa;
    Proposal p;
    p.number = chosen_.number;
    p.protocol = ProtocolId::kEsp;
    p.spi = Bytes{uint8_t(spi_in_ >> 24), uint8_t(spi_in_ >> 16), uint8_t(spi_in_ >> 8), uint8_t(spi_in_)};
    p.transforms.push_back({TransformType::kEncr, uint16_t(c.suite.encr), c.suite.key_bits});
    if (c.suite.integ != IntegId::kNone) p.transforms.push_back({TransformType::kInteg, uint16_t(c.suite.integ), {}});
    p.transforms.push_back({TransformType::kEsn, uint16_t(EsnId::kNo), {}});
    out.push_back({PayloadType::kSa, SaPayload{{std::move(p)}}});
    out.push_back({PayloadType::kTsi, TsPayload{c.remote_ts}});
    out.push_back({PayloadType::kTsr, TsPayload{c.local_ts}});
  }

 private:
  // KEYMAT = prf+(SK_d, Ni | Nr): initiator-to-responder keys first (§2.17).
  bool install(IkeSa& sa, TaskEnv& env, const EspChoice& choice, const std::vector<TrafficSelector>& tsi,
               const std::vector<TrafficSelector>& tsr) {
    auto keys = crypto::derive_child_keys(sa.suite.prf, sa.keys.sk_d.view(), choice.suite.encr_key_size(),
                                          choice.suite.integ_key_size(), {}, sa.ni, sa.nr);
    if (!keys) {
      log::warn(fmt("IKEv2: CHILD_SA key derivation failed: {}", keys.error().message));
      return false;
    }
    InstallChildSa c;
    c.interface = sa.child_cfg->interface;
    c.ike_spi_i = sa.spi_i;
    c.spi_in = spi_in_;
    c.spi_out = choice.peer_spi;
    c.suite = choice.suite;
    c.encr_in = initiator_ ? keys->encr_r : keys->encr_i;
    c.integ_in = initiator_ ? keys->integ_r : keys->integ_i;
    c.encr_out = initiator_ ? keys->encr_i : keys->encr_r;
    c.integ_out = initiator_ ? keys->integ_i : keys->integ_r;
    c.local = natt(sa.local);
    c.remote = natt(sa.remote);
    c.local_ts = initiator_ ? tsi : tsr;
    c.remote_ts = initiator_ ? tsr : tsi;
    c.replay_window = sa.child_cfg->replay_window;
    c.lifetime_s = sa.child_cfg->lifetime_s;
    sa.children.push_back(ChildSa{c});
    env.actions.push_back(std::move(c));
    return true;
  }

  bool initiator_;
  uint32_t spi_in_ = 0;
  EspChoice chosen_;
};

}  // namespace

std::unique_ptr<Task> make_child_create(bool initiator) { return std::make_unique<ChildCreate>(initiator); }

}  // namespace kg::ike
