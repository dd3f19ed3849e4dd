#include "ike/engine_impl.h"

#include <algorithm>
#include "ike/fmt.h"

#include "common/log.h"
#include "crypto/algorithms.h"
#include "ike/lifetime.h"
#include "ike/auth_local.h"
#include "ike/message.h"
#include "ike/nat_t.h"

namespace kg::ike {

std::unique_ptr<Engine> Engine::create(const PolicyProvider& policy, const Clock& clock, Random& rng,
                                       EngineOptions options) {
  return std::make_unique<EngineImpl>(policy, clock, rng, options);
}

void EngineImpl::send(IkeSa& sa, Bytes data, std::vector<Action>& out) {
  stats_.tx_packets++;
  out.push_back(SendPacket{sa.local, sa.remote, std::move(data)});
}

void EngineImpl::send(IkeSa& sa, const std::vector<Bytes>& datagrams, std::vector<Action>& out) {
  if (datagrams.size() > 1) stats_.frag_tx += datagrams.size();
  for (auto& d : datagrams) send(sa, d, out);
}

// Responder SAs that left the half-open state in ways the driver did not
// record (robustness; the set is bounded by max-in-negotiation-sa).
void EngineImpl::prune_half_open() {
  std::erase_if(half_open_, [this](uint64_t spi) {
    auto it = sas_.find(spi);
    return it == sas_.end() || it->second->state != SaState::kConnecting;
  });
}

// Decode first (RFC 7296 §2.5 rules live in parse_message), then find the SA.
std::vector<Action> EngineImpl::on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) {
  std::vector<Action> out;
  stats_.rx_packets++;
  auto m = parse_message(data);
  if (!m) {
    stats_.rx_dropped_malformed++;
    log::debug(fmt("IKEv2: dropped malformed packet from {}: {}", remote.str(), m.error().message));
    return out;
  }
  IkeSa* sa = lookup(*m, local, remote, out);
  if (!sa) return out;
  if (!m->payloads.empty() && m->payloads.back().type == PayloadType::kSkf)
    on_fragment(*sa, *m, data, local, remote, out);
  else if (m->header.is_response())
    handle_response(*sa, *m, data, local, remote, out);
  else
    handle_request(*sa, *m, data, local, remote, out);
  touch(*sa);
  settle(out);
  return out;
}

IkeSa* EngineImpl::lookup(const Message& m, const Endpoint& local, const Endpoint& remote,
                          std::vector<Action>& out) {
  const Header& h = m.header;
  if (h.exchange == ExchangeType::kIkeSaInit && !h.is_response()) {
    if (!h.is_initiator() || h.spi_r != 0 || h.spi_i == 0) {
      stats_.rx_dropped_malformed++;
      return nullptr;
    }
    // A retransmitted IKE_SA_INIT finds its half-open SA (§2.1).
    if (auto it = responders_.find({h.spi_i, remote.addr}); it != responders_.end())
      if (auto s = sas_.find(it->second); s != sas_.end()) return s->second.get();
    return admit(m, local, remote, out) ? new_responder(h, local, remote) : nullptr;
  }
  // The I flag says who sent it: from the original initiator, our SPI is SPIr.
  uint64_t ours = h.is_initiator() ? h.spi_r : h.spi_i;
  auto it = sas_.find(ours);
  if (it == sas_.end() || it->second->initiator == h.is_initiator() ||
      (h.is_initiator() && it->second->spi_i != h.spi_i) ||
      (!h.is_initiator() && it->second->spi_r != 0 && it->second->spi_r != h.spi_r &&
       h.exchange != ExchangeType::kIkeSaInit)) {
    stats_.rx_dropped_unknown_sa++;
    log::debug(fmt("IKEv2: no IKE SA for {:016x}/{:016x} from {}", h.spi_i, h.spi_r, remote.str()));
    return nullptr;
  }
  return it->second.get();
}

