#include "config/pin_policy.h"

namespace kg::config {

namespace {
constexpr size_t kMinLength = 8;
constexpr int kMinClasses = 3;
}  // namespace

std::optional<PinPolicy> pin_policy_from(std::string_view word) {
  if (word == "none") return PinPolicy::kNone;
  if (word == "etoken") return PinPolicy::kEtoken;
  return std::nullopt;
}

const char* pin_policy_name(PinPolicy p) { return p == PinPolicy::kEtoken ? "etoken" : "none"; }

std::string pin_policy_text(PinPolicy p) {
  if (p == PinPolicy::kNone) return "";
  return "At least 8 characters, with at least three of: digits 0-9, uppercase letters A-Z, lowercase letters a-z, "
         "special characters (not } ] or =)";
}

std::string pin_policy_check(PinPolicy p, const Secret& pin) {
  if (p == PinPolicy::kNone) return "";
  bool digit = false, upper = false, lower = false, special = false;
  for (uint8_t c : pin.view()) {
    if (c == '}' || c == ']' || c == '=')
      return "The new PIN may not contain a right brace }, a right bracket ] or an equal sign =";
    if (c < 0x20 || c > 0x7e) return "The new PIN may contain only printable ASCII characters";
    if (c >= '0' && c <= '9') digit = true;
    else if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else special = true;
  }
  if (pin.size() < kMinLength)
    return "The new PIN has " + std::to_string(pin.size()) + " characters; it needs at least " +
           std::to_string(kMinLength);
  int classes = int(digit) + int(upper) + int(lower) + int(special);
  if (classes < kMinClasses) {
    std::string missing;
    auto add = [&](bool have, const char* what) {
      if (have) return;
      if (!missing.empty()) missing += ", ";
      missing += what;
    };
    add(digit, "digits");
    add(upper, "uppercase letters");
    add(lower, "lowercase letters");
    add(special, "special characters");
    return "The new PIN uses " + std::to_string(classes) + " of the 4 character classes; it needs at least " +
           std::to_string(kMinClasses) + " (missing: " + missing + ")";
  }
  return "";
}

}  // namespace kg::config
