#include "daemon/ike_side.h"

namespace kg::daemon {

// A new kind of action must be routed here, or the engine's request is lost.
static_assert(std::variant_size_v<ike::Action> == 10, "route the new action in IkeSide::execute");

void IkeSide::execute(std::vector<ike::Action> actions, const Resume& resume) {
  for (auto& a : actions) {
    if (auto* s = std::get_if<ike::SendPacket>(&a)) host_.send(*s);
    else if (auto* i = std::get_if<ike::InstallChildSa>(&a)) host_.install(*i);
    else if (auto* up = std::get_if<ike::UpdateChildSaPeer>(&a)) host_.update_peer(*up);
    else if (auto* rm = std::get_if<ike::RemoveChildSa>(&a)) host_.remove(*rm);
    else if (auto* rt = std::get_if<ike::RetireChildSa>(&a)) host_.retire(*rt);
    else if (auto* rc = std::get_if<ike::ReleaseConfig>(&a)) host_.release(*rc);
    else if (auto* ev = std::get_if<ike::SessionEvent>(&a)) host_.session(*ev);
    else if (auto* pd = std::get_if<ike::PeerDead>(&a)) host_.peer_dead(*pd);
    else if (auto* w = std::get_if<ike::WorkRequest>(&a)) run_work(std::move(*w), resume);
    else if (auto* pa = std::get_if<ike::PeerAnswered>(&a)) host_.peer_answered(*pa);
  }
  host_.actions_done();
}

// Starts work that answers on the loop through `begin(done)`. The answer
// may come inside begin (nothing to ask): it is then resumed once begin
// returns, so the engine is never re-entered.
template <class Answer, class Begin>
void IkeSide::resume_on_loop(uint64_t id, const Resume& resume, Begin begin) {
  auto inside = std::make_shared<bool>(true);
  auto early = std::make_shared<std::optional<Answer>>();
  begin(std::function<void(Answer)>([this, id, inside, early, resume](Answer a) {
    if (*inside) {
      *early = std::move(a);
      return;
    }
    execute(resume(id, ike::WorkResult(std::move(a))), resume);
  }));
  *inside = false;
  if (*early) execute(resume(id, ike::WorkResult(std::move(**early))), resume);
}

// A key exchange (DhWork) goes to the crypto workers. Otherwise only a
// signer, EAP back end or authorizer that declares itself slow gets here (PKCS#11 comes later; a RADIUS EAP relay answers on the loop);
// the common case is signed or authorized inline by the engine and never
// hops threads. Local authorization must stay inline: it leases from pools
// that only the event loop touches.
void IkeSide::run_work(ike::WorkRequest w, const Resume& resume) {
  // An EAP back end that waits on the network (RADIUS) answers on the loop.
  if (auto* e = std::get_if<ike::EapWork>(&w.work); e && e->conversation && e->conversation->answers_on_loop()) {
    e->conversation->begin_step(e->message, [this, id = w.id, resume](ike::EapStep step) {
      execute(resume(id, ike::WorkResult(std::move(step))), resume);
    });
    return;
  }
  // So does a password checker that asks RADIUS (IKEv1 XAUTH).
  if (auto* p = std::get_if<ike::PasswordWork>(&w.work); p && p->checker && p->checker->answers_on_loop()) {
    p->checker->begin_check(p->user, p->password, [this, id = w.id, resume](ike::PasswordVerdict v) {
      execute(resume(id, ike::WorkResult(std::move(v))), resume);
    });
    return;
  }
  // So do an authorizer that asks RADIUS and a keyring aaa lookup.
  if (auto* a = std::get_if<ike::AuthorizeWork>(&w.work); a && a->authorizer && a->authorizer->answers_on_loop()) {
    resume_on_loop<ike::ConfigDecision>(w.id, resume, [&](auto done) { a->authorizer->begin_authorize(a->query, done); });
    return;
  }
  if (auto* k = std::get_if<ike::PskWork>(&w.work); k && k->source && k->source->answers_on_loop()) {
    resume_on_loop<ike::PeerKeys>(w.id, resume, [&](auto done) { k->source->begin_lookup(k->query, done); });
    return;
  }
  bool cpu = std::holds_alternative<ike::DhWork>(w.work);
  auto job = [this, w = std::move(w), resume]() -> std::function<void()> {
    auto result = std::make_shared<ike::WorkResult>(ike::do_work(w.work));  // blocking, off the loop
    return [this, id = w.id, result, resume] { execute(resume(id, std::move(*result)), resume); };
  };
  if (cpu) host_.compute(std::move(job));
  else host_.off_loop(std::move(job));
}

}  // namespace kg::daemon