// RFC 7296 §2.6 and IOS call admission, before any state or Diffie-Hellman:
// a flood of spoofed IKE_SA_INIT costs one HMAC and one small reply each.
bool EngineImpl::admit(const Message& m, const Endpoint& local, const Endpoint& remote,
                       std::vector<Action>& out) {
  IncomingInit in;
  in.from = remote.addr;
  in.spi_i = m.header.spi_i;
  if (auto* n = find_payload<NoncePayload>(m.payloads, PayloadType::kNonce)) in.ni = n->data;
  in.cookie = find_notify(m.payloads, NotifyType::kCookie);
  in.half_open = half_open_.size();
  in.total = sas_.size();
  Bytes cookie;
  switch (admission_.incoming(policy_.limits(), in, stats_, cookie)) {
    case Admission::kAccept:
      return true;
    case Admission::kDrop:
      return false;
    case Admission::kSendCookie: {
      // <-- IKE_SA_INIT { N(COOKIE) }, SPIr zero: we keep nothing (§2.6).
      Header rh{.spi_i = m.header.spi_i,
                .spi_r = 0,
                .exchange = ExchangeType::kIkeSaInit,
                .flags = kFlagResponse,
                .message_id = 0};
      stats_.tx_packets++;
      out.push_back(SendPacket{local, remote, encode_message(rh, {notify(NotifyType::kCookie, std::move(cookie))})});
      return false;
    }
  }
  return false;
}

IkeSa* EngineImpl::new_responder(const Header& h, const Endpoint& local, const Endpoint& remote) {
  auto sa = std::make_unique<IkeSa>();
  sa->initiator = false;
  sa->tunnel_id = next_tunnel_id_++;
  sa->spi_i = h.spi_i;
  do sa->spi_r = rng_.u64();
  while (sa->spi_r == 0 || sas_.contains(sa->spi_r));
  sa->local = local;
  sa->remote = remote;
  sa->remote_init = remote;
  sa->created = clock_.now();
  sa->ike_cfg = configs_.share(policy_.ike_proposals(local.addr));
  auto* raw = sa.get();
  responders_[{h.spi_i, remote.addr}] = sa->spi_r;
  half_open_.insert(sa->spi_r);
  sas_.emplace(sa->spi_r, std::move(sa));
  return raw;
}

// IKE_AUTH done, either role: timers, session up, stale SAs of a peer that
// sent INITIAL_CONTACT, and a crossing initiation of the same tunnel.
void EngineImpl::on_established(IkeSa& sa, std::vector<Action>& out) {
  auto e = env(out);
  sa.state = SaState::kEstablished;
  sa.created_before = next_tunnel_id_;
  sa.forget_handshake();
  arm_ike(sa, clock_.now(), rng_);
  emit_session(sa, e, true);
  delete_stale(sa, out);
  settle_crossing(sa, out);
}

