#include "daemon/system_shell.h"

#include <fcntl.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/log.h"
#include "config/privilege.h"

extern char** environ;

namespace kg::daemon {
namespace {

constexpr size_t kMaxPendingInput = 1 << 20;  // typed faster than the shell reads: the rest is dropped
constexpr size_t kHistory = 16;               // closed sessions show consent-token lists
constexpr int kKillAfterTicks = 3;            // a shell that ignores SIGHUP

void event(const std::string& text) { log::event("CTOKEN", log::Level::kNotice, "SHELL", text); }

// A user name as part of a file name.
std::string file_safe(std::string s) {
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  return s;
}

// The shell's environment: keygated's, with a terminal type the relay
// passes through (the client's terminal takes the bytes as they come).
std::vector<std::string> shell_environment(const std::string& user) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "TERM=", 5) != 0 && std::strncmp(*e, "KEYGATE_", 8) != 0) env.emplace_back(*e);
  env.emplace_back("TERM=xterm-256color");
  env.emplace_back("KEYGATE_SHELL_USER=" + user);  // who opened it, for the shell's own scripts
  return env;
}

}  // namespace

struct SystemShell::Session {
  uint64_t id = 0;
  pid_t pid = -1;
  int pty = -1;  // the master side
  int log_fd = -1;
  ShellSessionLog info;
  config::StreamSink sink;
  std::string pending_input;  // typed, not yet taken by the pty
  bool paused = false;        // the client is behind: not reading the pty
  uint32_t events = 0;
};

SystemShell::SystemShell(ConsentService& consent, io::EventLoop& loop, std::string state_dir)
    : consent_(consent), loop_(loop), dir_(state_dir + "/shell-sessions") {}

SystemShell::~SystemShell() {
  while (!open_.empty()) end(open_.begin()->first, "keygated stopped", false, "");
}

void SystemShell::register_commands(config::Config& cfg) {
  cfg.table().add(
      config::Mode::kExec, "request platform software system shell",
      {"Request a system operation", "Platform", "Platform software", "The host system",
       "A shell on the host (needs consent-token shell-access)"},
      [this](config::CmdContext& c, const config::ParsedArgs&) -> Result<std::string> {
        if (!c.terminal) return fail(Errc::kState, "The system shell opens only from an interactive session");
        int level = c.terminal->privilege;
        std::string user = c.terminal->user.empty() ? "root" : c.terminal->user;
        if (auto why = refusal(level); !why.empty()) return fail(Errc::kState, why);
        config::SecretQuestion q;
        q.prompt = "Are you sure you want to continue? [y/n] ";
        q.echo = true;
        q.open_stream = [this, user, level](std::string_view a) { return open(user, level, a); };
        c.question = std::move(q);
        return std::string("Activity within this shell can jeopardize the functioning of the system.\n");
      });
}

std::string SystemShell::refusal(int level) const {
  if (level < config::kMaxPrivilege)
    return "System shell refused: privilege level " + std::to_string(level) + "; the system shell needs level 15";
  if (!consent_.authorized(consent::Privilege::kShellAccess))
    return "System shell refused: " + consent_.state().why_not_authorized(consent::Privilege::kShellAccess);
  return "";
}

Result<config::StreamOpen> SystemShell::open(const std::string& user, int level, std::string_view answer) {
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back()))) answer.remove_suffix(1);
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.front()))) answer.remove_prefix(1);
  if (answer != "y" && answer != "Y" && answer != "yes")
    return fail(Errc::kState, "System shell not opened: the answer was not 'y'");
  // The authorization may have ended while the question waited.
  if (auto why = refusal(level); !why.empty()) return fail(Errc::kState, why);
  auto s = spawn(user);
  if (!s) return fail(s.error().code, "System shell not opened: " + s.error().message);
  uint64_t id = (*s)->id;
  event("System shell opened for " + user + " (pid " + std::to_string((*s)->pid) + ", session log " +
        (*s)->info.path + ")");
  open_[id] = std::move(*s);
  // The server attaches the sink before the loop runs again: no output is lost.
  return config::StreamOpen([this, id](config::StreamSink sink) { return attach(id, std::move(sink)); });
}

Result<std::unique_ptr<SystemShell::Session>> SystemShell::spawn(const std::string& user) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  ::chmod(dir_.c_str(), 0700);
  auto s = std::make_unique<Session>();
  s->id = next_id_++;
  s->info.user = user;
  s->info.opened = std::time(nullptr);
  s->info.open = true;
  char stamp[32];
  std::tm tm{};
  gmtime_r(&s->info.opened, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::string base = dir_ + "/" + stamp + "-" + file_safe(user);
  for (int n = 1; s->log_fd < 0 && n < 100; ++n) {
    s->info.path = base + (n == 1 ? "" : "-" + std::to_string(n)) + ".log";
    s->log_fd = ::open(s->info.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (s->log_fd < 0 && errno != EEXIST) break;
  }
  if (s->log_fd < 0) return fail(Errc::kIo, "cannot create the session log in " + dir_ + ": " + strerror(errno));
  // Everything the child needs is made before fork: after it, only calls
  // that are safe in the child of a process with threads.
  auto env = shell_environment(user);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const char* shell = ::access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
  const passwd* pw = ::getpwuid(::getuid());
  std::string home = pw && pw->pw_dir ? pw->pw_dir : "/";  // not keygated's working directory
  char* argv[] = {const_cast<char*>(shell), const_cast<char*>("-i"), nullptr};
  winsize ws{24, 80, 0, 0};  // until the client says its size
  sigset_t none;
  sigemptyset(&none);
  pid_t pid = ::forkpty(&s->pty, nullptr, nullptr, &ws);
  if (pid < 0) {
    ::close(s->log_fd);
    return fail(Errc::kIo, std::string("forkpty: ") + strerror(errno));
  }
  if (pid == 0) {
    // keygated blocks the signals its loop reads and ignores SIGPIPE: the
    // shell starts with the defaults.
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGCHLD, SIGHUP}) ::signal(sig, SIG_DFL);
    ::closefrom(3);
    if (::chdir(home.c_str()) != 0) (void)!::chdir("/");
    ::execve(shell, argv, envp.data());
    ::_exit(127);
  }
  s->pid = pid;
  ::fcntl(s->pty, F_SETFD, FD_CLOEXEC);
  ::fcntl(s->pty, F_SETFL, ::fcntl(s->pty, F_GETFL) | O_NONBLOCK);
  uint64_t id = s->id;
  s->events = EPOLLIN;
  if (auto r = loop_.add_fd(s->pty, EPOLLIN, [this, id](uint32_t ev) { on_pty(id, ev); }); !r) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(s->pty);
    ::close(s->log_fd);
    return std::unexpected(r.error());
  }
  return s;
}

