// keygate-web's logged-in browsers. Each session owns one control-socket
// connection to keygated that logged in with the user's own name and secret,
// exactly as the `keygate` shell does for a non-root user, so keygated checks
// every action at that user's privilege level: the web page cannot do more
// than the CLI would let the same user do. The browser holds only a random
// session id (cookie) and a CSRF token bound to the session.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "daemon/control_client.h"

namespace kg::web {

// What keygated answered to one command (after its secret prompts).
struct Answer {
  bool ok = false;
  std::string text;
};

class Session {
 public:
  Session(std::string id, std::string csrf, std::string user, control::ControlClient link)
      : id_(std::move(id)), csrf_(std::move(csrf)), user_(std::move(user)), link_(std::move(link)) {}
  const std::string& id() const { return id_; }
  const std::string& csrf() const { return csrf_; }
  const std::string& user() const { return user_; }
  // Runs an exec command as this user. Each secret prompt the command asks
  // ("PIN: ") is answered with the next of `answers` (never part of the
  // command line, so never in a log or history); one too many prompts is
  // answered empty, which keygated refuses.
  Answer run(const std::string& line, const std::vector<std::string>& answers = {});
  // A message for the next page (after a POST-redirect-GET), then cleared.
  void flash(std::string m);
  std::string take_flash();
  std::chrono::steady_clock::time_point last_used;

 private:
  std::mutex mu_;
  std::string id_, csrf_, user_, flash_;
  control::ControlClient link_;
};

class Sessions {
 public:
  Sessions(std::string socket_path, size_t max_sessions, std::chrono::seconds idle)
      : socket_(std::move(socket_path)), max_(max_sessions), idle_(idle) {}
  // Logs in over a new control connection: the session, or keygated's answer
  // ("% Login invalid") as the error.
  Result<std::shared_ptr<Session>> login(const std::string& user, const std::string& password);
  // The live session with this id (its use refreshed), or null.
  std::shared_ptr<Session> find(const std::string& id);
  void end(const std::string& id);

 private:
  void expire(std::chrono::steady_clock::time_point now);
  std::string socket_;
  size_t max_;
  std::chrono::seconds idle_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
};

// 32 random bytes as hex (session ids, CSRF tokens).
std::string random_token();
// Compares two tokens in time independent of where they differ.
bool same_token(const std::string& a, const std::string& b);

}  // namespace kg::web
