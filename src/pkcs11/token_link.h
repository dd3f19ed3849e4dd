// A token's login as its keys see it: the one logged-in session through
// which they sign. The token manager attaches it after a login and detaches
// it on logout, removal or deactivation; signers use it from the worker
// thread. One mutex keeps a signature and a logout from crossing.
#pragma once
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
  }
  // Closes the session (the token keeps its login only while some session is
  // open, PKCS#11 v2.40 §5.6) and fails every signature from now on.
  void detach() {
    std::lock_guard lock(mu_);
    session_.reset();
  }
  [[nodiscard]] bool active() const {
    std::lock_guard lock(mu_);
    return session_.has_value();
  }
  [[nodiscard]] const std::string& label() const { return label_; }

  // f(Session&) with the lock held; an error when the keys are not active.
  template <class F>
  auto with_session(F&& f) -> decltype(f(std::declval<Session&>())) {
    std::lock_guard lock(mu_);
    if (!session_) return fail(Errc::kState, "keys on token " + label_ + " are not active (token removed or logged out)");
    return f(*session_);
  }

 private:
  const std::string label_;
  mutable std::mutex mu_;
  std::optional<Session> session_;
};

}  // namespace kg::pkcs11
