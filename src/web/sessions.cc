#include "web/sessions.h"

#include <openssl/crypto.h>

#include "common/bytes.h"
#include "common/random.h"

namespace kg::web {

using control::Request;

std::string random_token() {
  thread_local SystemRandom rng;  // one per server thread: SystemRandom is not shared
  uint8_t b[32];
  rng.fill(b);
  return to_hex(ByteView(b, sizeof b));
}

bool same_token(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Answer Session::run(const std::string& line, const std::vector<std::string>& answers) {
  std::lock_guard lock(mu_);
  auto r = link_.request(Request::kExec, line);
  for (size_t i = 0; r && r->secret; ++i) r = link_.request(Request::kExec, i < answers.size() ? answers[i] : "");
  if (!r) return {false, "% keygated did not answer: " + r.error().message + "\n"};
  return {r->ok, r->text};
}

void Session::flash(std::string m) {
  std::lock_guard lock(mu_);
  flash_ = std::move(m);
}

std::string Session::take_flash() {
  std::lock_guard lock(mu_);
  return std::exchange(flash_, std::string());
}

Result<std::shared_ptr<Session>> Sessions::login(const std::string& user, const std::string& password) {
  {
    std::lock_guard lock(mu_);
    expire(std::chrono::steady_clock::now());
    if (sessions_.size() >= max_) return fail(Errc::kLimit, "Too many users are logged in; try again later");
  }
  auto link = control::ControlClient::connect(socket_);
  if (!link) return fail(Errc::kIo, "The router is not answering");
  // A non-root peer is asked for a username, then its secret (config/session.cc).
  auto prompt = link->request(Request::kPrompt, "");
  if (!prompt) return fail(Errc::kIo, "The router is not answering");
  if (prompt->text != "Username: ") return fail(Errc::kState, "The router did not ask for a login");
  auto r = link->request(Request::kExec, user);
  if (!r || !r->secret) return fail(Errc::kAuthFailed, "Login invalid");
  r = link->request(Request::kExec, password);
  if (!r) return fail(Errc::kIo, "The router is not answering");
  if (!r->ok) return fail(Errc::kAuthFailed, "Login invalid");
  auto s = std::make_shared<Session>(random_token(), random_token(), user, std::move(*link));
  s->last_used = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  sessions_[s->id()] = s;
  return s;
}

std::shared_ptr<Session> Sessions::find(const std::string& id) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  expire(now);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  it->second->last_used = now;
  return it->second;
}

void Sessions::end(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

void Sessions::expire(std::chrono::steady_clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& kv) { return now - kv.second->last_used > idle_; });
}

}  // namespace kg::web
