#include "daemon/control_server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "daemon/control_protocol.h"

namespace kg::control {

Result<std::unique_ptr<ControlServer>> ControlServer::create(const std::string& path,
                                                             SessionFactory f, Watch watch) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) return fail(Errc::kInvalidArgument, "socket path too long");
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(Errc::kIo, "socket: " + std::string(strerror(errno)));
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size());
  ::unlink(path.c_str());  // stale socket from a previous run
  // Only the owner (root) may configure the daemon.
  mode_t old = ::umask(0077);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  ::umask(old);
  if (rc != 0 || ::listen(fd, 16) != 0) {
    std::string e = strerror(errno);
    ::close(fd);
    return fail(Errc::kIo, "bind/listen " + path + ": " + e);
  }
  std::unique_ptr<ControlServer> s(new ControlServer());
  s->listen_fd_ = fd;
  s->path_ = path;
  s->factory_ = std::move(f);
  s->watch_ = std::move(watch);
  return s;
}

ControlServer::~ControlServer() {
  for (auto& [fd, c] : clients_) ::close(fd);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
}

void ControlServer::on_ready(int fd) {
  if (fd == listen_fd_) { accept_all(); return; }
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  if (!flush(fd, c)) { drop(fd); return; }
  if (c.streaming && c.stream.resume && c.out.size() - c.out_sent < kMaxStreamBacklog) c.stream.resume();
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      c.in.append(buf, size_t(n));
      // One frame at most, or requests queued by a client that does not
      // read its replies: either way more than a client may make us hold.
      if (c.in.size() > kMaxFrame + 5) { drop(fd); return; }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    drop(fd);  // EOF or error
    return;
  }
  if (!serve(fd, c) || (c.hangup && c.out.empty())) { drop(fd); return; }
  update_watch(fd, c);
}

void ControlServer::accept_all() {
  while (true) {
    int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return;
    if (clients_.size() >= kMaxClients) {
      // Said as a monitor line, which the client prints whatever it asked.
      std::string f = encode_frame(uint8_t(Status::kMonitor), "% All " + std::to_string(kMaxClients) +
                                                                   " sessions are in use; try again later\n");
      (void)!::send(c, f.data(), f.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(c);
      ++refused_;
      continue;
    }
    // Who connected decides where the shell starts (CliSession::set_peer).
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      ::close(c);
      continue;
    }
    auto session = factory_();
    session->set_peer(cred.uid);
    Client& cl = clients_[c] = Client{std::move(session), {}, {}, 0, next_id_++, false, false, 0, false, {}};
    update_watch(c, cl);
  }
}

size_t ControlServer::pending_output(int fd) const {
  auto it = clients_.find(fd);
  return it == clients_.end() ? 0 : it->second.out.size() - it->second.out_sent;
}

bool ControlServer::flush(int fd, Client& c) {
  while (c.out_sent < c.out.size()) {
    ssize_t w = ::send(fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) { c.out_sent += size_t(w); continue; }
    if (w < 0 && errno == EINTR) continue;
    return w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);  // full: the rest when writable
  }
  c.out.clear();
  c.out_sent = 0;
  return true;
}

void ControlServer::update_watch(int fd, Client& c) {
  uint32_t want = EPOLLIN | (c.out_sent < c.out.size() ? uint32_t(EPOLLOUT) : 0u);
  if (want == c.events) return;
  c.events = want;
  if (watch_) watch_(fd, want);
}

bool ControlServer::serve(int fd, Client& c) {
  // Requests are answered in order: none while a deferred one is running or
  // the last reply is still on its way out. Bytes for an open stream pass
  // whatever its output is doing (the stream pauses itself).
  while (!c.busy && !c.hangup && (c.streaming || c.out.empty())) {
    bool bad = false;
    auto f = take_frame(c.in, kMaxFrame, bad);
    if (bad) return false;
    if (!f) return true;
    auto type = Request(f->type);
    if (type == Request::kStream || type == Request::kWindow) {
      feed(c, type, f->text);
      continue;
    }
    if (c.streaming) return false;  // a command in the middle of a stream: a broken client
    const std::string& text = f->text;
    Status st = Status::kOk;
    std::string out;
    switch (type) {
      case Request::kExec: {
        auto r = c.session->execute(text);
        if (r.deferred) {
          c.busy = true;
          uint64_t id = c.id;
          std::string first = r.text;
          // The answer is called from the event loop, never from inside
          // this call (see config::Deferred).
          r.deferred([this, fd, id, first](config::ExecResult done) {
            done.text = first + done.text;
            finish(fd, id, done);
          });
          return true;
        }
        if (r.stream) {
          if (!open_stream(fd, c, r.stream, r.text)) return false;
          continue;
        }
        st = r.ok ? Status::kOk : Status::kError;
        out = r.text;
        if (r.secret_prompt) {
          st = r.prompt_echo ? Status::kAsk : Status::kSecret;
          out += *r.secret_prompt;
        }
        break;
      }
      case Request::kComplete:
        for (auto& w : c.session->complete(text)) out += w + "\n";
        break;
      case Request::kHelp: out = c.session->help(text); break;
      case Request::kPrompt: out = c.session->prompt(); break;
      case Request::kTerminal: out = std::to_string(c.session->terminal().length); break;
      default: return false;
    }
    // After any monitor lines queued before it, in order.
    c.out += encode_frame(uint8_t(st), out);
    if (!flush(fd, c)) return false;
    if (c.session->terminal().closing) c.hangup = true;  // exit: the line hangs up
  }
  return true;
}

