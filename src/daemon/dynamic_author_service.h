// RFC 5176 dynamic authorization on the daemon's event loop (`aaa server
// radius dynamic-author`): a UDP socket on the configured port (3799) and
// the server of aaa/radius/dynamic_author.h, whose sessions are the
// accounted ones (accounting_service.h): a Disconnect-Request ends a session
// with Acct-Terminate-Cause Admin-Reset, a CoA Session-Timeout ends it later
// with Session-Timeout. The socket exists only while dynamic-author is
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

  // DynamicAuthorServer::Host.
  [[nodiscard]] std::vector<aaa::radius::DaSession> sessions() const override { return acct_.da_sessions(); }
  void disconnect(uint64_t key) override { acct_.disconnect(key); }
  void set_session_timeout(uint64_t key, uint32_t s) override { acct_.set_session_timeout(key, s); }
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
};

}  // namespace kg::daemon
