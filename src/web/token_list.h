// The tokens keygated shows this user (`show crypto pki token`: one
// "Token LABEL is usbtokenN" line per token), as the names the page's forms
// act on: the label (once, however many slots show it), or usbtokenN for a
// token without one.
#pragma once
#include <string>
#include <vector>

namespace kg::web {

std::vector<std::string> token_names(const std::string& show_output);

}  // namespace kg::web
