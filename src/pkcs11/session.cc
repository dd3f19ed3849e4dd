#include "pkcs11/session.h"

#include "pkcs11/rv.h"

namespace kg::pkcs11 {
namespace {

// PKCS#11 takes PINs as non-const pointers it does not write through.
CK_UTF8CHAR_PTR pin_ptr(const Secret& pin) {
  return const_cast<CK_UTF8CHAR_PTR>(pin.view().data());
}

}  // namespace

Result<Session> Session::open(std::shared_ptr<Module> module, CK_SLOT_ID slot) {
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  CK_RV rv = module->fn()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h);
  if (rv != CKR_OK) return rv_fail(rv, "C_OpenSession");
  return Session(std::move(module), slot, h);
}

Session& Session::operator=(Session&& o) noexcept {
  if (this != &o) {
    close();
    module_ = std::move(o.module_);
    slot_ = o.slot_;
    h_ = o.h_;
    o.h_ = CK_INVALID_HANDLE;
  }
  return *this;
}

Session::~Session() { close(); }

void Session::close() {
  if (h_ != CK_INVALID_HANDLE && module_) (void)module_->fn()->C_CloseSession(h_);
  h_ = CK_INVALID_HANDLE;
}

Result<void> Session::login(UserType who, const Secret& pin) {
  CK_USER_TYPE t = who == UserType::kUser ? CKU_USER : CKU_SO;
  CK_RV rv = fn()->C_Login(h_, t, pin_ptr(pin), pin.size());
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return {};
  return rv_fail(rv, "C_Login");
}

Result<void> Session::logout() {
  CK_RV rv = fn()->C_Logout(h_);
  if (rv == CKR_OK || rv == CKR_USER_NOT_LOGGED_IN) return {};
  return rv_fail(rv, "C_Logout");
}

Result<void> Session::set_pin(const Secret& old_pin, const Secret& new_pin) {
  CK_RV rv = fn()->C_SetPIN(h_, pin_ptr(old_pin), old_pin.size(), pin_ptr(new_pin), new_pin.size());
  if (rv != CKR_OK) return rv_fail(rv, "C_SetPIN");
  return {};
}

Result<void> Session::init_pin(const Secret& new_pin) {
  CK_RV rv = fn()->C_InitPIN(h_, pin_ptr(new_pin), new_pin.size());
  if (rv != CKR_OK) return rv_fail(rv, "C_InitPIN");
  return {};
}

Result<CK_STATE> Session::state() const {
  CK_SESSION_INFO si{};
  CK_RV rv = fn()->C_GetSessionInfo(h_, &si);
  if (rv != CKR_OK) return rv_fail(rv, "C_GetSessionInfo");
  return si.state;
}

}  // namespace kg::pkcs11
