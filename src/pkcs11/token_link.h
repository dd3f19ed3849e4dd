// A token's login as its keys see it: the one logged-in session through
// which they sign. The token manager attaches it after a login and detaches
// it on logout, removal or deactivation; signers use it from the worker
// thread. One mutex keeps a signature and a logout from crossing; detach()
// never waits for it: a token pulled in the middle of a slow C_Sign must not
// stall the daemon's loop, so the signature in progress closes the session
// when it returns.
#pragma once
#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "pkcs11/session.h"

namespace kg::pkcs11 {

class TokenLink {
 public:
  explicit TokenLink(std::string token_label) : label_(std::move(token_label)) {}

  void attach(Session s) {
    std::lock_guard lock(mu_);
    session_.emplace(std::move(s));
    active_ = true;
  }
  // Closes the session (the token keeps its login only while some session is
  // open, PKCS#11 v2.40 §5.6) and fails every signature from now on. When a
  // signature holds the session, it closes it as it finishes.
  void detach() {
    active_ = false;
    std::unique_lock lock(mu_, std::try_to_lock);
    if (lock.owns_lock()) session_.reset();
  }
  [[nodiscard]] bool active() const { return active_; }
  [[nodiscard]] const std::string& label() const { return label_; }

  // f(Session&) with the lock held; an error when the keys are not active.
  template <class F>
  auto with_session(F&& f) -> decltype(f(std::declval<Session&>())) {
    std::lock_guard lock(mu_);
    if (!active_ || !session_) {
      session_.reset();  // a detach() that found the session busy
      return fail(Errc::kState, "keys on token " + label_ + " are not active (token removed or logged out)");
    }
    auto r = f(*session_);
    if (!active_) session_.reset();
    return r;
  }

 private:
  const std::string label_;
  mutable std::mutex mu_;
  std::optional<Session> session_;  // guarded by mu_
  std::atomic<bool> active_ = false;
};

}  // namespace kg::pkcs11
