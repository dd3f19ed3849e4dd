// A session with one token, closed on destruction, and the PIN operations
// (PKCS#11 v2.40 §5.6-5.7): user login and logout, C_SetPIN, and the
// security officer's C_InitPIN that sets a new user PIN (unblocks a token).
// PINs are Secrets: never copied into a std::string, wiped after use.
#pragma once
#include <memory>

#include <p11-kit/pkcs11.h>

#include "common/result.h"
#include "common/secret.h"
#include "pkcs11/module.h"

namespace kg::pkcs11 {

enum class UserType { kUser, kSecurityOfficer };

class Session {
 public:
  // A read-write session (key generation and PIN changes need one).
  [[nodiscard]] static Result<Session> open(std::shared_ptr<Module> module, CK_SLOT_ID slot);
  Session(Session&& o) noexcept : module_(std::move(o.module_)), slot_(o.slot_), h_(o.h_) { o.h_ = CK_INVALID_HANDLE; }
  Session& operator=(Session&& o) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // The token already holding a login for this application counts as done
  // (CKR_USER_ALREADY_LOGGED_IN).
  [[nodiscard]] Result<void> login(UserType who, const Secret& pin);
  [[nodiscard]] Result<void> logout();
  // C_SetPIN in the session's login state: the user's PIN when logged in as
  // user (or not logged in), the SO PIN when logged in as SO.
  [[nodiscard]] Result<void> set_pin(const Secret& old_pin, const Secret& new_pin);
  // C_InitPIN: needs a security-officer login.
  [[nodiscard]] Result<void> init_pin(const Secret& new_pin);
  // CKS_RW_USER_FUNCTIONS and friends; an error when the session is gone.
  [[nodiscard]] Result<CK_STATE> state() const;

  [[nodiscard]] CK_SESSION_HANDLE handle() const { return h_; }
  [[nodiscard]] CK_FUNCTION_LIST* fn() const { return module_->fn(); }
  [[nodiscard]] CK_SLOT_ID slot() const { return slot_; }

 private:
  Session(std::shared_ptr<Module> m, CK_SLOT_ID slot, CK_SESSION_HANDLE h) : module_(std::move(m)), slot_(slot), h_(h) {}
  void close();
  std::shared_ptr<Module> module_;
  CK_SLOT_ID slot_ = 0;
  CK_SESSION_HANDLE h_ = CK_INVALID_HANDLE;
};

}  // namespace kg::pkcs11
