// Waiting for slow work, BoringSSL's way (engine.h WorkRequest): a task that
// needs a signature from a token or an answer from an EAP back end sets
// TaskEnv::wait and returns kPending; the driver keeps the exchange where it
// stopped (IkeSa::responding / building), hands the work to the daemon and
// goes on when resume() brings the result:
//
//   IKE_AUTH { IDi AUTH ... } -->        responder: process_r waits
//                                        WorkRequest{id, SignWork} to the daemon
//   IKE_AUTH (retransmitted) -->         held: not processed, not answered
//                                        resume(id, signature)
//   <-- IKE_AUTH { IDr AUTH ... }        the one answer; later retransmits
//                                        get it from the response cache
//
// Authorization of a peer's configuration request (AuthorizeWork, for a
// RADIUS server) and a keyring aaa lookup of its pre-shared keys (PskWork,
// after IDi and before its AUTH is verified) wait the same way. Its decision may hold an address
// lease: one that arrives when nothing waits for it any more is handed
// straight back (ReleaseConfig), so no lease outlives its exchange.
//
// A wait that outlasts EngineOptions::pending_timeout, or work that fails,
// ends the exchange as a failure the task reports (AUTHENTICATION_FAILED).
#include "common/log.h"
#include "crypto/auth_sig.h"
#include "ike/engine_impl.h"
#include "ike/fmt.h"

namespace kg::ike {

WorkResult do_work(const Work& work) {
  if (auto* s = std::get_if<SignWork>(&work)) {
    if (!s->signer) return WorkResult(std::in_place_index<0>, fail(Errc::kState, "no signer"));
    return WorkResult(std::in_place_index<0>, crypto::auth_sign(*s->signer, s->choice, s->octets));
  }
  if (auto* a = std::get_if<AuthorizeWork>(&work)) {
    if (!a->authorizer) return ConfigDecision{ConfigDecision::Status::kRefused, {}, {}, "no authorizer"};
    return a->authorizer->authorize(a->query);
  }
  if (auto* k = std::get_if<PskWork>(&work)) {
    if (!k->source) return PeerKeys{{}, {}, "no keyring aaa"};
    return k->source->lookup(k->query);
  }
  if (auto* d = std::get_if<DhWork>(&work)) return crypto::dh_respond(d->group, d->peer_public);
  if (auto* p = std::get_if<PasswordWork>(&work)) {
    if (!p->checker) return PasswordVerdict{"no password checker", {}};
    return p->checker->check(p->user, p->password);
  }
  auto& e = std::get<EapWork>(work);
  if (!e.conversation) return EapStep{EapStep::Kind::kFailure, {}, {}, {}, "no EAP conversation"};
  return e.conversation->step(e.message);
}

const char* work_name(const Work& work) {
  if (std::holds_alternative<SignWork>(work)) return "signature";
  if (std::holds_alternative<AuthorizeWork>(work)) return "authorization";
  if (std::holds_alternative<PskWork>(work)) return "pre-shared key";
  if (std::holds_alternative<PasswordWork>(work)) return "password check";
  if (std::holds_alternative<DhWork>(work)) return "key exchange";
  return "EAP";
}

namespace {

// A decision that holds a lease nobody will take any more (it came after the
// timeout, or its SA is gone): the lease goes straight back.
void release_orphan(WorkResult& result, std::vector<Action>& out) {
  auto* d = std::get_if<ConfigDecision>(&result);
  if (d && d->session.lease) {
    log::debug(fmt("IKEv2: authorization came too late; lease {} released", d->session.lease));
    out.push_back(ReleaseConfig{d->session.lease});
    d->session.lease = 0;
  }
}

}  // namespace

void EngineImpl::begin_wait(IkeSa& sa, Work work, bool building, std::vector<Action>& out) {
  uint64_t id = next_work_id_++;
  sa.waiting = Waiting{id, clock_.now(), clock_.now() + options_.pending_timeout, work_name(work), building};
  waiting_[id] = sa.initiator ? sa.spi_i : sa.spi_r;
  log::debug(fmt("IKEv2: {}: waiting for a {} (request {})", sa.remote.str(), sa.waiting->what, id));
  out.push_back(WorkRequest{id, std::move(work)});
  touch(sa);
}

std::vector<Action> EngineImpl::resume(uint64_t id, WorkResult result) {
  std::vector<Action> out;
  auto it = waiting_.find(id);
  if (it == waiting_.end()) {
    log::debug(fmt("IKEv2: result of request {} dropped: nothing waits for it (timed out, or the SA is gone)", id));
    release_orphan(result, out);
    return out;
  }
  IkeSa* sa = find_sa(it->second);
  waiting_.erase(it);
  if (!sa || !sa->waiting || sa->waiting->id != id || sa->state == SaState::kDead) {
    release_orphan(result, out);
    return out;
  }
  if (auto* r = std::get_if<Result<Bytes>>(&result); r && !*r) stats_.work_failures++;
  if (auto* d = std::get_if<ConfigDecision>(&result); d && d->status == ConfigDecision::Status::kRefused)
    stats_.work_failures++;
  if (auto* k = std::get_if<PeerKeys>(&result); k && !k->error.empty()) stats_.work_failures++;
  end_wait(*sa, std::move(result), out);
  touch(*sa);
  settle(out);
  return out;
}

void EngineImpl::end_wait(IkeSa& sa, WorkResult result, std::vector<Action>& out) {
  bool building = sa.waiting->building;
  sa.waited += std::chrono::duration_cast<Millis>(clock_.now() - sa.waiting->since);
  waiting_.erase(sa.waiting->id);
  sa.waiting.reset();
  auto e = env(out);
  if (building) {
    Building b = std::move(*sa.building);
    sa.building.reset();
    b.tasks[b.at]->resume(sa, e, result);
    build(sa, std::move(b), out);
  } else {
    Responding r = std::move(*sa.responding);
    sa.responding.reset();
    r.tasks[r.at]->resume(sa, e, result);
    respond(sa, std::move(r), out);
  }
}

// The work did not come back in time: the task gets a failure with the
// reason, so the peer hears the usual error and the SA goes.
void EngineImpl::wait_timed_out(IkeSa& sa, std::vector<Action>& out) {
  stats_.work_timeouts++;
  auto ms = options_.pending_timeout.count();
  std::string why = fmt("no {} within {} ms (request {})", sa.waiting->what, ms, sa.waiting->id);
  log::warn(fmt("IKEv2: {}: {}; IKE SA deleted", sa.remote.str(), why));
  std::string_view what = sa.waiting->what;
  WorkResult r = what == "EAP"             ? WorkResult(EapStep{EapStep::Kind::kFailure, {}, {}, {}, why})
                 : what == "authorization" ? WorkResult(ConfigDecision{ConfigDecision::Status::kRefused, {}, {}, why})
                 : what == "pre-shared key" ? WorkResult(PeerKeys{{}, {}, why})
                 : what == "key exchange"   ? WorkResult(crypto::DhResponse{nullptr, fail(Errc::kLimit, why)})
                                           : WorkResult(std::in_place_index<0>, fail(Errc::kLimit, why));
  end_wait(sa, std::move(r), out);
  if (sa.state != SaState::kDead) fail_sa(sa, out, false);
}

}  // namespace kg::ike
