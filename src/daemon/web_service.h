// `ip http secure-server` in keygated (seed 000's end-user web page). keygated
// does not speak HTTP or TLS itself: while the command is configured it runs
// keygate-web (src/web), a program of its own found next to keygated, and
// restarts it when it dies (after 1 s, doubling up to 30 s while it keeps
// dying); `no ip http secure-server` stops it, and so does keygated's exit.
// A change of port, trustpoint or access class restarts it with the new
// settings.
//
// keygate-web reads its certificate chain and private key as PEM from a pipe
// on its standard input (never from a file): the certificate of
// `ip http secure-trustpoint`, or else a self-signed one made on first use and
// kept like IOS's TP-self-signed trustpoint (its key sealed in the KeyStore,
// its certificate in <statedir>/http/self-signed.crt). keygated binds the
// listening sockets itself (one dual-stack socket per port: IPv6 and IPv4;
// CAP_NET_BIND_SERVICE, which keygated keeps after -u USER, covers port 443)
// and hands them over as fds 3 and 4. keygate-web then drops root and logs
// each browser in over the control socket as the user itself.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "config/session.h"

namespace kg::daemon {

class WebService {
 public:
  // program: keygate-web's path; socket: keygated's control socket.
  WebService(config::Config& cfg, std::string program, std::string socket);
  ~WebService();
  WebService(const WebService&) = delete;
  WebService& operator=(const WebService&) = delete;

  // After every configuration change: a change stops keygate-web at once,
  // and the next tick starts it with the new settings (so loading a startup
  // configuration line by line starts it once).
  void apply(const config::Model& m, TimePoint now);
  // Each second: starts it when wanted, notices an exit, restarts after the back-off.
  void tick(TimePoint now);
  [[nodiscard]] pid_t pid() const { return pid_; }

  // keygate-web's command line for a configuration; nullopt: not running.
  [[nodiscard]] static std::optional<std::vector<std::string>> arguments(const config::Model& m,
                                                                         const std::string& socket);

 private:
  Result<std::string> tls_pem(const config::Model& m);
  Result<std::string> self_signed_pem(const config::Model& m);
  void start(TimePoint now);
  void stop();
  config::Config& cfg_;
  std::string program_, socket_;
  std::optional<std::vector<std::string>> want_;  // the running (or wanted) command line
  std::string want_trustpoint_;
  pid_t pid_ = -1;
  std::optional<TimePoint> restart_at_;
  std::chrono::seconds backoff_{1};
  TimePoint started_{};
  std::string memory_cert_;  // the self-signed certificate without a state directory
};

}  // namespace kg::daemon
