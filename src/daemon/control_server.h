// Control-socket server, driven by the daemon's own epoll loop (no threads).
// The daemon calls on_ready(fd) whenever listen_fd() or a client fd it was
// told about through `watch` is ready in the way it asked for.
//
// Nothing here blocks the loop: a reply the client's socket does not take at
// once waits in the client's output and goes out as the socket drains
// (writable readiness is asked for only while output waits), and the
// client's next request is served only after it. A client is dropped, never
// waited for, when it sends a frame over kMaxFrame or queues more than
// kMaxFrame of requests without reading; at most kMaxClients are connected.
//
// A command may turn its client's line into a byte stream (config::StreamOpen,
// the system shell): STREAM and WINDOW requests then go to the stream, its
// output goes out as STREAM frames, and the stream's end is the reply that
// gives the line back to the shell. Output the client has not taken beyond
// kMaxStreamBacklog pauses the stream (StreamSink::output says so) until the
// socket drains; a client that hangs up ends its stream.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "config/session.h"
#include "daemon/control_protocol.h"

namespace kg::control {

class ControlServer {
 public:
  using SessionFactory = std::function<std::unique_ptr<config::CliSession>()>;
  // watch(fd, EPOLLIN [| EPOLLOUT]) = watch fd for these (added, or changed),
  // watch(fd, 0) = remove it from the event loop.
  using Watch = std::function<void(int fd, uint32_t events)>;
  // Sessions at once (IOS: line vty 0 15); a client beyond is told so and hung up.
  static constexpr size_t kMaxClients = 16;
  static constexpr size_t kMaxStreamBacklog = 256 * 1024;
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
  uint64_t sessions_refused() const { return refused_; }  // over kMaxClients
  // Output waiting for the client's socket on `fd` (tests).
  size_t pending_output(int fd) const;

 private:
  struct Client {
    std::unique_ptr<config::CliSession> session;
    std::string in;
    std::string out;  // frames (replies, monitor lines) the socket did not take yet
    size_t out_sent = 0; // of `out`, already sent
    uint64_t id = 0;     // tells a later client on the same fd apart
    bool busy = false;   // a deferred command (ping) has not answered yet
    bool hangup = false; // exit: close once the last reply is out
    uint32_t events = 0; // what the loop watches for (watch_)
    bool streaming = false;       // the line is a byte stream (stream)
    config::StreamHandle stream;  // set while streaming
  };
  static constexpr size_t kMaxMonitorBacklog = 256 * 1024;
  uint64_t monitor_lost_ = 0;
  uint64_t refused_ = 0;
  ControlServer() = default;
  void accept_all();
  bool serve(int fd, Client& c);  // false = drop client
  // Sends what the socket takes of c.out; false if the client is gone.
  bool flush(int fd, Client& c);
  // Watches for writability exactly while output waits.
  void update_watch(int fd, Client& c);
  void drop(int fd);
  // The answer of a deferred command: written, then the client's next
  // requests are served. Dropped if the client has gone meanwhile.
  void finish(int fd, uint64_t id, const config::ExecResult& r);
  // A stream's output and its end (StreamSink), from the event loop.
  bool stream_output(int fd, uint64_t id, std::string_view bytes);
  void finish_stream(int fd, uint64_t id, const config::ExecResult& end);
  // Starts the stream a command opened; `first` is printed before it.
  bool open_stream(int fd, Client& c, const config::StreamOpen& open, const std::string& first);
  // A STREAM or WINDOW request: to the open stream, or dropped (typed as it ended).
  static void feed(Client& c, Request type, const std::string& text);
  int listen_fd_ = -1;
  std::string path_;
  SessionFactory factory_;
  Watch watch_;
  std::map<int, Client> clients_;
  uint64_t next_id_ = 1;
};

}  // namespace kg::control
