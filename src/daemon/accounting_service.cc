// Start and Stop records of accounted sessions (accounting_service.h).
#include "daemon/accounting_service.h"

#include "common/log.h"

namespace kg::daemon {

using aaa::radius::AcctStatus;
using aaa::radius::TerminateCause;

std::unique_ptr<AccountingService> AccountingService::create(std::shared_ptr<RadiusService> radius,
                                                             const Clock& clock, Random& rng,
                                                             const std::string& state_dir) {
  if (!radius) return nullptr;
  auto spool = aaa::radius::AcctSpool::open(std::filesystem::path(state_dir) / "radacct");
  if (!spool) {
    log::warn("keygated: no RADIUS accounting (" + spool.error().message + ")");
    return nullptr;
  }
  if (spool->unreadable())
    log::warn("keygated: accounting spool: " + std::to_string(spool->unreadable()) + " damaged records left aside");
  // Unique across restarts: the start time's low bits and a random half.
  uint32_t prefix = uint32_t(clock.wall_time()) << 16 ^ uint32_t(rng.u64() & 0xffff);
  return std::unique_ptr<AccountingService>(new AccountingService(std::move(radius), std::move(*spool), clock, prefix));
}

void AccountingService::expect(ConfigPolicy::AccountedUser u) {
  if (expected_.size() >= 4096) expected_.erase(expected_.begin());
  std::string id = u.ike_id;
  expected_[id] = std::move(u);
}

void AccountingService::on_session(const ike::SessionEvent& ev) {
  if (ev.up) {
    auto it = expected_.find(ev.remote_id);
    if (it == expected_.end() || sessions_.contains(key(ev))) return;
    auto u = std::move(it->second);
    expected_.erase(it);
    Session s;
    s.group = u.group;
    s.remote = ev.remote;
    s.started = clock_.wall_time();
    auto& r = s.record;
    r.status = AcctStatus::kStart;
    r.session_id = ids_.next();
    r.user_name = u.user;
    r.nas_ip = ev.local.addr;
    r.framed_ip = u.framed_ip;
    r.classes = std::move(u.classes);
    r.phase1_id = ev.remote_id;
    r.initiator = ev.remote.addr;
    log::info("RADIUS: accounting start, session " + r.session_id + ", user " + r.user_name);
    accountant_.record(s.group, r);
    sessions_[key(ev)] = std::move(s);
    return;
  }
  auto it = sessions_.find(key(ev));
  if (it == sessions_.end()) return;
  Session s = std::move(it->second);
  sessions_.erase(it);
  auto r = s.record;
  r.status = AcctStatus::kStop;
  std::time_t now = clock_.wall_time();
  r.session_time = now > s.started ? uint32_t(now - s.started) : 0;
  r.counters = s.removed;
  r.cause = TerminateCause::kUserRequest;
  log::info("RADIUS: accounting stop, session " + r.session_id + ", " + std::to_string(r.counters.input_octets) +
            " octets in, " + std::to_string(r.counters.output_octets) + " out");
  accountant_.record(s.group, r);
}

void AccountingService::on_sa_removed(const esp::SaStats& sa) {
  // The session whose peer the SA runs to: same endpoint (NAT port
  // included), else the same address.
  Session* match = nullptr;
  for (auto& [k, s] : sessions_) {
    if (s.remote == sa.remote) { match = &s; break; }
    if (!match && s.remote.addr == sa.remote.addr) match = &s;
  }
  if (!match) return;
  match->removed.input_octets += sa.bytes_decaps;
  match->removed.input_packets += sa.pkts_decaps;
  match->removed.output_octets += sa.bytes_encaps;
  match->removed.output_packets += sa.pkts_encaps;
}

}  // namespace kg::daemon
