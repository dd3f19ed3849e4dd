// IKE_SA_INIT: SA, KE and Nonce negotiation and the IKE key schedule
// (RFC 7296 §1.2, §2.14). Initiator retries with the group the responder
// asks for in INVALID_KE_PAYLOAD (§1.3 / §2.7) and echoes a COOKIE (§2.6).
#include "ike/fmt.h"

#include "common/log.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

constexpr size_t kNonceSize = 32;

std::string peer(const IkeSa& sa) { return sa.remote.addr.str(); }

// SKEYSEED and SK_* from the shared secret, then the two SK ciphers.
Result<void> derive_keys(IkeSa& sa, const Secret& gir) {
  auto seed = crypto::skeyseed(sa.suite.prf, sa.ni, sa.nr, gir.view());
  if (!seed) return std::unexpected(seed.error());
  crypto::IkeKeySizes sizes{sa.suite.cipher.encr_key_size(), sa.suite.cipher.integ_key_size(),
                            crypto::prf_size(sa.suite.prf)};
  auto keys = crypto::derive_ike_keys(sa.suite.prf, sizes, seed->view(), sa.ni, sa.nr, sa.spi_i, sa.spi_r);
  if (!keys) return std::unexpected(keys.error());
  sa.keys = std::move(*keys);
  auto& k = sa.keys;
  auto out = crypto::SkCipher::create(sa.suite.cipher, sa.initiator ? k.sk_ei : k.sk_er,
                                      sa.initiator ? k.sk_ai : k.sk_ar);
  auto in = crypto::SkCipher::create(sa.suite.cipher, sa.initiator ? k.sk_er : k.sk_ei,
                                     sa.initiator ? k.sk_ar : k.sk_ai);
  if (!out) return std::unexpected(out.error());
  if (!in) return std::unexpected(in.error());
  sa.out = std::move(*out);
  sa.in = std::move(*in);
  sa.keep_sk_keys();
  return {};
}

Bytes nonce(Random& rng) {
  Bytes n(kNonceSize);
  rng.fill(n);
  return n;
}

class IkeInit final : public Task {
 public:
  explicit IkeInit(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_INIT"; }

  // IKE_SA_INIT { [N(COOKIE)] SA KE Ni } -->
  Result<void> build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    if (sa.ke_group == DhGroup::kNone) {
      for (auto& c : sa.ike_cfg)
        if (!c.groups.empty()) { sa.ke_group = c.groups.front(); break; }
    }
    if (!sa.dh || dh_group(sa.dh->group()) != sa.ke_group) {
      auto dh = key_exchange(sa.ke_group);
      if (!dh) return std::unexpected(dh.error());
      sa.dh = std::move(*dh);
    }
    if (sa.ni.empty()) sa.ni = nonce(env.rng);
    if (!sa.cookie.empty()) out.push_back(notify(NotifyType::kCookie, sa.cookie));
    out.push_back({PayloadType::kSa, ike_sa_payload(sa.ike_cfg)});
    out.push_back({PayloadType::kKe, KePayload{sa.ke_group, sa.dh->public_value()}});
    out.push_back({PayloadType::kNonce, NoncePayload{sa.ni}});
    return {};
  }

