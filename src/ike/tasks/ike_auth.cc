// IKE_AUTH authentication (RFC 7296 §1.2, §2.15): pre-shared keys or
// signatures with certificates (RFC 7296 §3.8, RFC 4754, RFC 7427), each
// direction on its own (authentication local / remote may differ). The
// responder picks the profile from the initiator's identity and certificate
// (PolicyProvider::profile_for_peer_cert); the initiator's profile was chosen
// by name and must match the responder (peer_matches_profile).
//
// With EAP (§2.16) the exchange takes several round trips, each one more
// kContinue of this task:
//   IKE_AUTH { IDi [CERTREQ] SA TSi TSr } -->          (no AUTH: EAP wanted)
//   <-- IKE_AUTH { IDr [CERT+] AUTH EAP(Request) }
//   IKE_AUTH { EAP(Response) } -->                      (as often as the method asks)
//   <-- IKE_AUTH { EAP(Request) | EAP(Success) }
//   IKE_AUTH { AUTH } -->                               (keyed with the MSK, or SK_pi)
//   <-- IKE_AUTH { AUTH SA TSi TSr }                    (the MSK, or SK_pr)
// Our own signature may come from a signer that does not answer at once,
// the responder's EAP back end may answer later, and with keyring aaa the
// responder asks RADIUS for the peer's keys once it has read IDi
// (engine.h WorkRequest):
// the task then returns kPending and goes on where it stopped.
#include "common/log.h"
#include "ike/auth_local.h"
#include "ike/auth_peer.h"
#include "ike/eap_peer.h"
#include "ike/fmt.h"
#include "ike/task.h"
#include "wire/eap/eap.h"

