// request platform software system shell (seed 003): a shell on the host,
// opened only while consent-token shell-access is authorized, only for a
// level-15 user, and only after the warning is answered 'y'. keygated runs
// the shell on a pty it owns and relays it over the control socket
// (config::StreamOpen); what the shell prints (the user's echoed typing
// included) goes to a session log in the state directory,
// shell-sessions/YYYYMMDD-HHMMSS-USER.log, mode 0600. Leaving the shell keeps
// the authorization (seed 003); its end (expiry, terminate-auth) closes every
// open shell at the next tick, with a message. Nothing here blocks the loop:
// the pty is non-blocking, input waits in a bounded buffer, and output the
// client has not taken pauses reading the pty.
#pragma once
#include <sys/types.h>

#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/session.h"
#include "daemon/consent_service.h"
#include "io/event_loop.h"

namespace kg::daemon {

class SystemShell {
 public:
  SystemShell(ConsentService& consent, io::EventLoop& loop, std::string state_dir);
  ~SystemShell();  // hangs up every open shell
  SystemShell(const SystemShell&) = delete;
  SystemShell& operator=(const SystemShell&) = delete;
  void register_commands(config::Config& cfg);
  // Closes the shells whose authorization has ended; reaps exited shells.
  void tick();
  // The latest sessions (bounded), oldest first, for show consent-token.
  [[nodiscard]] std::vector<ShellSessionLog> sessions() const;

 private:
  struct Session;
  // Why `level` may not open the shell now; empty when it may.
  std::string refusal(int level) const;
  Result<config::StreamOpen> open(const std::string& user, int level, std::string_view answer);
  Result<std::unique_ptr<Session>> spawn(const std::string& user);
  config::StreamHandle attach(uint64_t id, config::StreamSink sink);
  void on_pty(uint64_t id, uint32_t events);
  void write_input(Session& s, std::string_view bytes);
  void watch(Session& s);
  // Ends a session: hangs the shell up, closes its pty and log, logs why,
  // and (tell) gives the line back to the client with `message`.
  void end(uint64_t id, const std::string& reason, bool tell, const std::string& message);

  ConsentService& consent_;
  io::EventLoop& loop_;
  std::string dir_;  // <state>/shell-sessions
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Session>> open_;
  std::deque<ShellSessionLog> history_;  // closed sessions, newest last
  struct Exited {
    pid_t pid;
    int ticks;  // since hang-up: SIGKILL after a few
  };
  std::vector<Exited> reaping_;
};

}  // namespace kg::daemon