  // <-- IKE_SA_INIT { SA KE Nr } or { N(error) }
  TaskStatus process_i(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    if (auto* c = find_notify(in, NotifyType::kCookie)) {
      // §2.6: retry with the cookie; a responder that keeps asking (or sends
      // a cookie outside 1..64 octets, §3.10.1) is not followed for ever.
      if (c->data.empty() || c->data.size() > 64 || ++cookie_retries_ > kMaxCookieRetries) {
        log::warn(fmt("IKEv2: {} keeps answering IKE_SA_INIT with a COOKIE; giving up", peer(sa)));
        return TaskStatus::kFailed;
      }
      sa.cookie = c->data;
      return TaskStatus::kRetry;
    }
    if (auto* n = find_notify(in, NotifyType::kInvalidKePayload)) {
      if (n->data.size() != 2) return TaskStatus::kFailed;
      auto g = static_cast<DhGroup>(n->data[0] << 8 | n->data[1]);
      if (g == sa.ke_group || !group_configured(sa.ike_cfg, g) || retried_) {
        log::warn(fmt("IKEv2: INVALID_KE_PAYLOAD from {}: peer wants {} which we do not offer",
                              peer(sa), group_name(g)));
        return TaskStatus::kFailed;
      }
      log::info(fmt("IKEv2: {} asks for DH group {}, retrying", peer(sa), group_name(g)));
      retried_ = true;
      sa.ke_group = g;
      return TaskStatus::kRetry;
    }
    for (auto& p : in)
      if (auto* n = std::get_if<NotifyPayload>(&p.body); n && n->is_error()) {
        if (n->type == uint16_t(NotifyType::kNoProposalChosen))
          log::warn(fmt("IKEv2: NO_PROPOSAL_CHOSEN from {}: we offered {}", peer(sa),
                                describe(sa.ike_cfg)));
        else
          log::warn(fmt("IKEv2: IKE_SA_INIT refused by {}: {}", peer(sa), notify_name(n->type)));
        return TaskStatus::kFailed;
      }
    auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
    auto* ke = find_payload<KePayload>(in, PayloadType::kKe);
    auto* nr = find_payload<NoncePayload>(in, PayloadType::kNonce);
    if (!sap || !ke || !nr) return TaskStatus::kFailed;
    auto suite = accept_ike(*sap, sa.ike_cfg);
    if (!suite || suite->group != sa.ke_group || ke->group != sa.ke_group) {
      log::warn(fmt("IKEv2: {} answered with a proposal we did not offer: {}", peer(sa), describe(*sap)));
      return TaskStatus::kFailed;
    }
    sa.suite = *suite;
    sa.nr = nr->data;
    auto gir = sa.dh->shared_secret(ke->data);
    if (auto r = gir ? derive_keys(sa, *gir) : std::unexpected(gir.error()); !r) {
      log::warn(fmt("IKEv2: key derivation with {} failed: {}", peer(sa), r.error().message));
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // --> IKE_SA_INIT { SA KE Ni } received
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    if (dh_) return keyed_r(sa, env);  // called again once the DhWork came back
    auto* sap = find_payload<SaPayload>(in, PayloadType::kSa);
    auto* ke = find_payload<KePayload>(in, PayloadType::kKe);
    auto* ni = find_payload<NoncePayload>(in, PayloadType::kNonce);
    if (!sap || !ke || !ni || ni->data.size() < 16 || ni->data.size() > 256) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    auto choice = select_ike(*sap, sa.ike_cfg);
    if (!choice) {
      log::warn(fmt("IKEv2: NO_PROPOSAL_CHOSEN from {}: peer offered {}, we accept {}", peer(sa),
                            describe(*sap), describe(sa.ike_cfg)));
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    sa.suite = choice->second;
    chosen_ = choice->first;
    if (ke->group != sa.suite.group) {
      // §1.3: tell the initiator which group we selected.
      log::info(fmt("IKEv2: {} sent KE for {}, asking for {}", peer(sa), group_name(ke->group),
                            group_name(sa.suite.group)));
      error = NotifyType::kInvalidKePayload;
      return TaskStatus::kFailed;
    }
    auto group = crypto_group(sa.suite.group);
    if (!group) {
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    sa.ke_group = sa.suite.group;
    sa.ni = ni->data;
    sa.nr = nonce(env.rng);
    if (env.dh_off_loop) {  // the key pair and g^ir come back through resume()
      env.wait = DhWork{*group, ke->data};
      return TaskStatus::kPending;
    }
    dh_ = std::make_unique<crypto::DhResponse>(crypto::dh_respond(*group, ke->data));
    return keyed_r(sa, env);
  }

  void resume(IkeSa&, TaskEnv&, WorkResult& r) override {
    auto* d = std::get_if<crypto::DhResponse>(&r);
    dh_ = std::make_unique<crypto::DhResponse>(
        d ? std::move(*d) : crypto::DhResponse{nullptr, fail(Errc::kState, "no key exchange result")});
  }

  // <-- IKE_SA_INIT { SA KE Nr }
  void build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error == NotifyType::kInvalidKePayload) {
      auto g = uint16_t(sa.suite.group);
      out.push_back(notify(*error, Bytes{uint8_t(g >> 8), uint8_t(g)}));
      return;
    }
    if (error) {
      out.push_back(notify(*error));
      return;
    }
    SaPayload chosen = ike_sa_payload({});
    Proposal p;
    p.number = chosen_;
    p.protocol = ProtocolId::kIke;
    auto& c = sa.suite.cipher;
    p.transforms.push_back(encr_transform(c.encr, c.key_bits));
    p.transforms.push_back({TransformType::kPrf, uint16_t(prf_id(sa.suite.prf)), std::nullopt});
    if (c.integ != crypto::Mac::kNone) p.transforms.push_back({TransformType::kInteg, uint16_t(integ_id(c.integ)), std::nullopt});
    p.transforms.push_back({TransformType::kDh, uint16_t(sa.suite.group), std::nullopt});
    chosen.proposals.push_back(std::move(p));
    out.push_back({PayloadType::kSa, std::move(chosen)});
    out.push_back({PayloadType::kKe, KePayload{sa.suite.group, sa.dh->public_value()}});
    out.push_back({PayloadType::kNonce, NoncePayload{sa.nr}});
  }

 private:
  // Responder: our key pair and g^ir are in dh_ (computed inline or by a
  // crypto worker); the keys follow.
  TaskStatus keyed_r(IkeSa& sa, TaskEnv&) {
    if (!dh_->kx) {
      log::warn(fmt("IKEv2: no key pair for {} with {}: {}", group_name(sa.suite.group), peer(sa),
                    dh_->shared.error().message));
      error = NotifyType::kNoProposalChosen;
      return TaskStatus::kFailed;
    }
    sa.dh = std::move(dh_->kx);
    if (auto r = dh_->shared ? derive_keys(sa, *dh_->shared) : std::unexpected(dh_->shared.error()); !r) {
      error = NotifyType::kInvalidSyntax;  // bad public value
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  std::unique_ptr<crypto::DhResponse> dh_;  // responder: set once the key exchange is done
  static constexpr int kMaxCookieRetries = 3;
  bool initiator_;
  bool retried_ = false;
  int cookie_retries_ = 0;
  uint8_t chosen_ = 1;
};

}  // namespace

std::unique_ptr<Task> make_ike_init(bool initiator) { return std::make_unique<IkeInit>(initiator); }

}  // namespace kg::ike
