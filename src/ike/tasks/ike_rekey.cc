// Rekeying the IKE SA (RFC 7296 §1.3.2, §2.18):
//   CREATE_CHILD_SA { SA(IKE, new SPIi) Ni KEi } -->
//   <-- CREATE_CHILD_SA { SA(IKE, new SPIr) Nr KEr }
// The new IKE SA gets new SPIs and keys: SKEYSEED = prf(SK_d (old), g^ir (new)
// | Ni | Nr) with the old SA's PRF, then the usual prf+ with the new one. The
// rekey initiator is the new SA's original initiator. The task leaves the
// new SA in IkeSa::successor; the driver adopts it, moves the CHILD_SAs and
// deletes the old SA (engine_rekey.cc), applying the collision rules.
#include "common/log.h"
#include "ike/fmt.h"
#include "ike/lifetime.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

constexpr size_t kNonceSize = 32;
constexpr int kRetryMinS = 2, kRetryMaxS = 6;  // after TEMPORARY_FAILURE (§2.25.2)
constexpr int kRetryAfterErrorS = 30;

Bytes be64(uint64_t v) {
  Bytes b(8);
  for (int i = 7; i >= 0; --i, v >>= 8) b[size_t(i)] = uint8_t(v);
  return b;
}

TimePoint retry_time(TaskEnv& env, int lo, int hi) {
  return env.clock.now() + Millis(1000 * lo + env.rng.u32() % uint32_t(1000 * (hi - lo) + 1));
}

// The new IKE SA inherits identity, configuration and endpoints (§2.18).
Result<std::unique_ptr<IkeSa>> successor_of(const IkeSa& old, TaskEnv& env, bool initiator, uint64_t spi_i,
                                            uint64_t spi_r, const IkeSuite& suite, Bytes ni, Bytes nr,
                                            const Secret& g_ir) {
  auto n = std::make_unique<IkeSa>();
  n->initiator = initiator;
  n->tunnel_id = old.tunnel_id;
  n->state = SaState::kEstablished;
  n->spi_i = spi_i;
  n->spi_r = spi_r;
  n->local = old.local;
  n->remote = old.remote;
  n->created = env.clock.now();
  n->ike_cfg = old.ike_cfg;
  n->profile = old.profile;
  n->child_cfg = old.child_cfg;
  n->remote_id = old.remote_id;
  n->suite = suite;
  n->ke_group = suite.group;
  n->ni = std::move(ni);
  n->nr = std::move(nr);
  n->nat_local = old.nat_local;
  n->nat_remote = old.nat_remote;
  n->frag.enabled = old.frag.enabled;  // RFC 7383 §2.3: negotiated once for the IKE SA
  n->rekeys = old.rekeys + 1;
  auto seed = crypto::skeyseed_rekey(old.suite.prf, old.keys.sk_d.view(), g_ir.view(), n->ni, n->nr);
  if (!seed) return std::unexpected(seed.error());
  crypto::IkeKeySizes sizes{suite.cipher.encr_key_size(), suite.cipher.integ_key_size(), crypto::prf_size(suite.prf)};
  auto keys = crypto::derive_ike_keys(suite.prf, sizes, seed->view(), n->ni, n->nr, spi_i, spi_r);
  if (!keys) return std::unexpected(keys.error());
  n->keys = std::move(*keys);
  auto& k = n->keys;
  auto out = crypto::SkCipher::create(suite.cipher, initiator ? k.sk_ei : k.sk_er, initiator ? k.sk_ai : k.sk_ar);
  auto in = crypto::SkCipher::create(suite.cipher, initiator ? k.sk_er : k.sk_ei, initiator ? k.sk_ar : k.sk_ai);
  if (!out) return std::unexpected(out.error());
  if (!in) return std::unexpected(in.error());
  n->out = std::move(*out);
  n->in = std::move(*in);
  n->keep_sk_keys();
  arm_ike(*n, env.clock.now(), env.rng);
  return n;
}

