// PKCS#11 return values as keygate errors: the CKR_ name for logs and the
// operator's message, and the Errc it maps to.
#pragma once
#include <string_view>

#include <p11-kit/pkcs11.h>

#include "common/result.h"

namespace kg::pkcs11 {

// "CKR_PIN_INCORRECT"; "CKR_0x…" for a value this table does not know.
[[nodiscard]] std::string rv_name(CK_RV rv);

// Did the token go away under us (pulled, or the slot emptied)?
[[nodiscard]] bool rv_token_gone(CK_RV rv);

// An Error whose message is "WHAT: CKR_NAME".
[[nodiscard]] std::unexpected<Error> rv_fail(CK_RV rv, std::string_view what);

}  // namespace kg::pkcs11
