#include "daemon/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace kg::control {

Result<ControlClient> ControlClient::connect(const std::string& path) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) return fail(Errc::kInvalidArgument, "socket path too long");
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(Errc::kIo, "socket");
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    std::string e = strerror(errno);
    ::close(fd);
    return fail(Errc::kIo, "connect " + path + ": " + e);
  }
  return ControlClient(fd);
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {
bool read_n(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
  }
  return true;
}
}  // namespace

Result<Reply> ControlClient::read_frame() {
  unsigned char h[5];
  if (!read_n(fd_, reinterpret_cast<char*>(h), 5)) return fail(Errc::kIo, "daemon closed the connection");
  uint32_t len = uint32_t(h[0]) << 24 | uint32_t(h[1]) << 16 | uint32_t(h[2]) << 8 | h[3];
  if (len == 0 || len > kMaxReplyFrame) return fail(Errc::kInvalidSyntax, "bad reply frame");
  // Grown as the bytes arrive, not sized from the header: a frame that
  // promises a gigabyte and ends early costs only what came.
  std::string text;
  for (size_t want = len - 1; text.size() < want;) {
    size_t at = text.size(), n = std::min<size_t>(want - at, 1 << 16);
    text.resize(at + n);
    if (!read_n(fd_, text.data() + at, n)) return fail(Errc::kIo, "short reply");
  }
  Reply r;
  auto st = Status(h[4]);
  r.secret = st == Status::kSecret;
  r.monitor = st == Status::kMonitor;
  r.ask = st == Status::kAsk;
  r.stream_open = st == Status::kStreamOpen;
  r.stream = st == Status::kStream;
  r.ok = st != Status::kError;
  r.text = std::move(text);
  return r;
}

Result<bool> ControlClient::poll_monitor() {
  bool any = false;
  while (true) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return any;
    auto r = read_frame();
    if (!r) return std::unexpected(r.error());
    if (r->monitor && on_monitor) on_monitor(r->text);
    any = true;
  }
}

Result<void> ControlClient::send(Request type, std::string_view text) {
  std::string f = encode_frame(uint8_t(type), text);
  size_t off = 0;
  while (off < f.size()) {
    ssize_t w = ::send(fd_, f.data() + off, f.size() - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return fail(Errc::kIo, "send to daemon");
    off += size_t(w);
  }
  return {};
}

Result<Reply> ControlClient::request(Request type, const std::string& line) {
  if (auto s = send(type, line); !s) return std::unexpected(s.error());
  // Monitor lines may come before the reply (terminal monitor).
  while (true) {
    auto r = read_frame();
    if (!r || !r->monitor) return r;
    if (on_monitor) on_monitor(r->text);
  }
}

}  // namespace kg::control
