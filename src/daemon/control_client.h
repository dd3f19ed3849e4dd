// Blocking control-socket client used by the `keygate` shell.
#pragma once
#include <string>

#include "common/result.h"
#include "daemon/control_protocol.h"

namespace kg::control {

struct Reply {
  bool ok = true;
  std::string text;
  bool secret = false;  // text ends with a prompt: send a secret, read without echo
};

class ControlClient {
 public:
  static Result<ControlClient> connect(const std::string& path);
  ControlClient(ControlClient&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  ControlClient& operator=(ControlClient&&) = delete;
  ~ControlClient();
  Result<Reply> request(Request type, const std::string& line);

 private:
  explicit ControlClient(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace kg::control
