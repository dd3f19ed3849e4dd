// RADIUS accounting of remote-access sessions (issue 16, seed 004): a
// session authorized under a profile with `aaa accounting eap|psk|cert LIST`
// gets an Accounting-Request Start when it comes up, an Interim-Update
// every `aaa accounting update periodic N` minutes, and a Stop when it goes
// down, with the octets and packets of all its CHILD_SAs (counted as each
// one is removed, so rekeyed ones count too, plus the live ones for an
// Interim-Update) and why it ended (Acct-Terminate-Cause):
//   the peer deleted it                    User-Request
//   DPD or a request went unanswered       Idle-Timeout   (PeerDead)
//   its Virtual-Template went away         Lost-Carrier
//   a CoA Session-Timeout ran out          Session-Timeout
//   clear crypto session, a Disconnect-Request   Admin-Reset
//   keygated stopped                       NAS-Reboot
// A session's Stop waits until the engine's batch of actions is done
// (settle()): PeerDead comes after the session's end in the same batch.
// With `aaa accounting system default start-stop group G` (IOS system
// accounting) Accounting-On goes to G at start and Accounting-Off at a clean
// stop (stop-only: just the Off); without it neither is sent, as on IOS. Records go through the accountant (aaa/radius/accountant.h):
// spooled under <state>/radacct until their Accounting-Response arrives, so
// an outage loses none and nothing waits for the server: a session is never
// held up or torn down by accounting.
#pragma once
#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aaa/radius/accountant.h"
#include "aaa/radius/dynamic_author.h"
#include "daemon/config_policy.h"
#include "daemon/radius_service.h"
#include "esp/datapath.h"
#include "ike/engine.h"

namespace kg::daemon {

class AccountingService {
 public:
  // Null (logged) when the spool directory cannot be made.
  static std::unique_ptr<AccountingService> create(std::shared_ptr<RadiusService> radius, const Clock& clock,
                                                   Random& rng, const std::string& state_dir);

  // The configuration: update period, the group Accounting-On/Off go to,
  // the NAS-IP-Address ip radius source-interface gives (else each
  // session's local address).
  void configure(const config::Model& m, std::optional<IpAddress> nas_ip);
  // Authorization decided that this peer's session is accounted.
  void expect(ConfigPolicy::AccountedUser u);
  void on_session(const ike::SessionEvent& ev);
  // The peer of a session that just ended stopped answering (DPD).
  void on_peer_dead(const Endpoint& remote);
  // Sessions that end while a cause is set end with it (clear crypto
  // session: Admin-Reset); nullopt: the events' own.
  void set_cause(std::optional<aaa::radius::TerminateCause> c) { cause_ = c; }
  // The engine's batch of actions is done: Stops of the sessions it ended go.
  void settle();
  // A CHILD_SA is about to be removed: its counters join its session's.
  void on_sa_removed(const esp::SaStats& s);
  // Counters of a peer's live CHILD_SAs (for Interim-Update).
  using LiveCounters = std::function<aaa::radius::AcctCounters(const Endpoint& remote)>;
  void set_live_counters(LiveCounters f) { live_ = std::move(f); }
  // Deletes the IKE SA to `remote` (Disconnect-Request, Session-Timeout).
  using EndSession = std::function<void(const Endpoint& remote)>;
  void set_end_session(EndSession f) { end_ = std::move(f); }

  // Accounting-On / Accounting-Off to the group of `aaa accounting system default`.
  void system_on() { system(aaa::radius::AcctStatus::kAccountingOn); }
  void system_off() { system(aaa::radius::AcctStatus::kAccountingOff); }

  // RFC 5176 (dynamic_author_service.h).
  [[nodiscard]] std::vector<aaa::radius::DaSession> da_sessions() const;
  void disconnect(uint64_t key);
  void set_session_timeout(uint64_t key, uint32_t seconds);
  // CoA Acct-Interim-Interval: this session's Interim-Update period (0: the
  // configured one again).
  void set_interim_interval(uint64_t key, uint32_t seconds);
  // Who a session is and the group its records go to (CoA reauthenticate).
  struct SessionUser {
    std::string user, group;
    std::optional<IpAddress> framed_ip;
  };
  [[nodiscard]] std::optional<SessionUser> session_user(uint64_t key) const;

  // Whether any session is accounted (the caller skips looking up SA
  // counters otherwise).
  [[nodiscard]] bool tracking() const { return !sessions_.empty() || !ending_.empty(); }
  // Sends what a previous run left in the spool.
  void flush() { accountant_.flush(); }

  void on_timer();
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;
  [[nodiscard]] const aaa::radius::Accountant& accountant() const { return accountant_; }
  // show aaa sessions.
  [[nodiscard]] std::string show_sessions() const;

 private:
  AccountingService(std::shared_ptr<RadiusService> radius, aaa::radius::AcctSpool spool, const Clock& clock,
                    uint32_t id_prefix)
      : radius_(std::move(radius)), accountant_(*radius_, std::move(spool), clock), clock_(clock), ids_(id_prefix) {}
  struct Session {
    uint64_t number = 0;  // show aaa sessions' Session Id
    std::string group;
    aaa::radius::AcctRecord record;  // as sent in the Start
    std::time_t started = 0;
    Endpoint remote;
    aaa::radius::AcctCounters removed;  // of CHILD_SAs already gone
    TimePoint next_interim{};
    std::optional<TimePoint> timeout_at;  // CoA Session-Timeout
    Millis period{0};                     // CoA Acct-Interim-Interval; 0: period_
    aaa::radius::TerminateCause cause = aaa::radius::TerminateCause::kUserRequest;
  };
  static uint32_t key(const ike::SessionEvent& ev) { return ev.config.session_id ? ev.config.session_id : ev.tunnel_id; }
  void interim(Session& s);
  [[nodiscard]] Millis period_of(const Session& s) const { return s.period.count() ? s.period : period_; }
  void stop(Session& s);
  void system(aaa::radius::AcctStatus st);
  void end_with(uint64_t key, aaa::radius::TerminateCause c);

  std::shared_ptr<RadiusService> radius_;
  aaa::radius::Accountant accountant_;
  const Clock& clock_;
  aaa::radius::AcctSessionIds ids_;
  std::map<std::string, ConfigPolicy::AccountedUser> expected_;  // by IKE identity, until the session is up
  std::map<uint32_t, Session> sessions_;
  std::vector<Session> ending_;  // ended in this batch of engine actions
  std::optional<aaa::radius::TerminateCause> cause_;
  LiveCounters live_;
  EndSession end_;
  Millis period_{0};  // Interim-Update period; 0: none
  bool newinfo_ = false;
  std::string system_group_;  // aaa accounting system default ... group G ("" : no Accounting-On/Off)
  bool system_stop_only_ = false;
  std::optional<IpAddress> nas_ip_;
  std::string nas_id_;
  uint64_t total_ = 0;  // sessions since start
};

}  // namespace kg::daemon
