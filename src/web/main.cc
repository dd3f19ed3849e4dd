// keygate-web: the router's web page for end users (seed 000), a separate
// program so that TLS and HTTP parsing never run inside keygated. keygated
// starts it while `ip http secure-server` is configured (daemon/web_service.h)
// and hands it the HTTPS certificate and key on standard input and the
// listening sockets it bound (--https-fd, --http-fd: one dual-stack socket
// each, IPv6 and IPv4; keygated keeps CAP_NET_BIND_SERVICE after -u USER, so
// port 443 works either way). Started by hand it binds "::" itself. It drops
// root (when it has it) for an unprivileged user and then serves:
//   GET  /login, POST /login       log in with a local username and secret
//   GET  /                         token status, PIN entry, PIN change, VPN status
//   POST /token/login              crypto pki token NAME login      (the PIN answers its secret prompt)
//   POST /token/change-pin         crypto pki token NAME change-pin (the current PIN, the new PIN
//                                  and its confirmation answer its three secret prompts)
//   POST /logout
// Every action is an exec command that keygated runs for the logged-in user
// (web/sessions.h), so privilege levels are checked in one place, keygated.
// HTTP is cpp-httplib (Debian's libcpp-httplib), TLS is OpenSSL.
#include <fcntl.h>
#include <grp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "common/ip.h"
#include "web/login_guard.h"
#include "web/pages.h"
#include "web/sessions.h"
#include "web/token_list.h"

namespace kg::web {
namespace {

struct Options {
  std::string socket = "/run/keygate/keygated.sock";
  std::string listen = "::";  // IPv6 and IPv4 (httplib makes "::" dual-stack)
  int port = 443;
  int http_port = 0;  // 0: no plain HTTP
  // Listening sockets keygated bound and handed over (-1: bind here). With
  // them keygate-web needs no privilege for ports below 1024.
  int https_fd = -1, http_fd = -1;
  std::string user = "nobody";
  std::string hostname = "keygate";
  // ip http access-class: standard ACL entries in order; none: everyone.
  struct Rule {
    bool permit;
    uint32_t addr, wildcard;
  };
  std::vector<Rule> access;
};

[[noreturn]] void usage(const char* why) {
  std::cerr << "keygate-web: " << why << "\n"
            << "usage: keygate-web [--socket PATH] [--listen ADDR] [--port N] [--http-port N] [--user NAME]\n"
               "                   [--hostname NAME] [--access permit|deny,ADDR,WILDCARD]...\n"
               "                   [--https-fd N] [--http-fd N]   (listening sockets already bound)\n"
               "The HTTPS certificate (chain) and its private key are read as PEM from standard input.\n";
  std::exit(2);
}

uint32_t ipv4(const std::string& s) {
  auto a = IpAddress::parse(s);
  if (!a || !a->is_v4()) usage(("not an IPv4 address: " + s).c_str());
  return a->v4_host_order();
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + a).c_str());
    std::string v = argv[++i];
    if (a == "--socket") o.socket = v;
    else if (a == "--listen") o.listen = v;
    else if (a == "--port") o.port = std::stoi(v);
    else if (a == "--http-port") o.http_port = std::stoi(v);
    else if (a == "--https-fd") o.https_fd = std::stoi(v);
    else if (a == "--http-fd") o.http_fd = std::stoi(v);
    else if (a == "--user") o.user = v;
    else if (a == "--hostname") o.hostname = v;
    else if (a == "--access") {
      auto c1 = v.find(','), c2 = v.find(',', c1 + 1);
      if (c1 == std::string::npos || c2 == std::string::npos) usage("--access wants permit|deny,ADDR,WILDCARD");
      std::string what = v.substr(0, c1);
      if (what != "permit" && what != "deny") usage("--access wants permit|deny,ADDR,WILDCARD");
      o.access.push_back({what == "permit", ipv4(v.substr(c1 + 1, c2 - c1 - 1)), ipv4(v.substr(c2 + 1))});
    } else usage(("unknown option " + a).c_str());
  }
  return o;
}

// ip http access-class: the first matching entry decides; no match denies
// (a standard ACL's implicit deny). IPv6 clients pass only without a list.
bool admitted(const Options& o, const std::string& remote) {
  if (o.access.empty()) return true;
  std::string r = remote.starts_with("::ffff:") ? remote.substr(7) : remote;
  auto a = IpAddress::parse(r);
  if (!a || !a->is_v4()) return false;
  uint32_t x = a->v4_host_order();
  for (const auto& rule : o.access)
    if ((x & ~rule.wildcard) == (rule.addr & ~rule.wildcard)) return rule.permit;
  return false;
}

