#include "web/token_list.h"

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
    out.push_back(label == "(none)" ? slot : label);
  }
  return out;
}

}  // namespace kg::web
