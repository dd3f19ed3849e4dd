// RFC 5176 dynamic authorization on the daemon's event loop (`aaa server
// radius dynamic-author`): a UDP socket on the configured port (3799) and
// the server of aaa/radius/dynamic_author.h, whose sessions are the
// accounted ones (accounting_service.h): a Disconnect-Request ends a session
// with Acct-Terminate-Cause Admin-Reset, a CoA Session-Timeout ends it later
// with Session-Timeout, Acct-Interim-Interval sets its Interim-Update
// period; an ip access-group and reauthenticate go to the daemon's hooks
// (set_coa). The socket exists only while dynamic-author is
// configured and is re-opened when its port changes.
#pragma once
#include <memory>
#include <optional>

#include "aaa/radius/dynamic_author.h"
#include "config/model.h"
#include "daemon/accounting_service.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"

namespace kg::daemon {

class DynamicAuthorService final : public aaa::radius::DynamicAuthorServer::Host {
 public:
  DynamicAuthorService(io::EventLoop& loop, AccountingService& acct) : loop_(loop), acct_(acct), server_(*this) {}
  ~DynamicAuthorService() override { close(); }

  void configure(const config::Model& m);
  [[nodiscard]] const aaa::radius::DaStats& stats() const { return server_.stats(); }
  [[nodiscard]] bool listening() const { return sock_.has_value(); }
  [[nodiscard]] int port() const { return port_; }
  // Called after a request was handled (sessions may have ended).
  void on_activity(std::function<void()> f) { activity_ = std::move(f); }
  // What a CoA changes beyond accounting: the session's Virtual-Access
  // filter (RemoteAccess::change_access_groups) and a new authorization.
  using ChangeInterfaceConfig = std::function<Result<void>(uint32_t session, const std::vector<std::string>&)>;
  using Reauthorize = std::function<Result<void>(uint32_t session)>;
  void set_coa(ChangeInterfaceConfig c, Reauthorize r) {
    change_ = std::move(c);
    reauthorize_ = std::move(r);
  }

  // DynamicAuthorServer::Host.
  [[nodiscard]] std::vector<aaa::radius::DaSession> sessions() const override { return acct_.da_sessions(); }
  void disconnect(uint64_t key) override { acct_.disconnect(key); }
  void set_session_timeout(uint64_t key, uint32_t s) override { acct_.set_session_timeout(key, s); }
  void set_interim_interval(uint64_t key, uint32_t s) override { acct_.set_interim_interval(key, s); }
  Result<void> change_interface_config(uint64_t key, const std::vector<std::string>& c) override {
    if (!change_) return fail(Errc::kUnsupported, "no Virtual-Access to change");
    return change_(uint32_t(key), c);
  }
  Result<void> reauthorize(uint64_t key) override {
    if (!reauthorize_) return fail(Errc::kUnsupported, "reauthenticate is not supported");
    return reauthorize_(uint32_t(key));
  }
  [[nodiscard]] std::vector<IpAddress> nas_addresses() const override { return nas_addresses_; }
  [[nodiscard]] std::string nas_identifier() const override { return hostname_; }

 private:
  void close();
  void on_readable();

  io::EventLoop& loop_;
  AccountingService& acct_;
  aaa::radius::DynamicAuthorServer server_;
  std::optional<io::UdpSocket> sock_;
  int port_ = 0;
  std::vector<IpAddress> nas_addresses_;
  std::string hostname_;
  std::function<void()> activity_;
  ChangeInterfaceConfig change_;
  Reauthorize reauthorize_;
};

}  // namespace kg::daemon
