// What IKE_SA_INIT says about authentication: N(SIGNATURE_HASH_ALGORITHMS)
// both ways (RFC 7427 §4), so IKE_AUTH can use Digital Signature (method 14),
// and the responder's CERTREQ naming the CAs it trusts (RFC 7296 §3.7, §1.2),
// so a peer that only sends its certificate when asked (strongSwan's
// send_cert = ifasked) sends it.
#include "common/log.h"
#include "crypto/auth_sig.h"
#include "ike/fmt.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

void read_hashes(IkeSa& sa, const std::vector<TypedPayload>& in) {
  auto* n = find_notify(in, NotifyType::kSignatureHashAlgorithms);
  if (!n) return;
  auto h = crypto::decode_sign_hashes(n->data);
  if (!h) {
    log::debug(fmt("IKEv2: {}: ignoring malformed SIGNATURE_HASH_ALGORITHMS", sa.remote.addr.str()));
    return;
  }
  sa.auth.peer_sign_hashes = std::move(*h);
}

TypedPayload hashes_notify() {
  return notify(NotifyType::kSignatureHashAlgorithms, crypto::encode_sign_hashes(crypto::kOurSignHashes));
}

class IkeAuthCaps final : public Task {
 public:
  const char* name() const override { return "IKE_AUTH_CAPS"; }

  // IKE_SA_INIT { ... N(SIGNATURE_HASH_ALGORITHMS) } -->
  Result<void> build_i(IkeSa&, TaskEnv&, std::vector<TypedPayload>& out) override {
    out.push_back(hashes_notify());
    return {};
  }

  // <-- IKE_SA_INIT { ... [CERTREQ] N(SIGNATURE_HASH_ALGORITHMS) }
  TaskStatus process_i(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    read_hashes(sa, in);
    sa.auth.peer_certreq.clear();
    for (auto& p : in)
      if (auto* r = std::get_if<CertReqPayload>(&p.body))
        sa.auth.peer_certreq.insert(sa.auth.peer_certreq.end(), r->authorities.begin(), r->authorities.end());
    return TaskStatus::kDone;
  }

  TaskStatus process_r(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    read_hashes(sa, in);
    peer_announced_ = find_notify(in, NotifyType::kSignatureHashAlgorithms) != nullptr;
    return TaskStatus::kDone;
  }

  // <-- IKE_SA_INIT { ... CERTREQ N(SIGNATURE_HASH_ALGORITHMS) }
  void build_r(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    auto cas = env.policy.certreq_authorities(sa.local.addr);
    if (!cas.empty()) out.push_back({PayloadType::kCertReq, CertReqPayload{4, std::move(cas), {}}});
    // RFC 7427 §4: answer the initiator's announcement with ours.
    if (peer_announced_) out.push_back(hashes_notify());
  }

 private:
  bool peer_announced_ = false;
};

}  // namespace

std::unique_ptr<Task> make_ike_auth_caps() { return std::make_unique<IkeAuthCaps>(); }

}  // namespace kg::ike
