// Timers and indexes of the exchange driver, so that no event costs a scan of
// all IKE SAs (a responder holds 100,000 of them):
//  - each SA's next deadline (sa_deadline: retransmission, half-open timeout,
//    and lifetime_deadline's rekey/expiry/DPD/reap) sits in a min-heap;
//    on_timer pops only the SAs that are due, next_deadline is the top. An
//    entry whose time no longer matches the SA's is stale and skipped (lazy
//    deletion), and the heap is rebuilt when stale entries pile up;
//  - initiate() finds a tunnel's SAs through an interface index, knows
//    whether a peer has an SA from a per-address count, and counts its SAs
//    in negotiation without a scan;
//  - dead SAs are removed when they are settled, not by a sweep per packet.
// Code that changes an SA's timers, state, interface or peer touches it;
// every public entry point ends with settle(). A full sweep every
// kSweepEvery settles every SA again, so a missed touch costs at most that
// delay, never a lost SA.
#include <algorithm>

#include "common/log.h"
#include "ike/engine_impl.h"
#include "ike/fmt.h"
#include "ike/lifetime.h"

namespace kg::ike {

void EngineImpl::touch(IkeSa& sa) {
  if (sa.indexed.dirty) return;
  sa.indexed.dirty = true;
  dirty_.push_back(sa.initiator ? sa.spi_i : sa.spi_r);
}

TimePoint EngineImpl::sa_deadline(const IkeSa& sa) const {
  if (sa.state == SaState::kDead) return kNever;
  TimePoint t = lifetime_deadline(sa);
  if (sa.outstanding_id) t = std::min(t, sa.retransmit_at);
  if (sa.waiting) t = std::min(t, sa.waiting->deadline);
  else if (half_open(sa)) t = std::min(t, sa.created + kHalfOpenTimeout + sa.waited);
  return t;
}

// Removes an SA and every index entry it has.
void EngineImpl::forget(std::map<uint64_t, std::unique_ptr<IkeSa>>::iterator it, std::vector<Action>& out) {
  IkeSa& sa = *it->second;
  if (sa.waiting) waiting_.erase(sa.waiting->id);  // a late result finds nothing
  // The address leased to the peer goes back to its pool (RFC 7296 §2.19).
  if (sa.config.lease) out.push_back(ReleaseConfig{sa.config.lease});
  if (!sa.initiator) {
    half_open_.erase(it->first);
    if (auto r = responders_.find({sa.spi_i, sa.remote_init.addr}); r != responders_.end() && r->second == it->first)
      responders_.erase(r);
  }
  auto& ix = sa.indexed;
  if (!ix.interface.empty()) {
    auto [b, e] = by_interface_.equal_range(ix.interface);
    for (auto i = b; i != e; ++i)
      if (i->second == it->first) {
        by_interface_.erase(i);
        break;
      }
  }
  if (ix.peer)
    if (auto p = peers_.find(*ix.peer); p != peers_.end() && --p->second == 0) peers_.erase(p);
  if (ix.negotiating) --negotiating_out_;
  sas_.erase(it);
}

void EngineImpl::settle_one(uint64_t spi, std::vector<Action>& out) {
  auto it = sas_.find(spi);
  if (it == sas_.end()) return;
  IkeSa& sa = *it->second;
  auto& ix = sa.indexed;
  ix.dirty = false;
  if (sa.state == SaState::kDead) {
    forget(it, out);
    return;
  }
  if (TimePoint d = sa_deadline(sa); d != ix.deadline) {
    ix.deadline = d;
    if (d != kNever) timers_.push({d, spi});
  }
  if (const std::string& itf = sa.interface(); itf != ix.interface) {
    if (!ix.interface.empty()) {
      auto [b, e] = by_interface_.equal_range(ix.interface);
      for (auto i = b; i != e; ++i)
        if (i->second == spi) {
          by_interface_.erase(i);
          break;
        }
    }
    if (!itf.empty()) by_interface_.emplace(itf, spi);
    ix.interface = itf;
  }
  if (!ix.peer || *ix.peer != sa.remote.addr) {
    if (ix.peer)
      if (auto p = peers_.find(*ix.peer); p != peers_.end() && --p->second == 0) peers_.erase(p);
    ++peers_[sa.remote.addr];
    ix.peer = sa.remote.addr;
  }
  bool neg = sa.initiator && sa.state == SaState::kConnecting;
  if (neg != ix.negotiating) {
    negotiating_out_ += neg ? 1 : size_t(-1);
    ix.negotiating = neg;
  }
}

void EngineImpl::settle(std::vector<Action>& out) {
  // Settling never touches, but keep the loop safe if a later change does.
  for (size_t i = 0; i < dirty_.size(); ++i) settle_one(dirty_[i], out);
  dirty_.clear();
  // Stale heap entries (superseded deadlines) pile up under churn: rebuild.
  if (timers_.size() > 4 * sas_.size() + 1024) {
    std::vector<TimerEntry> live;
    live.reserve(sas_.size());
    for (auto& [spi, sa] : sas_)
      if (sa->indexed.deadline != kNever) live.push_back({sa->indexed.deadline, spi});
    timers_ = decltype(timers_)(std::greater<>(), std::move(live));
  }
}

void EngineImpl::sweep(std::vector<Action>& out) {
  prune_half_open();
  for (auto& [spi, sa] : sas_) touch(*sa);
  settle(out);
}

std::vector<Action> EngineImpl::on_timer() {
  std::vector<Action> out;
  auto now = clock_.now();
  if (now >= next_sweep_) {
    next_sweep_ = now + kSweepEvery;
    sweep(out);
  }
  while (!timers_.empty() && timers_.top().first <= now) {
    auto [at, spi] = timers_.top();
    timers_.pop();
    IkeSa* sa = find_sa(spi);
    if (!sa || sa->indexed.deadline != at) continue;  // stale entry
    sa->indexed.deadline = kNever;                     // popped: settle pushes the next one
    touch(*sa);
    if (!sa->waiting && half_open(*sa) && now >= sa->created + kHalfOpenTimeout + sa->waited) {
      log::info(fmt("IKEv2: half-open IKE SA with {} timed out", sa->remote.str()));
      sa->state = SaState::kDead;
      continue;
    }
    if (sa->waiting && now >= sa->waiting->deadline) wait_timed_out(*sa, out);
    if (sa->state == SaState::kDead) continue;
    if (sa->outstanding_id && now >= sa->retransmit_at) retransmit_or_give_up(*sa, now, out);
    if (sa->state != SaState::kDead && now >= lifetime_deadline(*sa)) service(*sa, now, out);
  }
  settle(out);
  return out;
}

std::optional<TimePoint> EngineImpl::next_deadline() const {
  std::optional<TimePoint> t;
  if (!timers_.empty()) t = timers_.top().first;
  // The safety sweep needs a wakeup only while there are SAs.
  if (!sas_.empty()) t = t ? std::min(*t, next_sweep_) : next_sweep_;
  return t;
}

}  // namespace kg::ike
