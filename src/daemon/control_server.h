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

 private:
  struct Client {
    std::unique_ptr<config::CliSession> session;
    std::string in;
    uint64_t id = 0;     // tells a later client on the same fd apart
    bool busy = false;   // a deferred command (ping) has not answered yet
  };
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
