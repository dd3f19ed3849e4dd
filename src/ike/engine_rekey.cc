// EngineImpl, part 3: adopting the IKE SA a rekey created (RFC 7296 §2.18),
// simultaneous IKE SA rekeys (§2.8.1, §2.25.2), INITIAL_CONTACT (§2.4), and
// two IKE SAs of one tunnel that crossed when both ends initiated it.
//
// Without a collision the new SA takes over the CHILD_SAs, the queued
// requests and the session at once; the rekey initiator then deletes the old
// SA, the responder waits for that Delete. When both peers rekey at once,
// each answers the other's request (the SA it creates waits, recorded in
// collision_spi) and, once its own exchange completes, keeps the new SA
// whose exchange did not have the lowest of the four nonces: the initiator
// of the losing exchange deletes the redundant new SA, the initiator of the
// winning one deletes the old SA.
#include "common/log.h"
#include "ike/engine_impl.h"
#include "ike/fmt.h"
#include "ike/lifetime.h"

namespace kg::ike {
namespace {

TaskList one(std::unique_ptr<Task> t) {
  TaskList l;
  l.push_back(std::move(t));
  return l;
}

uint64_t our_spi(const IkeSa& sa) { return sa.initiator ? sa.spi_i : sa.spi_r; }

ByteView lowest(const IkeSa& sa) { return nonce_less(sa.ni, sa.nr) ? ByteView(sa.ni) : ByteView(sa.nr); }

}  // namespace

IkeSa* EngineImpl::find_sa(uint64_t spi) {
  auto it = sas_.find(spi);
  return it == sas_.end() || it->second->state == SaState::kDead ? nullptr : it->second.get();
}

// CHILD_SAs, queued requests, the session and the configuration-exchange
// lease move to the new IKE SA. A queued
// IKE rekey or DPD belonged to the old SA; the new one has its own timers.
void EngineImpl::hand_over(IkeSa& from, IkeSa& to) {
  touch(from);
  touch(to);
  for (auto& c : from.children) to.children.push_back(std::move(c));
  from.children.clear();
  while (!from.queued.empty()) {
    auto t = std::move(from.queued.front());
    from.queued.pop_front();
    std::string_view n = t.empty() ? "" : t.front()->name();
    if (n != "IKE_REKEY" && n != "IKE_DPD") to.queued.push_back(std::move(t));
  }
  to.session_up = from.session_up;
  // The rekeyed SA rests on the same authentication (a token's key going
  // away takes it too: delete_sessions_signed_with).
  to.auth.local_method = from.auth.local_method;
  to.auth.local_trustpoint = from.auth.local_trustpoint;
  from.session_up = false;
  // The configuration exchange's outcome and its address lease (§2.19).
  to.config = std::move(from.config);
  to.config_blocks_child = from.config_blocks_child;
  from.config = {};
  from.collision_spi = 0;
  log::info(fmt("IKEv2: IKE SA with {} rekeyed: SPIs {:016x}/{:016x} -> {:016x}/{:016x}", from.remote.str(),
                from.spi_i, from.spi_r, to.spi_i, to.spi_r));
}

void EngineImpl::adopt_successor(IkeSa& old, bool we_initiated, std::vector<Action>& out) {
  std::unique_ptr<IkeSa> n = std::move(old.successor);
  uint64_t key = our_spi(*n);
  if (sas_.contains(key)) {
    log::error("IKEv2: rekeyed IKE SA has an SPI already in use; dropped");
    return;
  }
  IkeSa* fresh = n.get();
  sas_.emplace(key, std::move(n));
  touch(*fresh);
  touch(old);
  stats_.ike_rekeys++;
  if (!we_initiated && in_flight(old, "IKE_REKEY")) {
    // The peer's rekey crossed ours: decide when ours completes.
    log::info(fmt("IKEv2: {} rekeys the IKE SA while our rekey is in flight (simultaneous rekey)", old.remote.str()));
    old.collision_spi = key;
    return;
  }
  IkeSa* theirs = we_initiated && old.collision_spi ? find_sa(old.collision_spi) : nullptr;
  if (theirs) {
    stats_.rekey_collisions++;
    bool ours_lost = nonce_less(lowest(*fresh), lowest(*theirs));
    fresh->forget_handshake();  // the nonces decided it
    theirs->forget_handshake();
    IkeSa& winner = ours_lost ? *theirs : *fresh;
    IkeSa& loser = ours_lost ? *fresh : *theirs;
    log::info(fmt("IKEv2: simultaneous IKE SA rekey with {}: the {} rekey has the lowest nonce and is redundant",
                  old.remote.str(), ours_lost ? "local" : "peer's"));
    hand_over(old, winner);
    loser.state = SaState::kDeleting;
    old.state = SaState::kDeleting;
    if (ours_lost) {
      loser.queued.push_back(one(make_ike_delete(true)));  // ours: we delete it
      start_next(loser, out);
      old.reap_at = clock_.now() + kReapAfter;  // the peer deletes the old one
    } else {
      loser.reap_at = clock_.now() + kReapAfter;  // the peer deletes its redundant one
      old.queued.push_back(one(make_ike_delete(true)));
      start_next(old, out);
    }
    start_next(winner, out);
    return;
  }
  hand_over(old, *fresh);
  fresh->forget_handshake();  // no collision to decide with its nonces
  old.state = SaState::kDeleting;
  if (we_initiated) {
    // §2.18: the Delete is the last request on the old SA.
    old.queued.push_back(one(make_ike_delete(true)));
    start_next(old, out);
  } else {
    old.reap_at = clock_.now() + kReapAfter;
  }
  start_next(*fresh, out);
}

namespace {

// Started from nothing (no other SA with the peer), so with INITIAL_CONTACT.
bool fresh_start(const IkeSa& x) { return x.initiator ? x.send_initial_contact : x.peer_initial_contact; }

}  // namespace

// One tunnel's two SAs, one started by each end.
bool EngineImpl::same_tunnel_from_both_ends(const IkeSa& sa, const IkeSa& other) const {
  return other.initiator != sa.initiator && other.remote.addr == sa.remote.addr && other.remote_id == sa.remote_id &&
         !sa.interface().empty() && other.interface() == sa.interface() && other.profile && sa.profile &&
         other.profile->name == sa.profile->name;
}

// Two SAs of one tunnel that both ends started at once: at least one from
// nothing (an end whose initiation began just after the peer's IKE_SA_INIT
// reached it sends no INITIAL_CONTACT: the peer was known), the other
// finished only after `sa` had begun.
bool EngineImpl::crossed(const IkeSa& sa, const IkeSa& other) const {
  return same_tunnel_from_both_ends(sa, other) && (fresh_start(sa) || fresh_start(other)) &&
         other.created_before > sa.tunnel_id;
}

// §2.4: the peer says this is its only IKE SA with us; older ones with the
// same identities are stale (it rebooted). They go without a Delete: the
// peer no longer knows them.
// Unless they may be the other half of a crossing that only the peer saw:
// its IKE_SA_INIT came late (lost once, reordered), so here its SA began
// after ours was up, while the peer began it before ours reached it. The
// peer then settles the crossing (settle_crossing) and deletes one of the
// two; had we dropped ours at once, it could be the one the peer keeps. So
// an SA of ours on the same tunnel goes only if the peer has deleted
// neither within kStaleGrace (service()); traffic takes the new SA
// meanwhile. A peer that really rebooted knows nothing to delete.
void EngineImpl::delete_stale(IkeSa& sa, std::vector<Action>& out) {
  if (!sa.peer_initial_contact) return;
  auto e = env(out);
  for (auto& [spi, other] : sas_) {
    if (other.get() == &sa || other->state == SaState::kDead || other->state == SaState::kConnecting) continue;
    if (crossed(sa, *other)) continue;  // not stale: settle_crossing decides
    if (other->remote_id != sa.remote_id || !other->profile || !sa.profile ||
        other->profile->name != sa.profile->name)
      continue;
    if (other->state == SaState::kEstablished && same_tunnel_from_both_ends(sa, *other)) {
      log::info(fmt("IKEv2: INITIAL_CONTACT from {} Id: {}: IKE SA {:016x}/{:016x} goes in {} s unless the peer "
                    "settles a crossing",
                    sa.remote.str(), sa.remote_id.str(), other->spi_i, other->spi_r, kStaleGrace.count() / 1000));
      other->reap_at = std::min(other->reap_at, clock_.now() + kStaleGrace);
      other->stale_of = our_spi(sa);
      continue;
    }
    log_stale(*other);
    emit_remove_children(*other, e);
    emit_session(*other, e, false);
    other->state = SaState::kDead;
    touch(*other);
  }
}

void EngineImpl::log_stale(const IkeSa& sa) const {
  log::info(fmt("IKEv2: INITIAL_CONTACT from {} Id: {}: deleting stale IKE SA {:016x}/{:016x}", sa.remote.str(),
                sa.remote_id.str(), sa.spi_i, sa.spi_r));
}

// Both ends started the same tunnel at once, as after an outage that took
// both ends' SAs: the two IKE SAs cross, and INITIAL_CONTACT cannot help
// (each arrived while the other SA was still connecting). Two IKE SAs now
// serve one interface. Both ends keep the one with the lower initiator SPI,
// so they agree without a message: the SPIs are the one thing both ends see
// alike (addresses are not, through a NAT or a relay, where each end may
// see itself as the lower one). Each deletes the other SA (§2.25.2: a
// Delete that meets the peer's own is answered as usual), so that a peer
// that keeps both (strongSwan does) is told too.
// Only an SA we initiated, or one started from nothing, looks: a hub's
// sessions (many on one Virtual-Template) are the peers' SAs, and the end
// that sent INITIAL_CONTACT always looks.
void EngineImpl::settle_crossing(IkeSa& sa, std::vector<Action>& out) {
  if ((!sa.initiator && !fresh_start(sa)) || sa.interface().empty()) return;
  auto [first, last] = by_interface_.equal_range(sa.interface());
  for (auto ix = first; ix != last; ++ix) {
    IkeSa* o = find_sa(ix->second);
    if (!o || o == &sa || o->state != SaState::kEstablished || !crossed(sa, *o)) continue;
    IkeSa& other = *o;
    IkeSa& loser = sa.spi_i < other.spi_i ? other : sa;
    log::info(fmt("IKEv2: crossing IKE SA with {} Id: {} on {}: keeping the one {} initiated, deleting "
                  "{:016x}/{:016x}",
                  sa.remote.str(), sa.remote_id.str(), sa.interface(), loser.initiator ? "the peer" : "we",
                  loser.spi_i, loser.spi_r));
    begin_delete(loser, out);
    touch(loser);
    return;
  }
}

}  // namespace kg::ike
