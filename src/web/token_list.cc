#include "web/token_list.h"

#include <algorithm>
#include <sstream>

namespace kg::web {

std::vector<std::string> token_names(const std::string& show_output) {
  std::vector<std::string> out;
  std::istringstream in(show_output);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("Token ")) continue;
    auto is = line.rfind(" is ");
    if (is == std::string::npos || is < 6) continue;
    std::string label = line.substr(6, is - 6), slot = line.substr(is + 4);
    std::string name = label == "(none)" ? slot : label;
    // One token seen through two modules (p11-kit's registered SoftHSM and a
    // module given by path) has one label: keygated resolves it, list it once.
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace kg::web