namespace kg::ike {
namespace {

Identity identity_of(const IdPayload& id) { return Identity{id.type, id.data}; }

// The EAP payload (§3.16) is one EAP packet; the wire codec keeps it raw.
TypedPayload eap_payload(Bytes packet) {
  return {PayloadType::kEap, UnknownPayload{uint8_t(PayloadType::kEap), false, std::move(packet)}};
}
const Bytes* find_eap(const std::vector<TypedPayload>& in) {
  for (auto& p : in)
    if (p.type == PayloadType::kEap)
      if (auto* u = std::get_if<UnknownPayload>(&p.body)) return &u->body;
  return nullptr;
}

class IkeAuth final : public Task {
 public:
  explicit IkeAuth(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_AUTH"; }

  Result<void> build_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) override {
    if (!sa.profile) return fail(Errc::kState, "no profile");
    switch (round_) {
      case Round::kFirst:
        return build_first_i(sa, env, out);
      case Round::kEap:  // IKE_AUTH { EAP(Response) } -->
        out.push_back(eap_payload(std::move(eap_out_)));
        eap_out_.clear();
        return {};
      case Round::kEapAuth: {  // IKE_AUTH { AUTH } -->
        auto a = eap_auth(sa, true, sa.profile->local_id, msk_);
        if (!a) return std::unexpected(a.error());
        out.push_back({PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, std::move(*a)}});
        return {};
      }
    }
    return {};
  }

  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    if (find_notify(in, NotifyType::kAuthenticationFailed)) {
      if (peer_)
        log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: {} refused EAP user {} ({}{}{}; check authentication local eap: "
                      "username and password)",
                      sa.remote.addr.str(), sa.profile->eap_username, peer_->method_name(),
                      eap_failure(in) ? ", EAP Failure" : "", peer_->failure().empty() ? "" : ": " + peer_->failure()));
      else
        log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: {} rejected our identity {} (check the keys or certificates "
                      "and identities on both sides)",
                      sa.remote.addr.str(), local_identity(*sa.profile, sa.local.addr).str()));
      return TaskStatus::kFailed;
    }
    switch (round_) {
      case Round::kFirst: {
        auto st = verify_responder(sa, env, in);
        if (st != TaskStatus::kDone || !peer_) return st;
        return eap_round_i(sa, env, in);
      }
      case Round::kEap:
        return eap_round_i(sa, env, in);
      case Round::kEapAuth:
        return verify_eap_auth(sa, in, false) ? TaskStatus::kDone : TaskStatus::kFailed;
    }
    return TaskStatus::kFailed;
  }

  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    for (;;) switch (stage_) {
        case Stage::kVerify:  // --> IKE_AUTH { IDi [CERT+] [CERTREQ] [AUTH] ... }
          if (auto st = verify_initiator(sa, env, in); st != TaskStatus::kDone) return st;
          stage_ = Stage::kSign;
          break;
        case Stage::kAaaKeys:  // keyring aaa: the peer's keys are in; its AUTH now
          if (auto st = verify_with_aaa_keys(sa, env, in); st != TaskStatus::kDone) return st;
          stage_ = Stage::kSign;
          break;
        case Stage::kSign: {
          // Our own AUTH now, so that a missing key fails the exchange (and the
          // peer hears AUTHENTICATION_FAILED) instead of a half-built answer.
          auto ready = own_auth(sa, env, false);
          if (!ready) {
            log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: cannot authenticate to {}: {}", sa.remote.addr.str(),
                          ready.error().message));
            error = NotifyType::kAuthenticationFailed;
            return TaskStatus::kFailed;
          }
          if (!*ready) return TaskStatus::kPending;
          if (!eap_) return TaskStatus::kDone;
          conv_ = sa.profile->eap->start(sa.remote_id.str());
          stage_ = Stage::kEapStep;
          break;
        }
        case Stage::kEapStep:
          return eap_step_r(sa, env);
        case Stage::kEapResponse:  // --> IKE_AUTH { EAP(Response) }
          if (const Bytes* raw = find_eap(in)) {
            eap_in_ = *raw;
            stage_ = Stage::kEapStep;
            break;
          }
          log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: IKE_AUTH from {} lacks the EAP payload", sa.remote.addr.str()));
          error = NotifyType::kAuthenticationFailed;
          return TaskStatus::kFailed;
        case Stage::kEapAuth:  // --> IKE_AUTH { AUTH }
          if (!verify_eap_auth(sa, in, true)) {
            error = NotifyType::kAuthenticationFailed;
            return TaskStatus::kFailed;
          }
          stage_ = Stage::kDone;
          return TaskStatus::kDone;
        case Stage::kDone:
          return TaskStatus::kDone;
      }
  }

  // <-- IKE_AUTH { IDr [CERT+] AUTH [EAP] ... }, { EAP }, { AUTH ... } or { [EAP(Failure)] N(AUTHENTICATION_FAILED) }
  void build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (error) {
      if (!eap_reply_.empty()) out.push_back(eap_payload(std::move(eap_reply_)));
      out.push_back(notify(*error));
      return;
    }
    if (own_) {
      out.push_back(std::move(own_->id));
      for (auto& c : own_->certs) out.push_back(std::move(c));
      out.push_back(std::move(own_->auth));
      own_.reset();
    }
    if (!eap_reply_.empty()) {
      out.push_back(eap_payload(std::move(eap_reply_)));
      eap_reply_.clear();
    }
    if (stage_ == Stage::kDone && eap_) {  // our AUTH over the EAP key
      auto a = eap_auth(sa, false, my_id_, msk_);
      if (a) out.push_back({PayloadType::kAuth, AuthPayload{AuthMethod::kSharedKeyMic, std::move(*a)}});
    }
  }

  void resume(IkeSa&, TaskEnv&, WorkResult& r) override {
    if (auto* s = std::get_if<Result<Bytes>>(&r)) signed_ = std::move(*s);
    else if (auto* e = std::get_if<EapStep>(&r)) step_ = std::move(*e);
    else if (auto* k = std::get_if<PeerKeys>(&r)) keys_ = std::move(*k);
  }

 private:
  enum class Round { kFirst, kEap, kEapAuth };                                // initiator
  enum class Stage { kVerify, kAaaKeys, kSign, kEapStep, kEapResponse, kEapAuth, kDone };  // responder

  // IKE_AUTH { IDi [CERT+] [CERTREQ] AUTH ... } -->, with EAP { IDi [CERTREQ] ... }
  Result<void> build_first_i(IkeSa& sa, TaskEnv& env, std::vector<TypedPayload>& out) {
    const ProfileConfig& p = *sa.profile;
    if (p.local_auth == AuthKind::kEap) {
      peer_.emplace(p.eap_username, p.eap_password, p.eap_method);
      sa.auth.local_method = "EAP";
      out.push_back({PayloadType::kIdi, p.local_id.payload()});
      if (auto req = cert_request(p)) out.push_back(std::move(*req));
      return {};
    }
    // keyring aaa: the keys for the peer we dial first (asked once; then
    // keys_ holds the answer).
    if (keys_) {
      if (!take_aaa_keys(sa)) return fail(Errc::kAuthFailed, "no pre-shared key from keyring aaa");
    } else if (needs_aaa_keys(p, p.remote_auth.has(AuthKind::kPsk))) {
      env.wait = aaa_lookup(sa);
      return {};
    }
    auto ready = own_auth(sa, env, true);
    if (!ready) return std::unexpected(ready.error());
    if (!*ready) return {};  // env.wait: the signature comes later
    out.push_back(std::move(own_->id));
    for (auto& c : own_->certs) out.push_back(std::move(c));
    if (auto req = cert_request(*sa.profile)) out.push_back(std::move(*req));  // not p: keyring aaa replaced it
    out.push_back(std::move(own_->auth));
    own_.reset();
    return {};
  }

  // Our ID, CERT and AUTH payloads in own_: true when complete, false while
  // the signature is out (env.wait set; called again after resume()).
  Result<bool> own_auth(IkeSa& sa, TaskEnv& env, bool initiator) {
    if (signed_) {
      auto r = std::move(*signed_);
      signed_.reset();
      if (!r) return std::unexpected(Error{r.error().code, "signature failed: " + r.error().message});
      own_->set_auth_data(std::move(*r));
      return true;
    }
    auto a = local_auth(sa, initiator);
    if (!a) return std::unexpected(a.error());
    own_ = std::move(*a);
    my_id_ = identity_of(std::get<IdPayload>(own_->id.body));
    if (!own_->sign) return true;
    env.wait = std::move(*own_->sign);
    own_->sign.reset();
    return false;
  }

  // <-- IKE_AUTH { IDr [CERT+] AUTH ... }
  TaskStatus verify_responder(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) {
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

  static bool eap_failure(const std::vector<TypedPayload>& in) {
    const Bytes* raw = find_eap(in);
    auto m = raw ? eap::Packet::parse(*raw) : Result<eap::Packet>(fail(Errc::kNotFound, ""));
    return m && m->code == eap::Code::kFailure;
  }

  // <-- IKE_AUTH { EAP(Request) }: answer it; { EAP(Success) }: our AUTH next.
  TaskStatus eap_round_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) {
    const Bytes* raw = find_eap(in);
    if (!raw) {
      log::warn(fmt("IKEv2: IKE_AUTH response from {} lacks the EAP payload (authentication local eap)",
                    sa.remote.addr.str()));
      return TaskStatus::kFailed;
    }
    auto m = eap::Packet::parse(*raw);
    if (!m) {
      log::warn(fmt("IKEv2: malformed EAP message from {}: {}", sa.remote.addr.str(), m.error().message));
      return TaskStatus::kFailed;
    }
    switch (m->code) {
      case eap::Code::kRequest: {
        auto r = peer_->respond(*m, env.rng);
        if (!r) {
          log::warn(fmt("IKEv2: cannot answer EAP Request from {}: {}", sa.remote.addr.str(), r.error().message));
          return TaskStatus::kFailed;
        }
        eap_out_ = std::move(*r);
        round_ = Round::kEap;
        return TaskStatus::kContinue;
      }
      case eap::Code::kSuccess:
        if (auto ok = peer_->check_success(); !ok) {
          log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: EAP Success from {} refused: {}", sa.remote.addr.str(),
                        ok.error().message));
          return TaskStatus::kFailed;
        }
        msk_ = peer_->msk();
        log::info(fmt("IKEv2: EAP user {} authenticated by {} with {}", sa.profile->eap_username, sa.remote.addr.str(),
                      peer_->method_name()));
        round_ = Round::kEapAuth;
        return TaskStatus::kContinue;
      case eap::Code::kFailure: {
        std::string why = peer_->failure();
        log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: EAP Failure from {} for user {} ({}{}; check authentication "
                      "local eap: username and password)",
                      sa.remote.addr.str(), sa.profile->eap_username, peer_->method_name(),
                      why.empty() ? "" : ": " + why));
        return TaskStatus::kFailed;
      }
      case eap::Code::kResponse:
        break;
    }
    log::warn(fmt("IKEv2: EAP Response from {}, which is the authenticator", sa.remote.addr.str()));
    return TaskStatus::kFailed;
  }

  // The AUTH after EAP (§2.16), keyed with the MSK or SK_pi / SK_pr.
  bool verify_eap_auth(IkeSa& sa, const std::vector<TypedPayload>& in, bool peer_is_initiator) {
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    auto expect = eap_auth(sa, peer_is_initiator, sa.remote_id, msk_);
    if (!auth || auth->method != AuthMethod::kSharedKeyMic || !expect || !Secret(*expect).equals(auth->data)) {
      log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: {} Id: {}: {} after EAP (RFC 7296 §2.16)", sa.remote.addr.str(),
                    sa.remote_id.str(), auth ? "its AUTH does not verify with the EAP key" : "no AUTH"));
      return false;
    }
    if (peer_is_initiator) {
      sa.auth.remote_method = "EAP";
      sa.auth.peer_kind = AuthKind::kEap;  // authorization by `aaa authorization ... eap`
    }
    return true;
  }

  // --> IKE_AUTH { IDi [CERT+] [CERTREQ] [AUTH] ... } received
  TaskStatus verify_initiator(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) {
    auto* idi = find_payload<IdPayload>(in, PayloadType::kIdi);
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    if (!idi) {
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
    if (!auth) {  // §2.16: no AUTH means the initiator wants EAP
      if (sa.profile->remote_auth != AuthKind::kEap || !sa.profile->eap) {
        log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: {} Id: {} asks for EAP (no AUTH payload); ikev2 profile {} "
                      "has no authentication remote eap",
                      sa.remote.addr.str(), sa.remote_id.str(), sa.profile->name));
        error = NotifyType::kAuthenticationFailed;
        return TaskStatus::kFailed;
      }
      eap_ = true;
      if (needs_aaa_keys(*sa.profile, false)) {  // keyring aaa: our own key, before our AUTH
        env.wait = aaa_lookup(sa);
        stage_ = Stage::kAaaKeys;
        return TaskStatus::kPending;
      }
      return TaskStatus::kDone;
    }
    if (needs_aaa_keys(*sa.profile, *auth)) {  // keyring aaa: ask for the keys, verify on resume
      env.wait = aaa_lookup(sa);
      stage_ = Stage::kAaaKeys;
      return TaskStatus::kPending;
    }
    if (!verify_peer(sa, env, true, *auth, certs)) {
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // keyring aaa: the profile has no key for this peer in a direction PSKs
  // are used in (we sign with one, or the peer may).
  static bool needs_aaa_keys(const ProfileConfig& p, bool peer_psk) {
    if (!p.aaa_keys) return false;
    return (peer_psk && p.remote_psk.empty()) || (p.local_auth == AuthKind::kPsk && p.local_psk.empty());
  }
  static bool needs_aaa_keys(const ProfileConfig& p, const AuthPayload& auth) {
    return needs_aaa_keys(p, auth.method == AuthMethod::kSharedKeyMic && p.remote_auth.has(AuthKind::kPsk));
  }

  // The keys from AAA (resume), or why there are none: false, and the
  // %-line said why. The SA gets its own copy of its profile with them; a
  // direction still without a key fails later with the usual line.
  bool take_aaa_keys(IkeSa& sa) {
    PeerKeys k = keys_ ? std::move(*keys_) : PeerKeys{{}, {}, "no answer"};
    keys_.reset();
    if (!k.error.empty()) {
      log::event("IKEV2", log::Level::kWarning, "AAA_PSK_FAILED",
                 fmt("AUTHENTICATION_FAILED: no pre-shared key for {} Id: {} from keyring aaa (profile {}): {}",
                     sa.remote.addr.str(), aaa_query_id(sa).str(), sa.profile->name, k.error));
      return false;
    }
    auto own = std::make_shared<ProfileConfig>(*sa.profile);
    own->aaa_keys.reset();
    if (own->local_psk.empty()) own->local_psk = std::move(k.local);
    if (own->remote_psk.empty()) own->remote_psk = std::move(k.remote);
    own->psk_missing = std::string("the RADIUS reply has no Cisco-AVPair ipsec:ikev2-password-") +
                       (own->remote_psk.empty() ? "remote" : "local");
    sa.profile = std::move(own);
    return true;
  }

  // Whom keyring aaa asks for: the responder knows the peer's IDi; the
  // initiator, before IDr, only the address it dials.
  Identity aaa_query_id(const IkeSa& sa) const {
    if (!initiator_) return sa.remote_id;
    const IpAddress& a = sa.remote.addr;
    return Identity{a.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr, Bytes(a.bytes().begin(), a.bytes().end())};
  }
  PskWork aaa_lookup(const IkeSa& sa) const {
    return PskWork{sa.profile->aaa_keys, PskQuery{sa.profile->name, aaa_query_id(sa), sa.local.addr, sa.remote.addr}};
  }

  // Responder: the peer's AUTH, verified with the keys AAA gave (an EAP
  // peer's comes after EAP; only our own key was missing).
  TaskStatus verify_with_aaa_keys(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) {
    auto* auth = find_payload<AuthPayload>(in, PayloadType::kAuth);
    if (!take_aaa_keys(sa) ||
        (!eap_ && (!auth || !verify_peer(sa, env, true, *auth, peer_certificates(in, env.certs))))) {
      error = NotifyType::kAuthenticationFailed;
      return TaskStatus::kFailed;
    }
    return TaskStatus::kDone;
  }

  // One step of the EAP back end, at once or as work for the daemon.
  TaskStatus eap_step_r(IkeSa& sa, TaskEnv& env) {
    if (!step_) {
      if (!conv_->completes_at_once()) {
        env.wait = EapWork{conv_, eap_in_};
        return TaskStatus::kPending;
      }
      step_ = conv_->step(eap_in_);
    }
    EapStep s = std::move(*step_);
    step_.reset();
    eap_in_.clear();
    eap_reply_ = std::move(s.message);
    switch (s.kind) {
      case EapStep::Kind::kRequest:
        stage_ = Stage::kEapResponse;
        return TaskStatus::kContinue;
      case EapStep::Kind::kSuccess:
        msk_ = std::move(s.msk);
        log::info(fmt("IKEv2: {} Id: {} authenticated as EAP user {}", sa.remote.addr.str(), sa.remote_id.str(),
                      s.user));
        stage_ = Stage::kEapAuth;
        return TaskStatus::kContinue;
      case EapStep::Kind::kFailure:
        break;
    }
    log::warn(fmt("IKEv2: AUTHENTICATION_FAILED: EAP authentication of {} Id: {}{} failed: {}", sa.remote.addr.str(),
                  sa.remote_id.str(), s.user.empty() ? "" : " user " + s.user, s.reason));
    error = NotifyType::kAuthenticationFailed;
    return TaskStatus::kFailed;
  }

  bool initiator_;
  std::optional<LocalAuth> own_;             // our ID, CERT, AUTH until sent
  std::optional<Result<Bytes>> signed_;      // the signature work's result
  Identity my_id_;                           // the ID we sent (AUTH after EAP)
  Secret msk_;                               // EAP's MSK; empty: SK_pi / SK_pr
  // Initiator.
  Round round_ = Round::kFirst;
  std::optional<EapPeer> peer_;              // authentication local eap
  Bytes eap_out_;                            // the EAP Response to send
  // Responder.
  Stage stage_ = Stage::kVerify;
  bool eap_ = false;                         // the initiator authenticates with EAP
  std::shared_ptr<EapConversation> conv_;
  Bytes eap_in_;                             // the peer's EAP packet for the next step
  std::optional<EapStep> step_;              // the back end's answer (resume)
  std::optional<PeerKeys> keys_;             // keyring aaa's answer (resume)
  Bytes eap_reply_;                          // the EAP packet for our response
};

}  // namespace

std::unique_ptr<Task> make_ike_auth(bool initiator) { return std::make_unique<IkeAuth>(initiator); }

}  // namespace kg::ike