void EngineImpl::handle_response(IkeSa& sa, const Message& m, ByteView raw, const Endpoint& local,
                                 const Endpoint& remote, std::vector<Action>& out) {
  const Header& h = m.header;
  if (!sa.outstanding_id || h.message_id != *sa.outstanding_id || h.exchange != sa.active_exchange) {
    stats_.rx_dropped_replay++;
    return;  // not an answer to the request in flight
  }
  std::vector<TypedPayload> in;
  bool init = h.exchange == ExchangeType::kIkeSaInit;
  if (init && sa.probe) {  // any answer will do: the responder is there
    out.push_back(PeerAnswered{sa.probe, remote});
    sa.state = SaState::kDead;
    touch(sa);
    return;
  }
  if (init) {
    in = m.payloads;
    sa.spi_r = h.spi_r;
  } else {
    auto p = open_inner(sa, m, raw);
    if (!p) {
      (p.error().code == Errc::kAuthFailed ? stats_.rx_dropped_auth : stats_.rx_dropped_malformed)++;
      return;
    }
    in = std::move(*p);
    sa.last_heard = clock_.now();
    follow_peer(sa, local, remote, out);  // authenticated and expected: §2.23
  }
  sa.outstanding_id.reset();
  sa.outstanding.clear();
  // The request is answered: the next one takes the next ID, even a Delete
  // sent because this exchange failed (§2.2). A retried IKE_SA_INIT resets it.
  sa.next_request_id = h.message_id + 1;
  auto e = env(out);
  TaskStatus result = TaskStatus::kDone;
  bool child_failed = false;
  for (size_t i = sa.active_from; i < sa.active.size(); ++i) {
    auto& t = sa.active[i];
    auto st = t->process_i(sa, e, in);
    if (e.wait) {  // no task waits while processing a response (yet)
      log::error(fmt("IKEv2: {} cannot wait while processing a response", t->name()));
      st = TaskStatus::kFailed;
      e.wait.reset();
    }
    if (st == TaskStatus::kContinue) {
      // Another round trip of this exchange (EAP, §2.16), built by this task.
      continue_exchange(sa, i, out);
      return;
    }
    if (st == TaskStatus::kRetry || (st == TaskStatus::kFailed && t->fatal())) {
      result = st;
      break;
    }
    child_failed |= st == TaskStatus::kFailed && std::string_view(t->name()) == "CHILD_CREATE";
  }
  if (result == TaskStatus::kRetry && init) {
    // §1.3, §2.6: start over with message ID 0 and no responder SPI.
    sa.spi_r = 0;
    sa.next_request_id = 0;
    TaskList again = std::move(sa.active);
    start(sa, ExchangeType::kIkeSaInit, std::move(again), out);
    return;
  }
  if (result == TaskStatus::kRetry) {
    // §1.3: INVALID_KE_PAYLOAD in CREATE_CHILD_SA: the same request again,
    // with the group asked for, as a new exchange (next message ID).
    TaskList again = std::move(sa.active);
    start(sa, h.exchange, std::move(again), out);
    return;
  }
  if (result != TaskStatus::kDone) {
    // The responder keeps an IKE SA it authenticated; tell it to drop it.
    bool peer_has_sa = h.exchange == ExchangeType::kIkeAuth && !find_notify(in, NotifyType::kAuthenticationFailed);
    fail_sa(sa, out, peer_has_sa);
    return;
  }
  if (init) sa.init_response.assign(raw.begin(), raw.end());
  // An IKE SA that could not get a CHILD_SA goes too: the next attempt
  // starts over with IKE_SA_INIT (which carries the CHILD_SA in IKE_AUTH).
  if (child_failed && h.exchange == ExchangeType::kCreateChildSa && sa.children.empty() &&
      sa.state == SaState::kEstablished) {
    sa.active.clear();
    begin_delete(sa, out);
    return;
  }
  finish_exchange(sa, h.exchange, out);
}

void EngineImpl::finish_exchange(IkeSa& sa, ExchangeType ex, std::vector<Action>& out) {
  bool was_delete = in_flight(sa, "IKE_DELETE");
  bool was_dpd = in_flight(sa, "IKE_DPD");
  sa.active.clear();
  if (ex == ExchangeType::kIkeAuth) {
    on_established(sa, out);
  } else if (ex == ExchangeType::kInformational && was_delete) {
    sa.state = SaState::kDead;
    return;
  }
  if (was_dpd && sa.profile && sa.profile->dpd.interval_s)
    sa.dpd_at = clock_.now() + Millis(uint64_t(sa.profile->dpd.interval_s) * 1000);
  if (sa.successor) adopt_successor(sa, true, out);
  start_next(sa, out);
}

void EngineImpl::start_next(IkeSa& sa, std::vector<Action>& out) {
  while (!sa.outstanding_id && !sa.building && !sa.queued.empty()) {
    auto next = std::move(sa.queued.front());
    sa.queued.pop_front();
    if (next.empty() || std::any_of(next.begin(), next.end(), [&](auto& t) { return t->obsolete(sa); })) continue;
    ExchangeType ex = next.front()->exchange();
    if (std::string_view(next.front()->name()) == "IKE_AUTH") {
      ex = ExchangeType::kIkeAuth;
      float_if_natted(sa);  // RFC 7296 §2.23: to 4500 when a NAT was detected
    }
    start(sa, ex, std::move(next), out);
  }
}

