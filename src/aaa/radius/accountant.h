// Accounting records from the moment a session reports one to the moment
// the server acknowledges it (RFC 2866 §2): spooled to disk first
// (acct_spool.h), sent through the daemon's RADIUS client on the acct port
// (retransmission, fail-over and the Response Authenticator check are the
// client's), removed when its Accounting-Response arrives. A record no
// server answered stays in the spool and is sent again every retry
// interval, and at once when any other record is acknowledged (a server is
// back). Nothing here waits on the network, so a session is never held up
// or torn down because accounting is late.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "aaa/radius/accounting.h"
#include "aaa/radius/acct_spool.h"
#include "aaa/radius/requester.h"
#include "common/clock.h"

namespace kg::aaa::radius {

struct AccountantStats {
  uint64_t records = 0, sent = 0, acknowledged = 0, unanswered = 0, not_spooled = 0;
};

class Accountant {
 public:
  Accountant(Requester& requester, AcctSpool spool, const Clock& clock, Millis retry = Millis{30000})
      : requester_(requester), spool_(std::move(spool)), clock_(clock), retry_(retry) {}
  ~Accountant();
  Accountant(const Accountant&) = delete;
  Accountant& operator=(const Accountant&) = delete;

  // Keeps and sends one record to server group `group`.
  void record(const std::string& group, const AcctRecord& r);
  // Sends every owed record not in flight (at start: what a previous run left).
  void flush();

  void on_timer();
  [[nodiscard]] std::optional<TimePoint> next_deadline() const;

  [[nodiscard]] size_t owed() const { return spool_.pending().size(); }
  [[nodiscard]] const AccountantStats& stats() const { return stats_; }
  [[nodiscard]] const AcctSpool& spool() const { return spool_; }

 private:
  static constexpr size_t kMaxInFlight = 64;
  void send(uint64_t seq);
  void answered(uint64_t seq, Result<Reply> r);

  Requester& requester_;
  AcctSpool spool_;
  const Clock& clock_;
  Millis retry_;
  std::map<uint64_t, uint64_t> in_flight_;  // spool sequence -> client handle
  std::optional<TimePoint> retry_at_;
  AccountantStats stats_;
};

}  // namespace kg::aaa::radius