bool ControlServer::open_stream(int fd, Client& c, const config::StreamOpen& open, const std::string& first) {
  c.out += encode_frame(uint8_t(Status::kStreamOpen), first);
  c.streaming = true;
  uint64_t id = c.id;
  c.stream = open(config::StreamSink{
      [this, fd, id](std::string_view b) { return stream_output(fd, id, b); },
      [this, fd, id](config::ExecResult end) { finish_stream(fd, id, end); }});
  return flush(fd, c);
}

void ControlServer::feed(Client& c, Request type, const std::string& text) {
  if (!c.streaming) return;
  if (type == Request::kStream && c.stream.input) c.stream.input(text);
  if (type == Request::kWindow && c.stream.resize)
    if (auto w = decode_window(text)) c.stream.resize(w->rows, w->cols);
}

bool ControlServer::stream_output(int fd, uint64_t id, std::string_view bytes) {
  auto it = clients_.find(fd);
  if (it == clients_.end() || it->second.id != id || !it->second.streaming) return false;
  Client& c = it->second;
  c.out += encode_frame(uint8_t(Status::kStream), bytes);
  // A broken socket is dropped by on_ready (its hang-up ends the stream),
  // never from here: the stream is in the middle of its own callback.
  (void)flush(fd, c);
  update_watch(fd, c);
  return c.out.size() - c.out_sent < kMaxStreamBacklog;
}

void ControlServer::finish_stream(int fd, uint64_t id, const config::ExecResult& end) {
  auto it = clients_.find(fd);
  if (it == clients_.end() || it->second.id != id || !it->second.streaming) return;
  Client& c = it->second;
  c.streaming = false;
  c.stream = {};
  c.out += encode_frame(uint8_t(end.ok ? Status::kOk : Status::kError), end.text);
  if (!flush(fd, c) || !serve(fd, c) || (c.hangup && c.out.empty())) { drop(fd); return; }
  update_watch(fd, c);
}

void ControlServer::monitor_line(std::string_view line) {
  for (auto& [fd, c] : clients_) {
    if (!c.session->terminal().monitor || c.streaming) continue;  // not into a shell's screen
    if (c.out.size() - c.out_sent > kMaxMonitorBacklog) { ++monitor_lost_; continue; }
    c.out += encode_frame(uint8_t(Status::kMonitor), std::string(line) + "\n");
    // Gone or full: dropped or sent later, by on_ready (never from here,
    // which runs inside a log call).
    (void)flush(fd, c);
    update_watch(fd, c);
  }
}

void ControlServer::open_to_users(bool open) {
  ::chmod(path_.c_str(), open ? 0666 : 0600);
}

void ControlServer::finish(int fd, uint64_t id, const config::ExecResult& r) {
  auto it = clients_.find(fd);
  if (it == clients_.end() || it->second.id != id) return;  // gone
  Client& c = it->second;
  c.busy = false;
  c.out += encode_frame(uint8_t(r.ok ? Status::kOk : Status::kError), r.text);
  if (!flush(fd, c) || !serve(fd, c) || (c.hangup && c.out.empty())) { drop(fd); return; }
  update_watch(fd, c);
}

void ControlServer::drop(int fd) {
  if (auto it = clients_.find(fd); it != clients_.end() && it->second.streaming) {
    auto hangup = std::move(it->second.stream.hangup);
    it->second.streaming = false;
    it->second.stream = {};
    if (hangup) hangup();
  }
  if (watch_) watch_(fd, 0);
  ::close(fd);
  clients_.erase(fd);
}

}  // namespace kg::control
