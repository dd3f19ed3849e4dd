// Start, Interim-Update and Stop records of accounted sessions
// (accounting_service.h).
#include "daemon/accounting_service.h"

#include <sstream>

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

void AccountingService::configure(const config::Model& m, std::optional<IpAddress> nas_ip) {
  const auto& o = m.accounting;
  Millis p = o.update_seconds ? Millis(int64_t(o.update_seconds) * 1000) : Millis(int64_t(o.update_periodic) * 60'000);
  if (p != period_)
    for (auto& [k, s] : sessions_)
      if (!s.period.count()) s.next_interim = clock_.now() + p;
  period_ = p;
  newinfo_ = o.update_newinfo;
  system_group_ = o.system_group;
  system_stop_only_ = o.system_stop_only;
  nas_ip_ = nas_ip;
  nas_id_ = m.hostname;
}

void AccountingService::expect(ConfigPolicy::AccountedUser u) {
  if (expected_.size() >= 4096) expected_.erase(expected_.begin());
  // An Easy VPN session is known by its session id: the group's clients
  // share one IKE identity (the group name).
  std::string id = u.session_id ? "#" + std::to_string(u.session_id) : u.ike_id;
  expected_[id] = std::move(u);
}

void AccountingService::on_session(const ike::SessionEvent& ev) {
  if (ev.up) {
    auto it = expected_.find("#" + std::to_string(key(ev)));
    if (it == expected_.end()) it = expected_.find(ev.remote_id);
    if (it == expected_.end() || sessions_.contains(key(ev))) return;
    auto u = std::move(it->second);
    expected_.erase(it);
    Session s;
    s.number = ++total_;
    s.group = u.group;
    s.remote = ev.remote;
    s.started = clock_.wall_time();
    if (period_.count()) s.next_interim = clock_.now() + period_;
    auto& r = s.record;
    r.status = AcctStatus::kStart;
    r.session_id = ids_.next();
    r.user_name = u.user;
    r.nas_ip = nas_ip_ ? nas_ip_ : std::optional<IpAddress>(ev.local.addr);
    r.framed_ip = u.framed_ip;
    r.classes = std::move(u.classes);
    r.phase1_id = ev.remote_id;
    r.initiator = ev.remote.addr;
    r.progress = true;
    log::info("RADIUS: accounting start, session " + r.session_id + ", user " + r.user_name);
    accountant_.record(s.group, r);
    sessions_[key(ev)] = std::move(s);
    return;
  }
  auto it = sessions_.find(key(ev));
  if (it == sessions_.end()) return;
  Session s = std::move(it->second);
  sessions_.erase(it);
  s.cause = cause_.value_or(TerminateCause::kUserRequest);
  ending_.push_back(std::move(s));
}

void AccountingService::on_peer_dead(const Endpoint& remote) {
  for (auto& s : ending_)
    if (s.remote == remote && !cause_) s.cause = TerminateCause::kIdleTimeout;
}

void AccountingService::settle() {
  auto v = std::move(ending_);
  ending_.clear();
  for (auto& s : v) stop(s);
}

void AccountingService::stop(Session& s) {
  auto r = s.record;
  r.status = AcctStatus::kStop;
  std::time_t now = clock_.wall_time();
  r.session_time = now > s.started ? uint32_t(now - s.started) : 0;
  r.counters = s.removed;
  r.cause = s.cause;
  log::info("RADIUS: accounting stop, session " + r.session_id + ", " + std::to_string(r.counters.input_octets) +
            " octets in, " + std::to_string(r.counters.output_octets) + " out, cause " +
            aaa::radius::terminate_cause_name(s.cause));
  accountant_.record(s.group, r);
}

void AccountingService::interim(Session& s) {
  auto r = s.record;
  r.status = AcctStatus::kInterimUpdate;
  std::time_t now = clock_.wall_time();
  r.session_time = now > s.started ? uint32_t(now - s.started) : 0;
  r.counters = s.removed;
  if (live_) {
    auto l = live_(s.remote);
    r.counters.input_octets += l.input_octets;
    r.counters.output_octets += l.output_octets;
    r.counters.input_packets += l.input_packets;
    r.counters.output_packets += l.output_packets;
  }
  log::debug("RADIUS: accounting interim-update, session " + r.session_id);
  accountant_.record(s.group, r);
}

// IOS system accounting (aaa accounting system default ...): nothing
// without it; stop-only sends no Accounting-On.
void AccountingService::system(AcctStatus st) {
  if (system_group_.empty() || (st == AcctStatus::kAccountingOn && system_stop_only_)) return;
  aaa::radius::AcctRecord r;
  r.status = st;
  r.nas_ip = nas_ip_;
  log::info(std::string("RADIUS: accounting ") + (st == AcctStatus::kAccountingOn ? "on" : "off") + " to group " +
            system_group_);
  accountant_.record(system_group_, r);
}

void AccountingService::on_sa_removed(const esp::SaStats& sa) {
  // The session whose peer the SA runs to: same endpoint (NAT port
  // included), else the same address. A session that just ended (its
  // CHILD_SAs are removed after it) counts too.
  aaa::radius::AcctCounters* match = nullptr;
  for (auto& s : ending_) {
    if (s.remote == sa.remote) { match = &s.removed; break; }
    if (!match && s.remote.addr == sa.remote.addr) match = &s.removed;
  }
  if (!match)
    for (auto& [k, s] : sessions_) {
      if (s.remote == sa.remote) { match = &s.removed; break; }
      if (!match && s.remote.addr == sa.remote.addr) match = &s.removed;
    }
  if (!match) return;
  match->input_octets += sa.bytes_decaps;
  match->input_packets += sa.pkts_decaps;
  match->output_octets += sa.bytes_encaps;
  match->output_packets += sa.pkts_encaps;
}

std::vector<aaa::radius::DaSession> AccountingService::da_sessions() const {
  std::vector<aaa::radius::DaSession> v;
  for (const auto& [k, s] : sessions_) v.push_back({k, s.record.session_id, s.record.user_name, s.record.framed_ip});
  return v;
}

void AccountingService::end_with(uint64_t k, TerminateCause c) {
  auto it = sessions_.find(uint32_t(k));
  if (it == sessions_.end() || !end_) return;
  Endpoint remote = it->second.remote;
  cause_ = c;
  end_(remote);  // the session's end comes back through on_session
  cause_.reset();
}

void AccountingService::disconnect(uint64_t k) { end_with(k, TerminateCause::kAdminReset); }

void AccountingService::set_session_timeout(uint64_t k, uint32_t seconds) {
  auto it = sessions_.find(uint32_t(k));
  if (it == sessions_.end()) return;
  it->second.timeout_at = clock_.now() + Millis(int64_t(seconds) * 1000);
  log::info("RADIUS: session " + it->second.record.session_id + " ends in " + std::to_string(seconds) + "s (CoA)");
  if (newinfo_) interim(it->second);
}

void AccountingService::set_interim_interval(uint64_t k, uint32_t seconds) {
  auto it = sessions_.find(uint32_t(k));
  if (it == sessions_.end()) return;
  Session& s = it->second;
  s.period = Millis(int64_t(seconds) * 1000);
  if (period_of(s).count()) s.next_interim = clock_.now() + period_of(s);
  log::info("RADIUS: session " + s.record.session_id + ": Interim-Update every " +
            std::to_string(period_of(s).count() / 1000) + "s (CoA)");
}

std::optional<AccountingService::SessionUser> AccountingService::session_user(uint64_t k) const {
  auto it = sessions_.find(uint32_t(k));
  if (it == sessions_.end()) return std::nullopt;
  return SessionUser{it->second.record.user_name, it->second.group, it->second.record.framed_ip};
}

void AccountingService::on_timer() {
  accountant_.on_timer();
  auto now = clock_.now();
  std::vector<uint32_t> expired;
  for (auto& [k, s] : sessions_) {
    if (s.timeout_at && *s.timeout_at <= now) expired.push_back(k);
    if (period_of(s).count() && s.next_interim <= now) {
      s.next_interim = now + period_of(s);
      interim(s);
    }
  }
  for (uint32_t k : expired) {
    if (auto it = sessions_.find(k); it != sessions_.end()) it->second.timeout_at.reset();
    end_with(k, TerminateCause::kSessionTimeout);
  }
}

std::optional<TimePoint> AccountingService::next_deadline() const {
  auto when = accountant_.next_deadline();
  auto earlier = [&](TimePoint t) { if (!when || t < *when) when = t; };
  for (const auto& [k, s] : sessions_) {
    if (period_of(s).count()) earlier(s.next_interim);
    if (s.timeout_at) earlier(*s.timeout_at);
  }
  return when;
}

// IOS layout:
//   Total sessions since last reload: 7
//   Session Id: 4
//      Unique Id: 11
//      User Name: alice
//      IP Address: 198.18.3.7
//      Idle Time: 0
//      CT Call Handle: 0
// and what keygate adds: the Acct-Session-Id, the peer, the time up.
std::string AccountingService::show_sessions() const {
  std::ostringstream o;
  o << "Total sessions since last reload: " << total_ << "\n";
  std::time_t now = clock_.wall_time();
  for (const auto& [k, s] : sessions_) {
    const auto& r = s.record;
    o << "Session Id: " << s.number << "\n";
    o << "   Unique Id: " << k << "\n";
    o << "   User Name: " << (r.user_name.empty() ? "*not available*" : r.user_name) << "\n";
    o << "   IP Address: " << (r.framed_ip ? r.framed_ip->str() : "0.0.0.0") << "\n";
    o << "   Idle Time: 0\n";
    o << "   CT Call Handle: 0\n";
    o << "   Acct-Session-Id: " << r.session_id << "\n";
    o << "   Peer: " << s.remote.addr.str() << " Id: " << r.phase1_id << "\n";
    o << "   Up: " << (now > s.started ? now - s.started : 0) << "s, accounting group " << s.group << "\n";
  }
  return o.str();
}

}  // namespace kg::daemon
