// The tokens keygated shows this user (`show crypto pki token`: one
// "Token LABEL is usbtokenN" line per token), as the names the page's forms
// act on: the label (once, however many slots show it), or usbtokenN for a
// token without one.
#pragma once
#include <string>
#include <vector>

namespace kg::web {

std::vector<std::string> token_names(const std::string& show_output);

// What the PIN change form tells about one token, from its first block in
// the same output: its PIN policy ("etoken (At least 8 characters ...)" or
// "none") and its user PIN attempts ("1 failed attempt, 9 left"); empty
// when keygated did not show them.
struct TokenFacts {
  std::string pin_policy, user_pin;
};
TokenFacts token_facts(const std::string& show_output, const std::string& name);

}  // namespace kg::web
