// Blocking control-socket client used by the `keygate` shell.
#pragma once
#include <functional>
#include <string>

#include "common/result.h"
#include "daemon/control_protocol.h"

namespace kg::control {

struct Reply {
  bool ok = true;
  std::string text;
  bool secret = false;  // text ends with a prompt: send a secret, read without echo
  bool monitor = false;  // a log line for `terminal monitor`, not a reply
  bool ask = false;      // like secret, but the answer is typed visibly
  bool stream_open = false;  // the line is now a byte stream (text: print it first)
  bool stream = false;   // bytes of the open stream's output, not a reply
};

class ControlClient {
 public:
  static Result<ControlClient> connect(const std::string& path);
  ControlClient(ControlClient&& o) noexcept : on_monitor(std::move(o.on_monitor)), fd_(o.fd_) { o.fd_ = -1; }
  ControlClient& operator=(ControlClient&&) = delete;
  ~ControlClient();
  Result<Reply> request(Request type, const std::string& line);
  // Monitor lines that arrive between requests (or before a reply) go here.
  std::function<void(const std::string&)> on_monitor;
  int fd() const { return fd_; }
  // Reads the frames waiting on the socket now (monitor lines); true if any.
  Result<bool> poll_monitor();
  // While a stream is open: send STREAM/WINDOW requests (no reply comes) and
  // read the frames as they come (stream bytes, then the reply that ends it).
  Result<void> send(Request type, std::string_view text);
  Result<Reply> read_frame();

 private:
  explicit ControlClient(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace kg::control
