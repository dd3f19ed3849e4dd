#include "cli/stream_relay.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace kg::cli {
namespace {

volatile sig_atomic_t g_resized = 0;
void on_winch(int) { g_resized = 1; }

bool write_all(int fd, std::string_view b) {
  while (!b.empty()) {
    ssize_t w = ::write(fd, b.data(), b.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    b.remove_prefix(size_t(w));
  }
  return true;
}

// Raw mode for as long as it lives; the terminal's settings and SIGWINCH's
// handling come back on every way out.
class RawTerminal {
 public:
  RawTerminal() {
    tty_ = ::tcgetattr(STDIN_FILENO, &saved_) == 0;
    if (tty_) {
      termios raw = saved_;
      ::cfmakeraw(&raw);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    // SIGWINCH is taken only inside ppoll: no size change slips between
    // the check and the wait.
    sigset_t winch;
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    ::sigprocmask(SIG_BLOCK, &winch, &mask_);
    struct sigaction sa {};
    sa.sa_handler = on_winch;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGWINCH, &sa, &old_action_);
  }
  ~RawTerminal() {
    if (tty_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    ::sigaction(SIGWINCH, &old_action_, nullptr);
    ::sigprocmask(SIG_SETMASK, &mask_, nullptr);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool tty() const { return tty_; }
  // The mask to wait with: SIGWINCH let through.
  sigset_t waiting() const {
    sigset_t s = mask_;
    sigdelset(&s, SIGWINCH);
    return s;
  }

 private:
  bool tty_ = false;
  termios saved_{};
  sigset_t mask_{};
  struct sigaction old_action_ {};
};

Result<void> send_size(control::ControlClient& c) {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return {};
  return c.send(control::Request::kWindow, control::encode_window({ws.ws_row, ws.ws_col}));
}

}  // namespace

Result<control::Reply> relay_stream(control::ControlClient& c) {
  std::fflush(stdout);
  RawTerminal term;
  g_resized = 0;
  if (term.tty())
    if (auto r = send_size(c); !r) return std::unexpected(r.error());
  sigset_t waiting = term.waiting();
  bool input_open = true;
  while (true) {
    if (g_resized) {
      g_resized = 0;
      if (auto r = send_size(c); !r) return std::unexpected(r.error());
    }
    pollfd p[2] = {{input_open ? STDIN_FILENO : -1, POLLIN, 0}, {c.fd(), POLLIN, 0}};
    // After the end of input, Ctrl-D again each second: one sent while the
    // shell was not yet reading its line editor's input can be lost.
    timespec again{1, 0};
    int n = ::ppoll(p, 2, input_open ? nullptr : &again, &waiting);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Errc::kIo, "poll");
    }
    if (n == 0) {
      if (auto r = c.send(control::Request::kStream, "\x04"); !r) return std::unexpected(r.error());
      continue;
    }
    if (p[1].revents) {
      auto f = c.read_frame();
      if (!f) return f;
      if (f->stream) {
        if (!write_all(STDOUT_FILENO, f->text)) return fail(Errc::kIo, "write to the terminal");
        continue;
      }
      if (f->monitor) continue;  // not into the shell's screen (the server sends none)
      return f;  // the stream's end
    }
    if (p[0].revents) {
      char buf[4096];
      ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      std::string_view typed = got > 0 ? std::string_view(buf, size_t(got)) : std::string_view("\x04");
      if (got <= 0) input_open = false;  // end of input: Ctrl-D ends the shell's input too
      if (auto r = c.send(control::Request::kStream, typed); !r) return std::unexpected(r.error());
    }
  }
}

}  // namespace kg::cli