// The certificate chain and key from standard input (PEM), never from a file.
struct TlsMaterial {
  std::vector<X509*> chain;
  EVP_PKEY* key = nullptr;
};

TlsMaterial read_tls_material() {
  std::string pem((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  TlsMaterial m;
  BIO* bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
  while (X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) m.chain.push_back(c);
  ERR_clear_error();
  BIO_free(bio);
  bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
  m.key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (m.chain.empty() || !m.key) usage("no certificate and private key on standard input");
  return m;
}

// TLS 1.2 and 1.3 only, forward-secret AEAD suites only, no renegotiation,
// no compression, no session tickets (nothing to steal from memory later).
bool setup_tls(SSL_CTX& ctx, const TlsMaterial& m) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                                SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(&ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) return false;
  if (SSL_CTX_use_certificate(&ctx, m.chain[0]) != 1) return false;
  for (size_t i = 1; i < m.chain.size(); ++i) {
    X509_up_ref(m.chain[i]);
    if (SSL_CTX_add_extra_chain_cert(&ctx, m.chain[i]) != 1) return false;
  }
  return SSL_CTX_use_PrivateKey(&ctx, m.key) == 1 && SSL_CTX_check_private_key(&ctx) == 1;
}

void drop_root(const std::string& user) {
  if (::geteuid() != 0) return;  // started unprivileged already (tests)
  passwd* pw = ::getpwnam(user.c_str());
  if (!pw) usage(("no such user: " + user).c_str());
  if (pw->pw_uid == 0) usage("refusing to serve as root");
  if (::setgroups(0, nullptr) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0) {
    std::perror("keygate-web: dropping root");
    std::exit(1);
  }
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (::setuid(0) == 0) {  // must not be able to get root back
    std::cerr << "keygate-web: still able to regain root\n";
    std::exit(1);
  }
}

std::string cookie(const httplib::Request& req, const std::string& name) {
  std::string all = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    size_t s = part.find_first_not_of(' ');
    if (s != std::string::npos) part = part.substr(s);
    if (part.starts_with(name + "=")) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string set_cookie(const std::string& name, const std::string& value, bool clear = false) {
  return name + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=Strict" + (clear ? "; Max-Age=0" : "");
}

// A form post must come from one of our own pages: the browser's Origin (or,
// failing that, Referer) names this host. SameSite=Strict keeps the cookie
// off cross-site posts already; this refuses them even without a cookie.
bool same_origin(const httplib::Request& req) {
  std::string host = req.get_header_value("Host");
  std::string origin = req.get_header_value("Origin");
  if (origin.empty()) {
    std::string ref = req.get_header_value("Referer");
    if (ref.empty()) return false;
    auto p = ref.find('/', 8);
    origin = ref.substr(0, p);
  }
  return !host.empty() && origin == "https://" + host;
}

// A token name or a PIN as it may go to keygated: a name is one word of
// ordinary characters (it becomes part of a command line); a PIN is sent as a
// secret answer, never on the command line, and may hold any printable character.
bool valid_token_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  return true;
}
bool valid_pin(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}
void wipe(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

void see_other(httplib::Response& res, const std::string& where) {
  res.status = 303;
  res.set_header("Location", where);
}

// keygated's answer, as a message for the user: its last "% " line (the
// IOS error marker line above it means nothing on a web page), unmarked.
std::string as_message(const Answer& a, const std::string& fallback) {
  // What the user's privilege level does not include is, to the CLI, a
  // command that does not exist.
  if (a.text.find("% Invalid input detected") != std::string::npos) return "Not permitted for this user";
  std::string best;
  size_t p = 0;
  while (p < a.text.size()) {
    size_t e = a.text.find('\n', p);
    if (e == std::string::npos) e = a.text.size();
    std::string line = a.text.substr(p, e - p);
    if (line.starts_with("% ")) best = line.substr(2);
    else if (best.empty() && !line.empty() && line.find_first_not_of(" ^") != std::string::npos) best = line;
    p = e + 1;
  }
  return best.empty() ? fallback : best;
}

// httplib's servers, able to take a listening socket bound by keygated.
template <class S>
struct Listener : S {
  using S::S;
  void adopt(int fd) { this->svr_sock_ = fd; }
};

// Listens on the socket keygated handed over, or binds one itself.
template <class S>
bool listen_on(Listener<S>& server, const Options& o, int fd, int port) {
  if (fd < 0) return server.bind_to_port(o.listen, port);
  int type = 0, listening = 0;
  socklen_t n = sizeof type, m = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &n) != 0 || type != SOCK_STREAM ||
      ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &m) != 0 || !listening)
    return false;
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  server.adopt(fd);
  return true;
}

