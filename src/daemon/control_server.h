// Control-socket server, driven by the daemon's own epoll loop (no threads).
// The daemon calls on_ready(fd) whenever listen_fd() or a client fd it was
// told about through `watch` is readable.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "config/session.h"

namespace kg::control {

class ControlServer {
 public:
  using SessionFactory = std::function<std::unique_ptr<config::CliSession>()>;
  // watch(fd, true) = add fd to the event loop (readable), watch(fd, false) = remove.
  using Watch = std::function<void(int fd, bool add)>;
  static Result<std::unique_ptr<ControlServer>> create(const std::string& path, SessionFactory f,
                                                       Watch watch);
  ~ControlServer();
  int listen_fd() const { return listen_fd_; }
  void on_ready(int fd);
  size_t client_count() const { return clients_.size(); }
  // Whether local users other than root may connect (and then log in with a
  // local username): the socket is 0666 while `username` lines exist, 0600
  // otherwise. Root always may; its shell starts at level 15.
  void open_to_users(bool open);
  // A log line for every session with `terminal monitor` on (log::set_monitor).
  // Never blocks: a session whose socket is full loses lines beyond a bound,
  // and they are counted.
  void monitor_line(std::string_view line);
  uint64_t monitor_lines_lost() const { return monitor_lost_; }

 private:
  struct Client {
    std::unique_ptr<config::CliSession> session;
    std::string in;
    std::string out;  // monitor frames the socket did not take yet
    uint64_t id = 0;     // tells a later client on the same fd apart
    bool busy = false;   // a deferred command (ping) has not answered yet
  };
  static constexpr size_t kMaxMonitorBacklog = 256 * 1024;
  uint64_t monitor_lost_ = 0;
  ControlServer() = default;
  void accept_all();
  bool serve(int fd, Client& c);  // false = drop client
  void drop(int fd);
  // The answer of a deferred command: written, then the client's next
  // requests are served. Dropped if the client has gone meanwhile.
  void finish(int fd, uint64_t id, const config::ExecResult& r);
  int listen_fd_ = -1;
  std::string path_;
  SessionFactory factory_;
  Watch watch_;
  std::map<int, Client> clients_;
  uint64_t next_id_ = 1;
};

}  // namespace kg::control
