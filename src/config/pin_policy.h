// A token's PIN composition rule (`crypto pki token NAME pin-policy etoken`),
// checked by keygated on every new user PIN: change-pin and the admin's
// reset-pin, from the CLI and the web page alike (daemon/tokens.cc).
//
// `etoken` is seed 002 §3, the eToken user password composition requirements:
// at least 8 characters, and at least three of the four classes digits,
// uppercase A-Z, lowercase a-z and special characters, where a special
// character is any other printable ASCII character except the right brace
// '}', the right bracket ']' and the equal sign '='. keygate also refuses
// what no class admits (control characters, non-ASCII bytes), since a PIN
// must be typeable on any token's keyboard. `none` (the default) takes any
// PIN the token takes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/secret.h"

namespace kg::config {

enum class PinPolicy { kNone, kEtoken };

// "etoken" / "none" and back.
[[nodiscard]] std::optional<PinPolicy> pin_policy_from(std::string_view word);
[[nodiscard]] const char* pin_policy_name(PinPolicy p);
// The rule in words, for the web page and `show crypto pki token detail`;
// empty for none.
[[nodiscard]] std::string pin_policy_text(PinPolicy p);
// Empty when the PIN obeys the policy; else the rule it breaks, as a sentence
// that never repeats the PIN ("The new PIN has 6 characters; it needs at least 8").
[[nodiscard]] std::string pin_policy_check(PinPolicy p, const Secret& pin);

}  // namespace kg::config