config::StreamHandle SystemShell::attach(uint64_t id, config::StreamSink sink) {
  if (auto it = open_.find(id); it != open_.end()) it->second->sink = std::move(sink);
  config::StreamHandle h;
  h.input = [this, id](std::string_view b) {
    if (auto it = open_.find(id); it != open_.end()) write_input(*it->second, b);
  };
  h.resize = [this, id](uint16_t rows, uint16_t cols) {
    auto it = open_.find(id);
    if (it == open_.end() || rows == 0 || cols == 0) return;
    winsize ws{rows, cols, 0, 0};
    ::ioctl(it->second->pty, TIOCSWINSZ, &ws);  // the kernel sends the shell SIGWINCH
  };
  h.resume = [this, id] {
    auto it = open_.find(id);
    if (it == open_.end() || !it->second->paused) return;
    it->second->paused = false;
    watch(*it->second);
  };
  h.hangup = [this, id] { end(id, "the keygate session went away", false, ""); };
  return h;
}

void SystemShell::watch(Session& s) {
  uint32_t want = (s.paused ? 0u : uint32_t(EPOLLIN)) | (s.pending_input.empty() ? 0u : uint32_t(EPOLLOUT));
  if (want == s.events) return;
  s.events = want;
  (void)loop_.set_fd_events(s.pty, want);
}

void SystemShell::write_input(Session& s, std::string_view bytes) {
  if (s.pending_input.empty()) {
    ssize_t w = ::write(s.pty, bytes.data(), bytes.size());
    if (w > 0) bytes.remove_prefix(size_t(w));
    // EIO: the shell has gone; its hang-up on the pty ends the session.
  }
  size_t room = kMaxPendingInput - std::min(kMaxPendingInput, s.pending_input.size());
  s.pending_input.append(bytes.substr(0, room));
  watch(s);
}

void SystemShell::on_pty(uint64_t id, uint32_t events) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  Session& s = *it->second;
  if ((events & EPOLLOUT) && !s.pending_input.empty()) {
    ssize_t w = ::write(s.pty, s.pending_input.data(), s.pending_input.size());
    if (w > 0) s.pending_input.erase(0, size_t(w));
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    char buf[4096];
    // A few reads a wake-up: a shell printing without pause does not
    // starve the rest of the loop.
    for (int i = 0; i < 16 && !s.paused; ++i) {
      ssize_t n = ::read(s.pty, buf, sizeof buf);
      if (n > 0) {
        (void)!::write(s.log_fd, buf, size_t(n));
        if (s.sink.output && !s.sink.output(std::string_view(buf, size_t(n)))) s.paused = true;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      end(id, "the shell exited", true, "");  // EIO or EOF: nothing holds the pty's other side
      return;
    }
  }
  watch(s);
}

void SystemShell::end(uint64_t id, const std::string& reason, bool tell, const std::string& message) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  std::unique_ptr<Session> s = std::move(it->second);
  open_.erase(it);
  loop_.remove_fd(s->pty);
  ::close(s->pty);
  ::close(s->log_fd);
  ::kill(-s->pid, SIGHUP);  // its process group: forkpty made it a session leader
  ::kill(s->pid, SIGHUP);
  if (::waitpid(s->pid, nullptr, WNOHANG) == 0) reaping_.push_back({s->pid, 0});
  event("System shell closed for " + s->info.user + " (pid " + std::to_string(s->pid) + "): " + reason);
  s->info.open = false;
  history_.push_back(s->info);
  if (history_.size() > kHistory) history_.pop_front();
  if (tell && s->sink.close) s->sink.close(config::ExecResult{true, message});
}

void SystemShell::tick() {
  if (!consent_.authorized(consent::Privilege::kShellAccess)) {
    std::string why = consent_.state().why_not_authorized(consent::Privilege::kShellAccess);
    while (!open_.empty())
      end(open_.begin()->first, why, true, "\r\n% System shell closed: " + why + "\n");
  }
  for (auto it = reaping_.begin(); it != reaping_.end();) {
    if (::waitpid(it->pid, nullptr, WNOHANG) != 0) { it = reaping_.erase(it); continue; }
    if (++it->ticks >= kKillAfterTicks) ::kill(-it->pid, SIGKILL), ::kill(it->pid, SIGKILL);
    ++it;
  }
}

std::vector<ShellSessionLog> SystemShell::sessions() const {
  std::vector<ShellSessionLog> out(history_.begin(), history_.end());
  for (const auto& [id, s] : open_) out.push_back(s->info);
  return out;
}

}  // namespace kg::daemon
