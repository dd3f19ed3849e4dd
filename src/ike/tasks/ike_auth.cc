// IKE_AUTH authentication (RFC 7296 §1.2, §2.15): pre-shared keys or
// signatures with certificates (RFC 7296 §3.8, RFC 4754, RFC 7427), each
// direction on its own (authentication local / remote may differ). The
// responder picks the profile from the initiator's identity and certificate
// (PolicyProvider::profile_for_peer_cert); the initiator's profile was chosen
// by name and must match the responder (peer_matches_profile).
#include "common/log.h"
#include "ike/auth_local.h"
#include "ike/auth_peer.h"
#include "ike/fmt.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

Identity identity_of(const IdPayload& id) { return Identity{id.type, id.data}; }

class IkeAuth final : public Task {
 public:
  explicit IkeAuth(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_AUTH"; }

  // IKE_AUTH { IDi [CERT+] [CERTREQ] AUTH ... } -->
  Result<void> build_i(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (!sa.profile) return fail(Errc::kState, "no profile");
    auto a = local_auth(sa, true);
    if (!a) return std::unexpected(a.error());
    out.push_back(std::move(a->id));
    for (auto& c : a->certs) out.push_back(std::move(c));
    if (auto req = cert_request(*sa.profile)) out.push_back(std::move(*req));
    out.push_back(std::move(a->auth));
    return {};
  }

  // <-- IKE_AUTH { IDr [CERT+] AUTH ... } or { N(AUTHENTICATION_FAILED) }
  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    if (find_notify(in, NotifyType::kAuthenticationFailed)) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: {} rejected our identity {} (check the keys or certificates and "
                    "identities on both sides)",
                    sa.remote.addr.str(), local_identity(*sa.profile, sa.local.addr).str()));
      return TaskStatus::kFailed;
    }
    auto* idr = find_payload<IdPayload>(in, PayloadType::kIdr);
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    if (!idr || !auth) {
      log::warn(fmt("IKEv2: IKE_AUTH response from {} lacks IDr or AUTH", sa.remote.addr.str()));
      return TaskStatus::kFailed;
    }
    sa.remote_id = identity_of(*idr);
    PeerCerts certs = peer_certificates(in, env.certs);
    if (!verify_peer(sa, env, false, *auth, certs)) return TaskStatus::kFailed;
    const crypto::Certificate* cert = sa.auth.peer_cert ? &*sa.auth.peer_cert : nullptr;
    if (!env.policy.peer_matches_profile(*sa.profile, sa.remote_id, cert, sa.local.addr, sa.remote.addr)) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: responder {} Id: {} does not match the match statements of "
                    "ikev2 profile {}",
                    sa.remote.addr.str(), sa.remote_id.str(), sa.profile->name));
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // --> IKE_AUTH { IDi [CERT+] [CERTREQ] AUTH ... } received
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    auto* idi = find_payload<IdPayload>(in, PayloadType::kIdi);
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    if (!idi || !auth) {
      error = NotifyType::kInvalidSyntax;
      return TaskStatus::kFailed;
    }
    sa.remote_id = identity_of(*idi);
    note_cert_requests(sa, in);
    PeerCerts certs = peer_certificates(in, env.certs);
    sa.profile = env.configs.share(env.policy.profile_for_peer_cert(
        sa.remote_id, certs.leaf ? &*certs.leaf : nullptr, sa.local.addr, sa.remote.addr));
    if (!sa.profile) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: no ikev2 profile matches peer {} Id: {}{}", sa.remote.addr.str(),
                    sa.remote_id.str(), certs.leaf ? " certificate " + certs.leaf->subject() : std::string()));
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    if (!verify_peer(sa, env, true, *auth, certs)) {
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    // Our own AUTH now, so that a missing key fails the exchange (and the
    // peer hears AUTHENTICATION_FAILED) instead of a half-built answer.
    auto a = local_auth(sa, false);
    if (!a) {
      log::warn(fmt("IKEv2: cannot authenticate to {}: {}", sa.remote.addr.str(), a.error().message));
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    reply_ = std::move(*a);
    return TaskStatus::kDone;
  }

  // <-- IKE_AUTH { IDr [CERT+] AUTH ... }
  void build_r(IkeSa&, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error) {
      out.push_back(notify(*error));
      return;
    }
    if (!reply_) return;
    out.push_back(std::move(reply_->id));
    for (auto& c : reply_->certs) out.push_back(std::move(c));
    out.push_back(std::move(reply_->auth));
    reply_.reset();
  }

 private:
  bool initiator_;
  std::optional<LocalAuth> reply_;
};

}  // namespace

std::unique_ptr<Task> make_ike_auth(bool initiator) { return std::make_unique<IkeAuth>(initiator); }

}  // namespace kg::ike