int serve(const Options& o) {
  const pid_t parent = ::getppid();
  TlsMaterial tls = read_tls_material();
  Listener<httplib::SSLServer> https([&](SSL_CTX& ctx) { return setup_tls(ctx, tls); });
  if (!https.is_valid()) {
    std::cerr << "keygate-web: the certificate and key do not make a TLS context\n";
    return 1;
  }
  Sessions sessions(o.socket, 8, std::chrono::minutes(15));
  LoginGuard guard;

  https.set_default_headers({
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},  // "no-referrer" would make browsers send "Origin: null"
      {"Cache-Control", "no-store"},
      {"Strict-Transport-Security", "max-age=31536000"},
  });
  https.set_payload_max_length(16 * 1024);
  https.set_read_timeout(10, 0);
  https.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    if (admitted(o, req.remote_addr)) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 403;
    res.set_content(error_page(o.hostname, 403, "Access denied"), "text/html; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });

  auto html = [](httplib::Response& res, const std::string& body, int status = 200) {
    res.status = status;
    res.set_content(body, "text/html; charset=utf-8");
  };
  auto session_of = [&](const httplib::Request& req) { return sessions.find(cookie(req, "kg_session")); };
  // A POST with the session's CSRF token, from our own origin; null otherwise.
  auto form_session = [&](const httplib::Request& req) -> std::shared_ptr<Session> {
    auto s = session_of(req);
    if (!s || !same_origin(req) || !same_token(req.get_param_value("csrf"), s->csrf())) return nullptr;
    return s;
  };

  https.Get("/style.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(stylesheet(), "text/css");
  });
  https.Get("/login", [&](const httplib::Request& req, httplib::Response& res) {
    if (session_of(req)) return see_other(res, "/");
    // Before login the CSRF token is a double-submit pair: a cookie and a field.
    std::string pre = random_token();
    res.set_header("Set-Cookie", set_cookie("kg_login", pre));
    html(res, login_page({o.hostname, pre, ""}));
  });
  https.Post("/login", [&](const httplib::Request& req, httplib::Response& res) {
    std::string pre = cookie(req, "kg_login");
    if (!same_origin(req) || !same_token(req.get_param_value("csrf"), pre))
      return html(res, error_page(o.hostname, 403, "This form was not sent from this router's page"), 403);
    auto now = LoginGuard::Clock::now();
    if (long wait = guard.locked_for(req.remote_addr, now); wait > 0)
      return html(res, login_page({o.hostname, pre, "Too many failed logins: try again in " + std::to_string(wait) +
                                                        " seconds"}),
                  429);
    std::string user = req.get_param_value("username"), pass = req.get_param_value("password");
    auto s = sessions.login(user, pass);
    wipe(pass);
    if (!s) {
      if (s.error().code != Errc::kAuthFailed) return html(res, login_page({o.hostname, pre, s.error().message}), 503);
      int left = guard.failed(req.remote_addr, now);
      std::string why = left > 0 ? "Login invalid" : "Login invalid. Too many failed logins: wait 5 minutes";
      return html(res, login_page({o.hostname, pre, why}), 401);
    }
    guard.succeeded(req.remote_addr);
    res.set_header("Set-Cookie", set_cookie("kg_session", (*s)->id()));
    see_other(res, "/");
  });
  https.Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    auto s = session_of(req);
    if (!s) return see_other(res, "/login");
    HomeView v{o.hostname, s->user(), s->csrf(), "", true, {}, "", ""};
    std::string f = s->take_flash();
    v.message_ok = !f.starts_with("!");
    v.message = v.message_ok ? f : f.substr(1);
    Answer t = s->run("show crypto pki token");
    v.token_status = t.ok ? t.text : as_message(t, "Not available") + "\n";  // e.g. not permitted
    if (t.ok) v.tokens = token_names(t.text);
    // keygated resolves a name to one slot (a token seen through two modules
    // shows twice): its own answer for the name is the one the forms act on.
    for (const auto& name : v.tokens) {
      Answer one = s->run("show crypto pki token " + name + " detail");  // detail: the policy in words
      v.facts.push_back(token_facts(one.ok ? one.text : t.text, name));
    }
    Answer vpn = s->run("show crypto session");
    v.vpn_status = vpn.ok ? (vpn.text.empty() ? "No VPN sessions\n" : vpn.text) : as_message(vpn, "Not available") + "\n";
    html(res, home_page(v));
  });
  https.Post("/token/login", [&](const httplib::Request& req, httplib::Response& res) {
    auto s = form_session(req);
    if (!s) return html(res, error_page(o.hostname, 403, "This form was not sent from this router's page"), 403);
    std::string token = req.get_param_value("token"), pin = req.get_param_value("pin");
    if (!valid_token_name(token) || !valid_pin(pin)) {
      wipe(pin);
      s->flash("!Type the token's PIN");
      return see_other(res, "/");
    }
    Answer a = s->run("crypto pki token " + token + " login", {pin});
    wipe(pin);
    s->flash(a.ok ? "Token unlocked" : "!" + as_message(a, "The token was not unlocked"));
    see_other(res, "/");
  });
  https.Post("/token/change-pin", [&](const httplib::Request& req, httplib::Response& res) {
    auto s = form_session(req);
    if (!s) return html(res, error_page(o.hostname, 403, "This form was not sent from this router's page"), 403);
    std::string token = req.get_param_value("token"), old_pin = req.get_param_value("old"),
                new_pin = req.get_param_value("new"), confirm = req.get_param_value("confirm");
    std::string problem;
    if (!valid_token_name(token) || !valid_pin(old_pin) || !valid_pin(new_pin) || !valid_pin(confirm))
      problem = "Type the current PIN, the new PIN and the new PIN again";
    // keygated asks the current PIN, the new one and its confirmation as
    // secret prompts; it compares them and checks the token's pin-policy.
    Answer a;
    if (problem.empty()) a = s->run("crypto pki token " + token + " change-pin", {old_pin, new_pin, confirm});
    wipe(old_pin);
    wipe(new_pin);
    wipe(confirm);
    if (!problem.empty()) s->flash("!" + problem);
    else s->flash(a.ok ? "PIN changed" : "!" + as_message(a, "The PIN was not changed"));
    see_other(res, "/");
  });
  https.Post("/logout", [&](const httplib::Request& req, httplib::Response& res) {
    if (auto s = form_session(req)) sessions.end(s->id());
    res.set_header("Set-Cookie", set_cookie("kg_session", "", true));
    see_other(res, "/login");
  });
  https.set_error_handler([&](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(error_page(o.hostname, res.status, "Not found"), "text/html; charset=utf-8");
  });

  if (!listen_on(https, o, o.https_fd, o.port)) {
    std::cerr << "keygate-web: cannot listen on port " << o.port << "\n";
    return 1;
  }
  // ip http server: plain HTTP only sends the browser to HTTPS.
  Listener<httplib::Server> http;
  if (o.http_port || o.http_fd >= 0) {
    http.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
      if (!admitted(o, req.remote_addr)) {
        res.status = 403;
        return httplib::Server::HandlerResponse::Handled;
      }
      std::string host = req.get_header_value("Host");
      if (auto c = host.rfind(':'); c != std::string::npos && host.find(']', c) == std::string::npos)
        host = host.substr(0, c);
      if (host.empty()) host = o.hostname;
      res.status = 301;
      res.set_header("Location", "https://" + host + (o.port == 443 ? "" : ":" + std::to_string(o.port)) + "/");
      return httplib::Server::HandlerResponse::Handled;
    });
    if (!listen_on(http, o, o.http_fd, o.http_port)) {
      std::cerr << "keygate-web: cannot listen on port " << o.http_port << "\n";
      return 1;
    }
  }
  drop_root(o.user);
  // Die with keygated, however it ends (a SIGKILL runs no destructor). Set
  // after the drop, which clears it; a parent already gone is caught below.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  if (::getppid() != parent) return 1;
  std::cerr << "keygate-web: serving https on port " << o.port
            << (o.http_port ? " (http on " + std::to_string(o.http_port) + " redirects)" : std::string()) << "\n";
  std::thread plain;
  if (o.http_port || o.http_fd >= 0) plain = std::thread([&] { http.listen_after_bind(); });
  bool ok = https.listen_after_bind();
  if (plain.joinable()) {
    http.stop();
    plain.join();
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace kg::web

int main(int argc, char** argv) {
  auto o = kg::web::parse(argc, argv);
  return kg::web::serve(o);
}
