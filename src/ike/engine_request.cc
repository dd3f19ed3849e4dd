// The peer's requests (RFC 7296 §2.2, §2.1): which exchanges it may start in
// the SA's state, the responder's tasks, and the answer. An answer may wait
// for slow work (engine_wait.cc) and an exchange may span several requests
// (TaskStatus::kContinue, IKE_AUTH with EAP): both keep the exchange in
// IkeSa::responding and come back through respond().
#include <algorithm>

#include "common/log.h"
#include "ike/engine_impl.h"
#include "ike/fmt.h"
#include "ike/message.h"
#include "ike/nat_t.h"

namespace kg::ike {
namespace {

bool has_ike_delete(const std::vector<TypedPayload>& in) {
  for (auto& p : in)
    if (auto* d = std::get_if<DeletePayload>(&p.body); d && d->protocol == ProtocolId::kIke) return true;
  return false;
}

bool has_esp_delete(const std::vector<TypedPayload>& in) {
  for (auto& p : in)
    if (auto* d = std::get_if<DeletePayload>(&p.body); d && d->protocol == ProtocolId::kEsp) return true;
  return false;
}

// Which CREATE_CHILD_SA the peer asks for (§1.3): a CHILD_SA rekey carries
// N(REKEY_SA), an IKE SA rekey an SA payload of protocol IKE.
TaskList create_child_sa_tasks(const std::vector<TypedPayload>& in) {
  if (find_notify(in, NotifyType::kRekeySa)) return tasks_of(make_child_rekey_responder());
  if (auto* sa = find_payload<SaPayload>(in, PayloadType::kSa);
      sa && !sa->proposals.empty() && sa->proposals[0].protocol == ProtocolId::kIke)
    return tasks_of(make_ike_rekey(false));
  return tasks_of(make_child_create_new(false));
}

}  // namespace

void EngineImpl::handle_request(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local,
                                const Endpoint& remote, std::vector<Action>& out) {
  const Header& h = m.header;
  bool init = h.exchange == ExchangeType::kIkeSaInit;
  // A retransmission of the peer's last request: resend our cached answer (§2.1),
  // but only once it proves to be genuine (same bytes, or a valid ICV).
  auto genuine = [&] {
    return init ? ByteView(sa.init_request).size() == raw.size() &&
                      std::equal(raw.begin(), raw.end(), sa.init_request.begin())
                : open_inner(sa, m, raw).has_value();
  };
  if (sa.last_response_id && h.message_id == *sa.last_response_id) {
    if (genuine()) {
      stats_.retransmits++;
      send(sa, sa.last_response, out);
    }
    return;
  }
  // A retransmission of the request we are still answering: it gets its one
  // answer when the work we wait for is done (§2.1: never processed twice).
  if (sa.waiting && !sa.waiting->building && sa.responding && h.message_id == sa.responding->request.message_id) {
    if (genuine()) {
      stats_.rx_held_while_waiting++;
      log::debug(fmt("IKEv2: {} retransmitted {} while we wait for a {}; answered when it is done", remote.str(),
                     exchange_name(h.exchange), sa.waiting->what));
    }
    return;
  }
  if (h.message_id != sa.next_peer_request) {
    stats_.rx_dropped_replay++;
    log::debug(fmt("IKEv2: dropped request with message ID {} from {} (expected {})", h.message_id,
                           remote.str(), sa.next_peer_request));
    return;
  }
  std::vector<TypedPayload> in;
  if (init) {
    in = m.payloads;
    sa.init_request.assign(raw.begin(), raw.end());
  } else {
    auto p = open_inner(sa, m, raw);
    if (!p) {
      (p.error().code == Errc::kAuthFailed ? stats_.rx_dropped_auth : stats_.rx_dropped_malformed)++;
      log::debug(fmt("IKEv2: dropped {} from {}: {}", exchange_name(h.exchange), remote.str(),
                             p.error().message));
      return;
    }
    in = std::move(*p);
    sa.last_heard = clock_.now();
  }
  // Which exchanges the peer may start in this state.
  Responding r;
  bool established = sa.state == SaState::kEstablished;
  switch (h.exchange) {
    case ExchangeType::kIkeSaInit:
      r.tasks = tasks_of(make_ike_init(false), make_ike_natd(false), make_ike_auth_caps(),
                         make_ike_fragmentation());
      break;
    case ExchangeType::kIkeAuth:
      // After IKE_SA_INIT, until authentication completes: the first request
      // starts it, later ones continue it (EAP rounds, §2.16).
      if (sa.state != SaState::kConnecting || !sa.keyed()) return;
      if (sa.responding) {
        if (sa.responding->request.exchange != ExchangeType::kIkeAuth) return;
        r = std::move(*sa.responding);
        sa.responding.reset();
      } else {
        r.tasks = tasks_of(make_ike_auth(false), make_ike_config(false), make_child_create(false),
                           make_ike_contact(false));
      }
      break;
    case ExchangeType::kInformational:
      if (!established && sa.state != SaState::kDeleting) return;
      if (has_ike_delete(in)) {
        // §2.25.2: the peer's rekey won a collision we had not resolved yet.
        if (IkeSa* w = sa.collision_spi ? find_sa(sa.collision_spi) : nullptr) hand_over(sa, *w);
        r.tasks = tasks_of(make_ike_delete(false));
      } else if (has_esp_delete(in)) {
        r.tasks = tasks_of(make_child_delete());
      }
      break;  // no tasks: a liveness check, answered empty
    case ExchangeType::kCreateChildSa:
      if (established) r.tasks = create_child_sa_tasks(in);
      else if (sa.state == SaState::kDeleting) r.busy = true;  // §2.25.2: closing it
      else return;
      break;
    default:
      return;
  }
  // Answer where the request came from (§2.11); an established SA whose peer
  // is behind a NAT also moves its CHILD_SAs there (§2.23).
  if (!follow_peer(sa, local, remote, out)) {
    sa.local = local;
    sa.remote = remote;
  }
  r.request = h;
  r.in = std::move(in);
  respond(sa, std::move(r), out);
}

void EngineImpl::respond(IkeSa& sa, Responding r, std::vector<Action>& out) {
  const ExchangeType ex = r.request.exchange;
  const bool init = ex == ExchangeType::kIkeSaInit;
  auto e = env(out);
  bool failed = false, more = false;
  for (; r.at < r.tasks.size(); ++r.at) {
    Task& t = *r.tasks[r.at];
    // In a continued exchange the holding task reads each new request, the
    // tasks after it the first one (which carried their payloads).
    const auto& in = r.at > r.built && !r.first.empty() ? r.first : r.in;
    auto st = t.process_r(sa, e, in);
    if (e.wait) {
      Work w = std::move(*e.wait);
      sa.responding = std::make_unique<Responding>(std::move(r));
      begin_wait(sa, std::move(w), false, out);
      return;
    }
    if (st == TaskStatus::kFailed && t.fatal()) {
      failed = true;
      break;
    }
    if (st == TaskStatus::kContinue) {
      more = true;
      break;
    }
  }
  std::vector<TypedPayload> reply;
  if (failed) {
    r.tasks[r.at]->build_r(sa, e, reply);  // the error notify alone (§2.21)
  } else {
    size_t end = more ? r.at + 1 : r.tasks.size();
    for (size_t i = r.built; i < end; ++i) r.tasks[i]->build_r(sa, e, reply);
  }
  if (r.busy) reply.push_back(notify(NotifyType::kTemporaryFailure));
  if (!send_response(sa, r.request, reply, init && failed, out)) return;

  if (failed && (init || ex == ExchangeType::kIkeAuth)) {
    sa.state = SaState::kDead;
    return;
  }
  if (more) {  // the holding task answers the next request
    r.built = r.at;
    if (r.first.empty()) r.first = std::move(r.in);
    r.in.clear();
    sa.responding = std::make_unique<Responding>(std::move(r));
    return;
  }
  if (ex == ExchangeType::kIkeAuth) {
    half_open_.erase(sa.spi_r);
    on_established(sa, out);
  } else if (ex == ExchangeType::kInformational && has_ike_delete(r.in)) {
    emit_session(sa, e, false);
    sa.state = SaState::kDead;
  }
  if (sa.successor) adopt_successor(sa, false, out);
}

bool EngineImpl::send_response(IkeSa& sa, const Header& request, const std::vector<TypedPayload>& reply,
                               bool refused_init, std::vector<Action>& out) {
  Header rh{.spi_i = sa.spi_i,
            .spi_r = refused_init ? 0 : sa.spi_r,  // no state kept for a refused IKE_SA_INIT
            .exchange = request.exchange,
            .flags = static_cast<uint8_t>(kFlagResponse | (sa.initiator ? kFlagInitiator : 0)),
            .message_id = request.message_id};
  std::vector<Bytes> resp;
  if (request.exchange == ExchangeType::kIkeSaInit) {
    resp.push_back(encode_message(rh, reply));
    sa.init_response = resp.front();
  } else {
    auto p = protect_out(sa, rh, reply);
    if (!p) {
      log::warn(fmt("IKEv2: cannot protect response to {}: {}", sa.remote.str(), p.error().message));
      return false;
    }
    resp = std::move(*p);
  }
  sa.last_response = resp;
  sa.last_response_id = request.message_id;
  sa.next_peer_request++;
  send(sa, resp, out);
  return true;
}

}  // namespace kg::ike
