#include "daemon/web_service.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <openssl/crypto.h>

#include "common/log.h"
#include "crypto/self_signed.h"

namespace kg::daemon {

namespace {

constexpr const char* kSelfSignedLabel = "TP-self-signed-http";
constexpr std::chrono::seconds kMaxBackoff{30};

void log_http(log::Level sev, std::string_view mnemonic, std::string_view text) {
  log::event("HTTP", sev, mnemonic, text);
}

// The clear key of a state-directory pair, as PEM for keygate-web's pipe
// (a key on a token cannot leave it: empty).
std::string key_pem(const config::KeyStore& keys, const std::string& label) {
  auto der = keys.private_pkcs8(label);
  if (!der) return "";
  return crypto::pem_block("PRIVATE KEY", der->view());
}

// A listening TCP socket for every address, IPv6 and IPv4 alike (one
// dual-stack socket; IPv4 alone where the kernel has no IPv6), bound by
// keygated: it keeps CAP_NET_BIND_SERVICE after -u USER, keygate-web never
// has it. Close-on-exec: only the copy handed to keygate-web survives.
Result<int> listen_any(int port) {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (fd >= 0) {
    int no = 0;
    (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &no, sizeof no);
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_any;
    a->sin6_port = htons(uint16_t(port));
    len = sizeof(sockaddr_in6);
  } else {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail(Errc::kIo, std::string("socket: ") + std::strerror(errno));
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    a->sin_port = htons(uint16_t(port));
    len = sizeof(sockaddr_in);
  }
  int yes = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 64) != 0) {
    int e = errno;
    ::close(fd);
    return fail(Errc::kIo, "cannot listen on port " + std::to_string(port) + ": " + std::strerror(e));
  }
  // Above the fds it becomes in keygate-web (0, 3, 4), so no dup2 of the
  // spawn clobbers another's source.
  int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  if (high < 0) return fail(Errc::kIo, std::string("fcntl: ") + std::strerror(errno));
  return high;
}

}  // namespace

WebService::WebService(config::Config& cfg, std::string program, std::string socket)
    : cfg_(cfg), program_(std::move(program)), socket_(std::move(socket)) {}

WebService::~WebService() { stop(); }

std::optional<std::vector<std::string>> WebService::arguments(const config::Model& m, const std::string& socket) {
  const config::HttpServer& h = m.http;
  if (!h.secure_server) return std::nullopt;
  std::vector<std::string> a = {"--socket", socket, "--port", std::to_string(h.secure_port), "--hostname", m.hostname};
  if (h.server) a.insert(a.end(), {"--http-port", std::to_string(h.port)});
  if (!h.access_class.empty()) {
    auto it = m.access_lists.find(h.access_class);
    // A class naming no list admits nobody, as IOS's implicit deny would.
    if (it == m.access_lists.end()) a.insert(a.end(), {"--access", "deny,0.0.0.0,255.255.255.255"});
    else
      for (const auto& e : it->second.entries)
        a.insert(a.end(), {"--access", std::string(e.permit ? "permit" : "deny") + "," + e.addr + "," + e.wildcard});
  }
  return a;
}

void WebService::apply(const config::Model& m, TimePoint now) {
  auto want = arguments(m, socket_);
  std::string tp = m.http.secure_trustpoint;
  if (want == want_ && tp == want_trustpoint_) return;
  bool was = want_.has_value();
  stop();
  want_ = std::move(want);
  want_trustpoint_ = tp;
  backoff_ = std::chrono::seconds(1);
  restart_at_.reset();
  if (want_) restart_at_ = now;
  else if (was) log_http(log::Level::kNotice, "SERVER_STOPPED", "HTTP secure server stopped");
}

void WebService::tick(TimePoint now) {
  if (pid_ > 0) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return;
    pid_ = -1;
    std::string how = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                          : "status " + std::to_string(WEXITSTATUS(status));
    // One that ran a while had a transient fault: restart soon again.
    if (now - started_ > std::chrono::minutes(1)) backoff_ = std::chrono::seconds(1);
    log_http(log::Level::kError, "SERVER_EXITED",
             "keygate-web exited (" + how + "); restarting in " + std::to_string(backoff_.count()) + " s");
    restart_at_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    return;
  }
  if (want_ && restart_at_ && now >= *restart_at_) {
    restart_at_.reset();
    start(now);
  }
}