void EngineImpl::start(IkeSa& sa, ExchangeType ex, TaskList tasks, std::vector<Action>& out) {
  Building b;
  b.exchange = ex;
  b.end = tasks.size();
  b.tasks = std::move(tasks);
  build(sa, std::move(b), out);
}

void EngineImpl::continue_exchange(IkeSa& sa, size_t at, std::vector<Action>& out) {
  Building b;
  b.exchange = sa.active_exchange;
  b.tasks = std::move(sa.active);
  b.from = b.at = at;
  b.end = at + 1;
  build(sa, std::move(b), out);
}

void EngineImpl::build(IkeSa& sa, Building b, std::vector<Action>& out) {
  const ExchangeType ex = b.exchange;
  auto e = env(out);
  for (; b.at < b.end; ++b.at) {
    auto r = b.tasks[b.at]->build_i(sa, e, b.payloads);
    if (!r) {
      log::warn(fmt("IKEv2: cannot build {} for {}: {}", exchange_name(ex), sa.remote.str(), r.error().message));
      fail_sa(sa, out, false);
      return;
    }
    if (e.wait) {
      Work w = std::move(*e.wait);
      sa.building = std::make_unique<Building>(std::move(b));
      begin_wait(sa, std::move(w), true, out);
      return;
    }
  }
  Header h{.spi_i = sa.spi_i,
           .spi_r = sa.spi_r,
           .exchange = ex,
           .flags = static_cast<uint8_t>(sa.initiator ? kFlagInitiator : 0),
           .message_id = sa.next_request_id};
  std::vector<Bytes> msg;
  if (ex == ExchangeType::kIkeSaInit) {
    msg.push_back(encode_message(h, b.payloads));
    sa.init_request = msg.front();
  } else {
    auto p = protect_out(sa, h, b.payloads);
    if (!p) {
      log::warn(fmt("IKEv2: cannot protect {} for {}: {}", exchange_name(ex), sa.remote.str(), p.error().message));
      fail_sa(sa, out, false);
      return;
    }
    msg = std::move(*p);
  }
  sa.active = std::move(b.tasks);
  sa.active_from = b.from;
  sa.active_exchange = ex;
  sa.outstanding = msg;
  sa.outstanding_id = h.message_id;
  sa.tries = 1;
  sa.backoff = kFirstRetransmit;
  // DPD retransmits at the configured retry interval, without backoff.
  if (in_flight(sa, "IKE_DPD") && sa.profile) sa.backoff = Millis(uint64_t(sa.profile->dpd.retry_s) * 1000);
  sa.retransmit_at = clock_.now() + sa.backoff;
  send(sa, sa.outstanding, out);
}

// Tear the SA down locally; optionally a one-shot Delete to the peer.
void EngineImpl::fail_sa(IkeSa& sa, std::vector<Action>& out, bool notify_peer) {
  auto e = env(out);
  if (notify_peer && sa.keyed()) {
    Header h{.spi_i = sa.spi_i,
             .spi_r = sa.spi_r,
             .exchange = ExchangeType::kInformational,
             .flags = static_cast<uint8_t>(sa.initiator ? kFlagInitiator : 0),
             .message_id = sa.next_request_id};
    std::vector<TypedPayload> d{{PayloadType::kDelete, DeletePayload{ProtocolId::kIke, 0, {}}}};
    if (auto p = protect(sa, h, d, rng_)) send(sa, std::move(*p), out);
  }
  emit_remove_children(sa, e);
  emit_session(sa, e, false);
  sa.state = SaState::kDead;
}

