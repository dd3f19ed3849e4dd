// EngineImpl, part 2: what happens at an SA's lifetime and DPD deadlines
// (lifetime.h), and when the data path reports a volume limit.
#include "common/log.h"
#include "ike/dpd_due.h"
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

}  // namespace

// Called when now >= lifetime_deadline(sa). Each timer that fires is cleared
// (kNever) before its action starts, so nothing fires twice.
void EngineImpl::service(IkeSa& sa, TimePoint now, std::vector<Action>& out) {
  if (now >= sa.reap_at && sa.stale_of) {
    // delete_stale waited for the peer to settle a crossing. It deleted the
    // SA that carried INITIAL_CONTACT: this one stays. Otherwise it is stale.
    const IkeSa* contact = find_sa(sa.stale_of);
    sa.stale_of = 0;
    if (!contact || contact->state != SaState::kEstablished) sa.reap_at = kNever;
    else log_stale(sa);
  }
  if (now >= sa.reap_at) {
    // Replaced or redundant, and the peer never deleted it: forget it.
    auto e = env(out);
    emit_remove_children(sa, e);
    emit_session(sa, e, false);
    sa.state = SaState::kDead;
    return;
  }
  if (sa.state != SaState::kEstablished) return;
  if (now >= sa.expire_at) {
    log::info(fmt("IKEv2: IKE SA with {} reached its lifetime ({} s) without a rekey; deleting it", sa.remote.str(),
                  sa.profile ? sa.profile->ike_lifetime_s : 0));
    begin_delete(sa, out);
    return;
  }
  if (now >= sa.rekey_at) {
    sa.rekey_at = kNever;
    sa.queued.push_back(one(make_ike_rekey(true)));
  }
  std::vector<uint32_t> expired, due;
  for (auto& c : sa.children) {
    if (now >= c.expire_at) expired.push_back(c.sa.spi_in);
    else if (now >= c.rekey_at) due.push_back(c.sa.spi_in);
  }
  for (auto s : expired)
    if (ChildSa* c = sa.child(s)) expire_child(sa, *c, out);
  for (auto s : due)
    if (ChildSa* c = sa.child(s)) rekey_child(sa, *c);
  if (now >= sa.dpd_at) dpd_check(sa, now);
  start_next(sa, out);
}

// CREATE_CHILD_SA { N(REKEY_SA) ... } -->, queued.
void EngineImpl::rekey_child(IkeSa& sa, ChildSa& c) {
  c.rekey_at = kNever;
  if (c.state != ChildState::kInstalled) return;
  c.state = ChildState::kRekeying;
  sa.queued.push_back(one(make_child_rekey(c.sa.spi_in)));
}

// Hard lifetime (seconds, kilobytes or sequence numbers): the SA goes.
void EngineImpl::expire_child(IkeSa& sa, ChildSa& c, std::vector<Action>& out) {
  c.expire_at = c.rekey_at = kNever;
  if (c.state == ChildState::kDeleting) return;
  log::info(fmt("IKEv2: CHILD_SA on {} (inbound SPI {}) reached its hard lifetime; deleting it", c.sa.interface,
                std::to_string(c.sa.spi_in)));
  c.state = ChildState::kDeleting;
  out.push_back(RetireChildSa{c.sa.interface, c.sa.spi_in});
  sa.queued.push_front(one(make_child_delete({c.sa.spi_in})));
}

// DPD (dpd INTERVAL RETRY on-demand|periodic): anything authenticated from
// the peer, IKE or ESP, proves it alive. Periodic probes after INTERVAL of
// silence; on-demand only if we kept sending after the peer fell silent,
// answers to its own traffic aside (dpd_probe_due).
void EngineImpl::dpd_check(IkeSa& sa, TimePoint now) {
  const DpdConfig d = sa.profile ? sa.profile->dpd : DpdConfig{};
  if (!d.interval_s) {
    sa.dpd_at = kNever;
    return;
  }
  Millis interval(uint64_t(d.interval_s) * 1000);
  TimePoint last_in = sa.last_heard, last_out{};
  if (traffic_)
    for (auto& c : sa.children)
      if (auto a = traffic_->activity(c.sa.spi_in)) {
        last_in = std::max(last_in, a->last_in);
        last_out = std::max(last_out, a->last_out);
      }
  if (now - last_in < interval) {
    sa.dpd_at = last_in + interval;
    return;
  }
  // Idle on-demand, or an exchange in flight (its own retransmissions detect
  // a dead peer): look again later.
  if (!dpd_probe_due(d, now, last_in, last_out) || sa.outstanding_id || !sa.queued.empty()) {
    sa.dpd_at = now + interval;
    return;
  }
  sa.dpd_at = kNever;  // re-armed when the probe is answered
  stats_.dpd_probes++;
  log::debug(fmt("IKEv2: DPD probe to {} (nothing heard for {} s)", sa.remote.str(),
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - last_in).count())));
  sa.queued.push_back(one(make_ike_dpd()));
}

// The peer stopped answering: tear everything down, tell the daemon.
void EngineImpl::peer_dead(IkeSa& sa, std::vector<Action>& out) {
  bool dpd = in_flight(sa, "IKE_DPD");
  log::warn(fmt("IKEv2: peer {} Id: {} did not answer {} after {} tries: declared dead", sa.remote.str(),
                sa.remote_id.str(), dpd ? std::string("DPD") : std::string(exchange_name(sa.active_exchange)),
                sa.tries));
  stats_.peers_dead++;
  PeerDead ev{sa.interface(), sa.profile ? sa.profile->name : std::string(), sa.local, sa.remote,
              sa.remote_id.str()};
  fail_sa(sa, out, false);
  out.push_back(std::move(ev));
}

std::vector<Action> EngineImpl::on_child_limit(uint32_t spi_in, bool hard) {
  std::vector<Action> out;
  for (auto& [spi, sa] : sas_) {
    if (sa->state != SaState::kEstablished) continue;
    ChildSa* c = sa->child(spi_in);
    if (!c) continue;
    if (hard) {
      expire_child(*sa, *c, out);
    } else {
      log::info(fmt("IKEv2: CHILD_SA on {} (inbound SPI {}) reached its soft volume limit; rekeying",
                    c->sa.interface, std::to_string(spi_in)));
      rekey_child(*sa, *c);
    }
    start_next(*sa, out);
    touch(*sa);
    break;
  }
  settle(out);
  return out;
}

}  // namespace kg::ike
