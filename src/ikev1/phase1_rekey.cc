// Rekeying an ISAKMP SA (phase 1) before its lifetime ends. IKEv1 has no
// rekey exchange, and its IPsec SAs do not depend on the ISAKMP SA that
// negotiated them (RFC 2409 §5.5 derives their keys from SKEYID_d, but they
// live on after it). So, as IOS and strongSwan do, the side that initiated
// the tunnel runs a new Main Mode (Aggressive Mode if the SA was one) with
// the peer at 90% of the lifetime, without INITIAL-CONTACT (which would make
// the peer forget the IPsec SAs), hands the IPsec SAs over to the new ISAKMP
// SA once it is ready, and deletes the old one. The responder hands them over when the old SA is
// deleted or expires while a newer one with the same peer is ready
// (strongSwan adopts them the same way when it reauthenticates; an Easy VPN
// client's reauthentication hands them over the same way, to the SA that
// took over its session, xauth_mode_config.cc).
// A rekey that fails (the peer does not answer, or refuses) is tried again,
// at most every kP1RekeyRetry, until the old SA expires (as IOS and
// strongSwan keep trying); then the old SA goes with its IPsec SAs, logged.
#include "common/log.h"
#include "ikev1/engine_impl.h"

namespace kg::ikev1 {

TimePoint EngineImpl::p1_rekey_time(const IsakmpSa& sa) const {
  TimePoint at = sa.expires - (sa.expires - sa.created) / 10;
  return sa.p1_attempts ? std::max(at, sa.p1_last_attempt + kP1RekeyRetry) : at;
}

bool EngineImpl::p1_rekey_due(const IsakmpSa& sa) const {
  if (!sa.initiator || !sa.child || sa.ez || sa.state != MmState::kReady) return false;
  // No successor, or the last one failed (gone, or being removed).
  return !sa.replaced_by || !sas_.contains(sa.replaced_by) ||
         std::find(dead_.begin(), dead_.end(), sa.replaced_by) != dead_.end();
}

void EngineImpl::p1_rekey(IsakmpSa& old, std::vector<Action>& out) {
  // A fresh phase 1 from port 500 (RFC 3947 §4: it floats again if a NAT
  // is still there).
  auto& fresh = create_sa(true, {old.local.addr, 500}, {old.remote.addr, 500});
  fresh.child = old.child;
  fresh.profile = old.profile;
  fresh.replaces = old.conn_id;
  old.replaced_by = fresh.conn_id;
  ++old.p1_attempts;
  old.p1_last_attempt = clock_.now();
  if (old.p1_attempts == 1)
    log::debug(fmt("IKEv1: ISAKMP SA {} with {} reaches 90% of its lifetime: rekeying it as ISAKMP SA {}", old.conn_id,
                   old.remote.str(), fresh.conn_id));
  else
    log::info(fmt("IKEv1: rekeying ISAKMP SA {} with {} again (attempt {}) as ISAKMP SA {}", old.conn_id,
                  old.remote.str(), old.p1_attempts, fresh.conn_id));
  phase1_initiate(fresh, old.aggressive, out);
}

bool EngineImpl::p1_rekey_failed(IsakmpSa& fresh) {
  auto it = sas_.find(fresh.replaces);
  if (it == sas_.end() || std::find(dead_.begin(), dead_.end(), it->first) != dead_.end()) return false;
  IsakmpSa& old = *it->second;
  auto left = std::chrono::duration_cast<std::chrono::seconds>(old.expires - clock_.now()).count();
  log::warn(fmt("IKEv1: rekey of ISAKMP SA {} with {} failed (attempt {}, no answer); trying again while it lives "
                "({} s left)",
                old.conn_id, old.remote.str(), old.p1_attempts, left));
  old.replaced_by = 0;
  return true;
}

void EngineImpl::p1_expired(const IsakmpSa& sa) const {
  if (!sa.p1_attempts || sa.children.empty()) return;
  log::warn(fmt("IKEv1: ISAKMP SA {} with {} expired after {} failed rekey attempts: its IPsec SAs are deleted",
                sa.conn_id, sa.remote.str(), sa.p1_attempts));
}

bool EngineImpl::p1_rekey_done(IsakmpSa& fresh, std::vector<Action>& out) {
  if (!fresh.replaces) return false;
  auto it = sas_.find(fresh.replaces);
  fresh.replaces = 0;
  if (it == sas_.end() || std::find(dead_.begin(), dead_.end(), it->first) != dead_.end()) return false;
  IsakmpSa& old = *it->second;
  ++stats_.p1_rekeys;
  log::debug(fmt("IKEv1: ISAKMP SA {} replaces {} with {}", fresh.conn_id, old.conn_id, fresh.remote.str()));
  hand_over(old);
  remove_sa(old, true, out);  // only the ISAKMP SA's DELETE: its IPsec SAs moved
  return true;
}

bool EngineImpl::hand_over(IsakmpSa& from) {
  // An Easy VPN client's IPsec SAs go only to the SA that reauthenticated
  // it (ezvpn_configure moved them already; strongSwan moves its CHILD_SAs
  // the same way).
  IsakmpSa* heir = from.ez ? &session_holder(from) : nullptr;
  if (from.children.empty() || heir == &from) return false;
  for (auto& [id, p] : sas_) {
    IsakmpSa& to = *p;
    if (&to == &from || to.state != MmState::kReady || to.remote.addr != from.remote.addr ||
        std::find(dead_.begin(), dead_.end(), id) != dead_.end())
      continue;
    if (bool(from.ez) != bool(to.ez) || (heir && &to != heir)) continue;
    if (from.child && to.child && to.child->interface != from.child->interface) continue;
    if (!to.child) to.child = from.child;
    for (auto& c : from.children) to.children.push_back(c);
    from.children.clear();
    // The session stays up: the new SA reports its end.
    to.session_up = to.session_up || from.session_up;
    from.session_up = false;
    log::debug(fmt("IKEv1: the IPsec SAs of ISAKMP SA {} move to ISAKMP SA {}", from.conn_id, to.conn_id));
    return true;
  }
  return false;
}

}  // namespace kg::ikev1
