// RADIUS accounting of remote-access sessions (issue 16, seed 004): a
// session authorized under a profile with `aaa accounting eap LIST` gets an
// Accounting-Request Start when it comes up and a Stop when it goes down,
// with the octets and packets of all its CHILD_SAs (counted as each one is
// removed, so rekeyed ones count too). Records go through the accountant
// (aaa/radius/accountant.h): spooled under <state>/radacct until their
// Accounting-Response arrives, so an outage loses none and nothing waits
// for the server: a session is never held up or torn down by accounting.
#pragma once
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aaa/radius/accountant.h"
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

  // Authorization decided that this peer's session is accounted.
  void expect(ConfigPolicy::AccountedUser u);
  void on_session(const ike::SessionEvent& ev);
  // A CHILD_SA is about to be removed: its counters join its session's.
  void on_sa_removed(const esp::SaStats& s);
  // Whether any session is accounted (the caller skips looking up SA
  // counters otherwise).
  [[nodiscard]] bool tracking() const { return !sessions_.empty(); }
  // Sends what a previous run left in the spool.
  void flush() { accountant_.flush(); }

  void on_timer() { accountant_.on_timer(); }
  [[nodiscard]] std::optional<TimePoint> next_deadline() const { return accountant_.next_deadline(); }
  [[nodiscard]] const aaa::radius::Accountant& accountant() const { return accountant_; }

 private:
  AccountingService(std::shared_ptr<RadiusService> radius, aaa::radius::AcctSpool spool, const Clock& clock,
                    uint32_t id_prefix)
      : radius_(std::move(radius)), accountant_(*radius_, std::move(spool), clock), clock_(clock), ids_(id_prefix) {}
  struct Session {
    std::string group;
    aaa::radius::AcctRecord record;  // as sent in the Start
    std::time_t started = 0;
    Endpoint remote;
    aaa::radius::AcctCounters removed;  // of CHILD_SAs already gone
  };
  static uint32_t key(const ike::SessionEvent& ev) { return ev.config.session_id ? ev.config.session_id : ev.tunnel_id; }

  std::shared_ptr<RadiusService> radius_;
  aaa::radius::Accountant accountant_;
  const Clock& clock_;
  aaa::radius::AcctSessionIds ids_;
  std::map<std::string, ConfigPolicy::AccountedUser> expected_;  // by IKE identity, until the session is up
  std::map<uint32_t, Session> sessions_;
};

}  // namespace kg::daemon