Result<std::string> WebService::self_signed_pem(const config::Model& m) {
  namespace fs = std::filesystem;
  const std::string& dir = cfg_.state_dir();
  fs::path crt = dir.empty() ? fs::path() : fs::path(dir) / "http" / "self-signed.crt";
  auto key = cfg_.keys().get(kSelfSignedLabel);
  std::string cert = memory_cert_;
  if (!crt.empty() && fs::exists(crt)) {
    std::ifstream in(crt);
    std::stringstream ss;
    ss << in.rdbuf();
    cert = ss.str();
  }
  if (!key || cert.empty()) {
    auto made = crypto::make_self_signed(m.hostname, 3650);
    if (!made) return std::unexpected(made.error());
    if (auto put = cfg_.keys().put(kSelfSignedLabel, *made->key); !put) return std::unexpected(put.error());
    cert = crypto::pem_block("CERTIFICATE", made->cert.der());
    if (!crt.empty()) {
      std::error_code ec;
      fs::create_directories(crt.parent_path(), ec);
      std::ofstream out(crt, std::ios::trunc);
      out << cert;
      if (!out.flush()) return fail(Errc::kIo, "cannot write " + crt.string());
    } else {
      memory_cert_ = cert;
    }
    key = cfg_.keys().get(kSelfSignedLabel);
    log_http(log::Level::kNotice, "SELF_SIGNED",
             "Generated a self-signed certificate (" + std::string(kSelfSignedLabel) + ") for the HTTP secure server");
  }
  std::string k = key_pem(cfg_.keys(), kSelfSignedLabel);
  if (k.empty()) return fail(Errc::kNotFound, "the self-signed key is not usable");
  return cert + k;
}

Result<std::string> WebService::tls_pem(const config::Model& m) {
  if (m.http.secure_trustpoint.empty()) return self_signed_pem(m);
  auto tp = cfg_.pki().trustpoint(m.http.secure_trustpoint);
  if (!tp || !tp->can_sign())
    return fail(Errc::kNotFound, "trustpoint " + m.http.secure_trustpoint + " has no certificate and key");
  auto cfg_tp = m.trustpoints.find(m.http.secure_trustpoint);
  std::string k = cfg_tp == m.trustpoints.end() ? std::string()
                                                : key_pem(cfg_.keys(), config::key_label(cfg_tp->first, cfg_tp->second));
  if (k.empty()) return fail(Errc::kUnsupported, "the key of trustpoint " + m.http.secure_trustpoint + " cannot be handed to the web server");
  std::string pem;
  for (const auto& c : tp->chain_to_send()) pem += crypto::pem_block("CERTIFICATE", c.der());
  return pem + k;
}

void WebService::start(TimePoint now) {
  started_ = now;
  auto retry = [&](const std::string& why) {
    log_http(log::Level::kError, "SERVER_FAILED", "HTTP secure server not started: " + why);
    restart_at_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  };
  auto pem = tls_pem(cfg_.model());
  if (!pem) return retry(pem.error().message);
  // keygated binds the ports (port 443 needs CAP_NET_BIND_SERVICE, which
  // keygated keeps after -u USER) and hands them over as fds 3 and 4.
  const config::HttpServer& h = cfg_.model().http;
  auto https_fd = listen_any(h.secure_port);
  if (!https_fd) return retry(https_fd.error().message);
  int http_fd = -1;
  if (h.server) {
    auto f = listen_any(h.port);
    if (!f) {
      ::close(*https_fd);
      return retry(f.error().message);
    }
    http_fd = *f;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(*https_fd);
    if (http_fd >= 0) ::close(http_fd);
    return retry(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> args = {program_};
  args.insert(args.end(), want_->begin(), want_->end());
  args.insert(args.end(), {"--https-fd", "3"});
  if (http_fd >= 0) args.insert(args.end(), {"--http-fd", "4"});
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);  // dup2 clears CLOEXEC on fd 0
  posix_spawn_file_actions_adddup2(&fa, *https_fd, 3);
  if (http_fd >= 0) posix_spawn_file_actions_adddup2(&fa, http_fd, 4);
  // keygate-web starts with default signal handling whatever keygated blocked.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program_.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(fds[0]);
  ::close(*https_fd);  // keygate-web's now; keygated keeps no copy
  if (http_fd >= 0) ::close(http_fd);
  if (rc != 0) {
    ::close(fds[1]);
    OPENSSL_cleanse(pem->data(), pem->size());
    return retry(program_ + ": " + std::strerror(rc));
  }
  pid_ = pid;
  // A few kB: the pipe takes it whole, so this never blocks the loop.
  bool written = ::write(fds[1], pem->data(), pem->size()) == ssize_t(pem->size());
  ::close(fds[1]);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!written) log_http(log::Level::kError, "SERVER_FAILED", "could not hand the certificate to keygate-web");
  log_http(log::Level::kNotice, "SERVER_STARTED",
           "HTTP secure server started on port " + std::to_string(cfg_.model().http.secure_port) + " (keygate-web pid " +
               std::to_string(pid) + ")");
}

void WebService::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  // keygate-web dies on SIGTERM at once; wait briefly, then insist.
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace kg::daemon
