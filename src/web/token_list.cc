#include "web/token_list.h"

#include <algorithm>
#include <optional>
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

TokenFacts token_facts(const std::string& show_output, const std::string& name) {
  TokenFacts f;
  std::istringstream in(show_output);
  bool inside = false, seen = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("Token ")) {
      if (seen) break;
      auto is = line.rfind(" is ");
      inside = is != std::string::npos && is >= 6 &&
               (line.substr(6, is - 6) == name || line.substr(is + 4) == name);
      seen = inside;
      continue;
    }
    if (!inside) continue;
    auto value = [&](const std::string& key) -> std::optional<std::string> {
      auto s = line.find_first_not_of(' ');
      if (s == std::string::npos || line.compare(s, key.size(), key) != 0) return std::nullopt;
      return line.substr(s + key.size());
    };
    if (auto v = value("PIN policy: ")) f.pin_policy = *v;
    else if (auto u = value("User PIN: ")) f.user_pin = *u;
  }
  return f;
}

}  // namespace kg::web