// Delete the IKE SA and its children, telling the peer (after any exchange
// in flight): INFORMATIONAL { D(IKE) } -->
void EngineImpl::begin_delete(IkeSa& sa, std::vector<Action>& out) {
  auto e = env(out);
  emit_remove_children(sa, e);
  emit_session(sa, e, false);
  sa.state = SaState::kDeleting;
  sa.queued.clear();
  sa.queued.push_back(tasks_of(make_ike_delete(true)));
  start_next(sa, out);
}

void EngineImpl::retransmit_or_give_up(IkeSa& sa, TimePoint now, std::vector<Action>& out) {
  if (sa.tries >= kMaxTries) {
    if (sa.state == SaState::kEstablished) {
      peer_dead(sa, out);
      return;
    }
    if (sa.probe) log::debug(fmt("IKEv2: probe to {} not answered", sa.remote.str()));
    else
      log::warn(fmt("IKEv2: {} did not answer {} after {} tries; IKE SA deleted", sa.remote.str(),
                    exchange_name(sa.active_exchange), sa.tries));
    fail_sa(sa, out, false);
    return;
  }
  sa.tries++;
  if (!in_flight(sa, "IKE_DPD")) sa.backoff *= 2;
  sa.retransmit_at = now + sa.backoff;
  stats_.retransmits++;
  send(sa, sa.outstanding, out);
}

std::vector<Action> EngineImpl::initiate(const InitiateRequest& req) {
  std::vector<Action> out;
  bool peer_known = peers_.contains(req.remote.addr);
  auto [first, last] = by_interface_.equal_range(req.child.interface);
  for (auto ix = first; ix != last; ++ix) {
    IkeSa* sa = find_sa(ix->second);
    if (!sa || sa->state == SaState::kDead || sa->interface() != req.child.interface) continue;
    // Up, but its CHILD_SA is gone (deleted or expired): a new one (§1.3.1).
    if (sa->state == SaState::kEstablished && sa->children.empty() && !sa->outstanding_id && sa->queued.empty()) {
      log::info(fmt("IKEv2: {}: IKE SA with {} has no CHILD_SA; creating one", req.child.interface,
                    sa->remote.str()));
      sa->child_cfg = configs_.share(req.child);
      sa->queued.push_back(tasks_of(make_child_create_new(true)));
      start_next(*sa, out);
      touch(*sa);
      settle(out);
    }
    return out;
  }
  if (!admission_.outgoing(policy_.limits(), negotiating_out_, sas_.size(), stats_)) return out;
  auto profile = policy_.profile_by_name(req.profile, req.remote.addr);
  if (!profile) {
    log::warn(fmt("IKEv2: {}: not initiating: crypto ikev2 profile {} is not configured (the ipsec profile's "
                  "set ikev2-profile names it)",
                  req.child.interface, req.profile));
    return out;
  }
  if (auto ready = local_auth_ready(*profile); !ready) {
    log::warn(fmt("IKEv2: {}: not initiating: {}", req.child.interface, ready.error().message));
    return out;
  }
  // The peer can only use a pre-shared key, and we have none to check it.
  if (profile->remote_auth == AuthMethods(AuthKind::kPsk) && profile->remote_psk.empty() && !profile->aaa_keys) {
    log::warn(fmt("IKEv2: {}: not initiating: profile {}: no remote pre-shared key{}", req.child.interface,
                  profile->name, profile->psk_missing.empty() ? std::string() : ": " + profile->psk_missing));
    return out;
  }
  auto sa = std::make_unique<IkeSa>();
  sa->initiator = true;
  sa->tunnel_id = next_tunnel_id_++;
  do sa->spi_i = rng_.u64();
  while (sa->spi_i == 0 || sas_.contains(sa->spi_i));
  sa->local = req.local;
  sa->remote = req.remote;
  sa->created = clock_.now();
  sa->ike_cfg = configs_.share(policy_.ike_proposals(req.local.addr));
  sa->profile = configs_.share(std::move(profile));
  sa->child_cfg = configs_.share(req.child);
  if (sa->ike_cfg.empty()) {
    log::warn(fmt("IKEv2: {}: no ikev2 proposal for local address {}", req.child.interface,
                          req.local.addr.str()));
    return out;
  }
  sa->send_initial_contact = !peer_known;  // §2.4: our only IKE SA with this peer
  sa->queued.push_back(
      tasks_of(make_ike_auth(true), make_ike_config(true), make_child_create(true), make_ike_contact(true)));
  auto* raw = sa.get();
  sas_.emplace(sa->spi_i, std::move(sa));
  // IKE_SA_INIT { SA KE Ni N(NATD_S) N(NATD_D) } -->
  start(*raw, ExchangeType::kIkeSaInit, tasks_of(make_ike_init(true), make_ike_natd(true), make_ike_auth_caps(),
                                                       make_ike_fragmentation()), out);
  touch(*raw);
  settle(out);
  return out;
}

