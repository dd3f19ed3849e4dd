// IKE_AUTH authentication with pre-shared keys (RFC 7296 §1.2, §2.15).
// The responder picks the profile from the initiator's identity through
// PolicyProvider::profile_for_peer; the initiator's profile was chosen by name.
#include "ike/fmt.h"

#include "common/log.h"
#include "crypto/auth.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

Identity identity_of(const IdPayload& id) { return Identity{id.type, id.data}; }

// AUTH for the side that is (or is not) the original initiator (§2.15).
Result<Bytes> psk_auth_for(const IkeSa& sa, bool signer_is_initiator, const Identity& id, const Secret& psk) {
  const auto& k = sa.keys;
  auto octets = signer_is_initiator
                    ? crypto::signed_octets(sa.suite.prf, sa.init_request, sa.nr, k.sk_pi.view(), id.payload().body())
                    : crypto::signed_octets(sa.suite.prf, sa.init_response, sa.ni, k.sk_pr.view(), id.payload().body());
  if (!octets) return std::unexpected(octets.error());
  return crypto::psk_auth(sa.suite.prf, psk.view(), *octets);
}

bool verify(const IkeSa& sa, bool signer_is_initiator, const Identity& id, const AuthPayload& auth,
            const Secret& psk) {
  if (auth.method != AuthMethod::kSharedKeyMic || psk.empty()) return false;
  auto expect = psk_auth_for(sa, signer_is_initiator, id, psk);
  return expect && Secret(*expect).equals(auth.data);
}

class IkeAuth final : public Task {
 public:
  explicit IkeAuth(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_AUTH"; }

  // IKE_AUTH { IDi AUTH ... } -->
  Result<void> build_i(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (!sa.profile) return fail(Errc::kState, "no profile");
    auto auth = psk_auth_for(sa, true, sa.profile->local_id, sa.profile->local_psk);
    if (!auth) return std::unexpected(auth.error());
    out.push_back({PayloadType::kIdi, sa.profile->local_id.payload()});
    out.push_back({PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, std::move(*auth)}});
    return {};
  }

  // <-- IKE_AUTH { IDr AUTH ... } or { N(AUTHENTICATION_FAILED) }
  TaskStatus process_i(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    if (find_notify(in, NotifyType::kAuthenticationFailed)) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: {} rejected our identity {} (check the pre-shared key "
                            "and identities on both sides)",
                            sa.remote.addr.str(), sa.profile->local_id.str()));
      return TaskStatus::kFailed;
    }
    auto* idr = find_payload<IdPayload>(in, PayloadType::kIdr);
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    if (!idr || !auth) {
      log::warn(fmt("IKEv2: IKE_AUTH response from {} lacks IDr or AUTH", sa.remote.addr.str()));
      return TaskStatus::kFailed;
    }
    sa.remote_id = identity_of(*idr);
    if (!verify(sa, false, sa.remote_id, *auth, sa.profile->remote_psk)) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: AUTH from {} Id: {} does not verify with our "
                            "pre-shared key",
                            sa.remote.addr.str(), sa.remote_id.str()));
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // --> IKE_AUTH { IDi AUTH ... } received
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    auto* idi = find_payload<IdPayload>(in, PayloadType::kIdi);
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    if (!idi || !auth) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    sa.remote_id = identity_of(*idi);
    sa.profile = env.policy.profile_for_peer(sa.remote_id, sa.local.addr, sa.remote.addr);
    if (!sa.profile) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: no ikev2 profile matches peer {} Id: {}",
                            sa.remote.addr.str(), sa.remote_id.str()));
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    if (!verify(sa, true, sa.remote_id, *auth, sa.profile->remote_psk)) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED from {} Id: {} (profile {}): pre-shared key mismatch",
                            sa.remote.addr.str(), sa.remote_id.str(), sa.profile->name));
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // <-- IKE_AUTH { IDr AUTH ... }
  void build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error) {
      out.push_back(notify(*error));
      return;
    }
    auto a = psk_auth_for(sa, false, sa.profile->local_id, sa.profile->local_psk);
    if (!a) {
      out.push_back(notify(NotifyType::kAuthenticationFailed));
      return;
    }
    out.push_back({PayloadType::kIdr, sa.profile->local_id.payload()});
    out.push_back({PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, std::move(*a)}});
  }

 private:
  bool initiator_;
};

}  // namespace

std::unique_ptr<Task> make_ike_auth(bool initiator) { return std::make_unique<IkeAuth>(initiator); }

}  // namespace kg::ike
