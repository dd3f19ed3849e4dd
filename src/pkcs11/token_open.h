// A session on the token a pkcs11: URI names (keygate-consent --pkcs11):
// the module by path, or else every module registered with p11-kit, and the
// first present token the URI matches.
#pragma once
#include <string>

#include "common/result.h"
#include "pkcs11/session.h"
#include "pkcs11/token_uri.h"

namespace kg::pkcs11 {

// module_path empty: the registered modules. kNotFound, saying which URI,
// when no module loads or no token matches.
[[nodiscard]] Result<Session> open_token(const TokenUri& uri, const std::string& module_path);

}  // namespace kg::pkcs11