class IkeRekey final : public Task {
 public:
  explicit IkeRekey(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_REKEY"; }
  ExchangeType exchange() const override { return ExchangeType::kCreateChildSa; }
  bool fatal() const override { return false; }
  bool obsolete(const IkeSa& sa) const override { return sa.state != SaState::kEstablished || sa.successor; }

  // CREATE_CHILD_SA { SA(IKE) Ni KEi } -->
  Result<void> build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    do spi_ = env.rng.u64();
    while (spi_ == 0);
    if (group_ == DhGroup::kNone)
      group_ = group_configured(sa.ike_cfg, sa.suite.group) ? sa.suite.group : first_group(sa);
    auto dh = key_exchange(group_);
    if (!dh) return std::unexpected(dh.error());
    dh_ = std::move(*dh);
    ni_.assign(kNonceSize, 0);
    env.rng.fill(ni_);
    SaPayload p = ike_sa_payload(sa.ike_cfg);
    for (auto& pr : p.proposals) pr.spi = be64(spi_);
    out.push_back({PayloadType::kSa, std::move(p)});
    out.push_back({PayloadType::kNonce, NoncePayload{ni_}});
    out.push_back({PayloadType::kKe, KePayload{group_, dh_->public_value()}});
    return {};
  }

  // <-- CREATE_CHILD_SA { SA(IKE) Nr KEr } or { N(error) }
  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    if (auto* n = find_notify(in, NotifyType::kInvalidKePayload); n && n->data.size() == 2) {
      auto g = static_cast<DhGroup>(n->data[0] << 8 | n->data[1]);
      if (!retried_ && g != group_ && group_configured(sa.ike_cfg, g)) {
        log::info(fmt("IKEv2: {} asks for DH group {} to rekey the IKE SA, retrying", sa.remote.addr.str(),
                      group_name(g)));
        retried_ = true;
        group_ = g;
        return TaskStatus::kRetry;
      }
    }
    for (auto& p : in)
      if (auto* n = std::get_if<NotifyPayload>(&p.body); n && n->is_error()) {
        bool busy = n->type == uint16_t(NotifyType::kTemporaryFailure);
        std::string text = fmt("IKEv2: IKE SA rekey refused by {}: {}", sa.remote.addr.str(), notify_name(n->type));
        if (busy) log::info(text);
        else log::warn(text);
        sa.rekey_at = busy ? retry_time(env, kRetryMinS, kRetryMaxS)
                           : retry_time(env, kRetryAfterErrorS, kRetryAfterErrorS + 5);
        return TaskStatus::kDone;
      }
    auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
    auto* nr = find_payload<NoncePayload>(in, PayloadType::kNonce);
    auto* ke = find_payload<KePayload>(in, PayloadType::kKe);
    std::optional<IkeSuite> suite;
    if (sap && sap->proposals.size() == 1 && sap->proposals[0].spi.size() == 8) suite = accept_ike(*sap, sa.ike_cfg);
    if (!suite || !nr || nr->data.size() < 16 || !ke || ke->group != group_ || suite->group != group_) {
      log::warn(fmt("IKEv2: IKE SA rekey response from {} is not acceptable", sa.remote.addr.str()));
      sa.rekey_at = retry_time(env, kRetryAfterErrorS, kRetryAfterErrorS + 5);
      return TaskStatus::kDone;
    }
    auto g_ir = dh_->shared_secret(ke->data);
    Result<std::unique_ptr<IkeSa>> n = g_ir ? successor_of(sa, env, true, spi_, spi_of(sap->proposals[0].spi), *suite,
                                                           ni_, nr->data, *g_ir)
                                            : std::unexpected(g_ir.error());
    if (!n) {
      log::warn(fmt("IKEv2: IKE SA rekey with {} failed: {}", sa.remote.addr.str(), n.error().message));
      sa.rekey_at = retry_time(env, kRetryAfterErrorS, kRetryAfterErrorS + 5);
      return TaskStatus::kDone;
    }
    sa.successor = std::move(*n);
    return TaskStatus::kDone;
  }

  // --> CREATE_CHILD_SA { SA(IKE) Ni KEi } received
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    // §2.25.2: not while we close the SA; and, as strongSwan does, not while
    // one of our CHILD_SA exchanges is in flight (the peer retries).
    if (sa.state != SaState::kEstablished || sa.successor || in_flight(sa, "CHILD_REKEY") ||
        in_flight(sa, "CHILD_CREATE") || in_flight(sa, "CHILD_DELETE") || in_flight(sa, "IKE_DELETE")) {
      log::info(fmt("IKEv2: {} rekeys the IKE SA while it is busy: TEMPORARY_FAILURE", sa.remote.addr.str()));
      error = NotifyType::kTemporaryFailure;
      return TaskStatus::kFailed;
    }
    auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
    auto* ni = find_payload<NoncePayload>(in, PayloadType::kNonce);
    auto* ke = find_payload<KePayload>(in, PayloadType::kKe);
    if (!sap || !ni || !ke || ni->data.size() < 16 || ni->data.size() > 256) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    auto choice = select_ike(*sap, sa.ike_cfg);
    const Proposal* offered = nullptr;
    if (choice)
      for (auto& p : sap->proposals)
        if (p.number == choice->first) offered = &p;
    if (!choice || !offered) {
      log::warn(fmt("IKEv2: NO_PROPOSAL_CHOSEN for IKE SA rekey from {}: peer offered {}, we accept {}",
                    sa.remote.addr.str(), describe(*sap), describe(sa.ike_cfg)));
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    if (offered->spi.size() != 8) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    suite_ = choice->second;
    chosen_ = choice->first;
    group_ = suite_.group;
    if (ke->group != group_) {
      error = NotifyType::kInvalidKePayload;
      return TaskStatus::kFailed;
    }
    auto dh = key_exchange(group_);
    if (!dh) {
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    dh_ = std::move(*dh);
    auto g_ir = dh_->shared_secret(ke->data);
    if (!g_ir) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    do spi_ = env.rng.u64();
    while (spi_ == 0);
    ni_.assign(kNonceSize, 0);
    env.rng.fill(ni_);  // our nonce: Nr of the new SA
    auto n = successor_of(sa, env, false, spi_of(offered->spi), spi_, suite_, ni->data, ni_, *g_ir);
    if (!n) {
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    sa.successor = std::move(*n);
    return TaskStatus::kDone;
  }

  // <-- CREATE_CHILD_SA { SA(IKE, new SPIr) Nr KEr }
  void build_r(IkeSa&, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error == NotifyType::kInvalidKePayload) {
      auto g = uint16_t(group_);
      out.push_back(notify(*error, Bytes{uint8_t(g >> 8), uint8_t(g)}));
      return;
    }
    if (error) {
      out.push_back(notify(*error));
      return;
    }
    Proposal p;
    p.number = chosen_;
    p.protocol = ProtocolId::kIke;
    p.spi = be64(spi_);
    auto& c = suite_.cipher;
    p.transforms.push_back(encr_transform(c.encr, c.key_bits));
    p.transforms.push_back({TransformType::kPrf, uint16_t(prf_id(suite_.prf)), std::nullopt});
    if (c.integ != crypto::Mac::kNone) p.transforms.push_back({TransformType::kInteg, uint16_t(integ_id(c.integ)), std::nullopt});
    p.transforms.push_back({TransformType::kDh, uint16_t(group_), std::nullopt});
    out.push_back({PayloadType::kSa, SaPayload{{std::move(p)}}});
    out.push_back({PayloadType::kNonce, NoncePayload{ni_}});
    out.push_back({PayloadType::kKe, KePayload{group_, dh_->public_value()}});
  }

 private:
  static DhGroup first_group(const IkeSa& sa) {
    for (auto& c : sa.ike_cfg)
      if (!c.groups.empty()) return c.groups.front();
    return sa.suite.group;
  }

  bool initiator_;
  bool retried_ = false;
  uint64_t spi_ = 0;  // our new SPI
  DhGroup group_ = DhGroup::kNone;
  std::unique_ptr<crypto::KeyExchange> dh_;
  Bytes ni_;  // our nonce
  IkeSuite suite_;
  uint8_t chosen_ = 1;
};

}  // namespace

std::unique_ptr<Task> make_ike_rekey(bool initiator) { return std::make_unique<IkeRekey>(initiator); }

}  // namespace kg::ike