std::vector<Action> EngineImpl::probe(uint64_t id, const Endpoint& local, const Endpoint& remote) {
  std::vector<Action> out;
  if (id == 0 || !admission_.outgoing(policy_.limits(), negotiating_out_, sas_.size(), stats_)) return out;
  auto sa = std::make_unique<IkeSa>();
  sa->initiator = true;
  sa->probe = id;
  do sa->spi_i = rng_.u64();
  while (sa->spi_i == 0 || sas_.contains(sa->spi_i));
  sa->local = local;
  sa->remote = remote;
  sa->created = clock_.now();
  sa->ike_cfg = configs_.share(policy_.ike_proposals(local.addr));
  if (sa->ike_cfg.empty()) return out;
  auto* raw = sa.get();
  sas_.emplace(sa->spi_i, std::move(sa));
  // IKE_SA_INIT { SA KE Ni N(NATD_S) N(NATD_D) } -->, and nothing after it.
  start(*raw, ExchangeType::kIkeSaInit, tasks_of(make_ike_init(true), make_ike_natd(true)), out);
  touch(*raw);
  settle(out);
  return out;
}

std::vector<Action> EngineImpl::peer_moved(uint32_t spi_in, const Endpoint& remote) {
  std::vector<Action> out;
  for (auto& [spi, sa] : sas_) {
    if (sa->state != SaState::kEstablished) continue;
    for (auto& c : sa->children)
      if (c.sa.spi_in == spi_in) {
        follow_peer(*sa, {c.sa.local.addr, sa->local.port}, remote, out);
        return out;
      }
  }
  return out;
}

std::vector<Action> EngineImpl::delete_sessions(const std::string& interface) {
  std::vector<Action> out;
  for (auto& [spi, sa] : sas_) {
    if (sa->state == SaState::kDead || sa->state == SaState::kDeleting) continue;
    if (!interface.empty() && sa->interface() != interface) continue;
    touch(*sa);
    if (sa->state != SaState::kEstablished) {
      fail_sa(*sa, out, false);
      continue;
    }
    begin_delete(*sa, out);
  }
  settle(out);
  return out;
}

std::vector<Action> EngineImpl::delete_sessions_signed_with(const std::set<std::string>& trustpoints) {
  std::vector<Action> out;
  for (auto& [spi, sa] : sas_) {
    if (sa->state == SaState::kDead || sa->state == SaState::kDeleting) continue;
    if (sa->auth.local_trustpoint.empty() || !trustpoints.contains(sa->auth.local_trustpoint)) continue;
    touch(*sa);
    if (sa->state != SaState::kEstablished) {
      fail_sa(*sa, out, false);
      continue;
    }
    begin_delete(*sa, out);
  }
  settle(out);
  return out;
}

std::vector<Action> EngineImpl::delete_sessions_to(const Endpoint& remote) {
  std::vector<Action> out;
  for (auto& [spi, sa] : sas_) {
    if (sa->state == SaState::kDead || sa->state == SaState::kDeleting || sa->probe) continue;
    if (sa->remote != remote) continue;
    touch(*sa);
    if (sa->state != SaState::kEstablished) {
      fail_sa(*sa, out, false);
      continue;
    }
    begin_delete(*sa, out);
  }
  settle(out);
  return out;
}

