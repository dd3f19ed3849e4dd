// Wrong-PIN counters of one token, kept by keygate itself (seed 002 §5):
// SoftHSM and many modules never block a PIN, and a token's own counter
// cannot be read through PKCS#11. After max-retries wrong user PINs (default
// 10) keygate refuses user logins until the admin resets the PIN; after 15
// wrong admin PINs it refuses admin logins too. A correct PIN or a reset sets
// the counter back to zero. The counters live in
// <statedir>/tokens/<serial>.pins, so a restart does not forget them.
#pragma once
#include <string>

namespace kg::daemon {

class TokenPins {
 public:
  TokenPins() = default;  // nothing persisted (no state directory)
  TokenPins(const std::string& state_dir, const std::string& token_serial);

  [[nodiscard]] int user_failures() const { return user_; }
  [[nodiscard]] int admin_failures() const { return admin_; }
  void user_failed() { ++user_; save(); }
  void admin_failed() { ++admin_; save(); }
  void user_ok() { if (user_) { user_ = 0; save(); } }
  void admin_ok() { if (admin_) { admin_ = 0; save(); } }

 private:
  void save() const;
  std::string path_;
  int user_ = 0, admin_ = 0;
};

}  // namespace kg::daemon
