// What a module's slots hold right now: the slot (a reader, a USB port) and,
// when one is inserted, its token. PKCS#11 pads its text fields with blanks;
// here they are trimmed.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "common/result.h"
#include "pkcs11/module.h"

namespace kg::pkcs11 {

struct TokenInfo {
  std::string label;
  std::string manufacturer;
  std::string model;
  std::string serial;
  CK_FLAGS flags = 0;  // CKF_LOGIN_REQUIRED, CKF_USER_PIN_COUNT_LOW, ...
  CK_TOKEN_INFO raw{};  // for RFC 7512 matching (token_uri.h)
};

struct TokenSlot {
  std::shared_ptr<Module> module;
  CK_SLOT_ID id = 0;
  std::string description;
  bool present = false;
  TokenInfo token;  // valid when present
};

// Every slot of the module, with or without a token.
[[nodiscard]] Result<std::vector<TokenSlot>> list_slots(const std::shared_ptr<Module>& module);
// One slot again (after an insertion or removal event).
[[nodiscard]] Result<TokenSlot> read_slot(const std::shared_ptr<Module>& module, CK_SLOT_ID id);

// A blank-padded PKCS#11 text field, trimmed.
[[nodiscard]] std::string field_text(const unsigned char* p, size_t n);

}  // namespace kg::pkcs11