std::vector<IkeSaInfo> EngineImpl::sas() const {
  std::vector<IkeSaInfo> v;
  auto now = clock_.now();
  for (auto& [spi, sa] : sas_) {
    if (sa->probe) continue;  // no SA to show: a question to a peer
    IkeSaInfo i;
    i.tunnel_id = sa->tunnel_id;
    i.local = sa->local;
    i.remote = sa->remote;
    i.spi_i = sa->spi_i;
    i.spi_r = sa->spi_r;
    i.initiator = sa->initiator;
    i.state = sa->state == SaState::kEstablished ? "READY" : sa->state == SaState::kDeleting ? "DELETE" : "IN-NEG";
    if (sa->waiting) i.waiting_for = sa->waiting->what;
    i.encr = encr_name(sa->suite.cipher.encr);
    const crypto::EncrAlgorithm* encr = sa->suite.cipher.algorithm();
    i.key_bits = encr ? uint16_t(encr->key_size * 8) : sa->suite.cipher.key_bits;
    i.prf = prf_name(sa->suite.prf);
    i.integ = integ_name(sa->suite.cipher.integ);
    i.dh_group = static_cast<uint16_t>(sa->suite.group);
    i.local_auth = sa->auth.local_method;
    i.local_trustpoint = sa->auth.local_trustpoint;
    i.remote_auth = sa->auth.remote_method;
    if (sa->profile) {
      i.local_id = local_identity(*sa->profile, sa->local.addr).str();
      i.lifetime_s = sa->profile->ike_lifetime_s;
      i.dpd = sa->profile->dpd;
    }
    i.rekeys = sa->rekeys;
    i.expire_in_s = seconds_until(sa->expire_at, now);
    for (auto& c : sa->children) {
      static const char* const kStates[] = {"INSTALLED", "REKEYING", "REKEYED", "DELETING"};
      i.children.push_back({c.sa.spi_in, c.sa.spi_out, kStates[int(c.state)], c.rekeys,
                            seconds_until(c.rekey_at, now), seconds_until(c.expire_at, now), c.sa.lifetime_kb});
    }
    i.remote_id = sa->remote_id.str();
    i.interface = sa->interface();
    i.age_s = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now - sa->created).count());
    for (auto& c : sa->children) i.child_spis_in.push_back(c.sa.spi_in);
    i.next_request_id = sa->next_request_id;
    i.next_peer_request = sa->next_peer_request;
    i.queued_requests = sa->queued.size();
    i.nat_local = sa->nat_local;
    i.nat_remote = sa->nat_remote;
    i.fragmentation = sa->frag.enabled;
    v.push_back(std::move(i));
  }
  return v;
}

std::vector<IkeSaKeys> EngineImpl::sa_keys() const {
  std::vector<IkeSaKeys> v;
  for (auto& [spi, sa] : sas_) {
    if (sa->state != SaState::kEstablished || !sa->keyed()) continue;
    v.push_back({sa->spi_i, sa->spi_r, sa->local, sa->remote, sa->initiator, sa->suite.cipher, sa->sk_kept.sk_ei,
                 sa->sk_kept.sk_er, sa->sk_kept.sk_ai, sa->sk_kept.sk_ar});
  }
  return v;
}

std::vector<NatKeepaliveTarget> EngineImpl::behind_nat() const {
  std::vector<NatKeepaliveTarget> v;
  for (auto& [spi, sa] : sas_) {
    if (sa->probe || sa->state != SaState::kEstablished || !sa->nat_local || sa->children.empty()) continue;
    NatKeepaliveTarget t{sa->spi_i, sa->local, sa->remote, {}};
    for (auto& c : sa->children) t.child_spis_in.push_back(c.sa.spi_in);
    v.push_back(std::move(t));
  }
  return v;
}

}  // namespace kg::ike
