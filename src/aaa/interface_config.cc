#include "aaa/interface_config.h"

#include <sstream>

#include "config/interface_names.h"

namespace kg::aaa {
namespace {

std::vector<std::string> words_of(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// One command; false with `why` when keygate cannot apply it.
bool apply_one(InterfaceConfig& c, const std::vector<std::string>& w, std::string& why) {
  if (w.size() == 3 && w[0] == "ip" && w[1] == "mtu") {
    char* end = nullptr;
    unsigned long n = std::strtoul(w[2].c_str(), &end, 10);
    if (*end || w[2].empty() || n < 68 || n > 9216) {
      why = "MTU must be 68-9216";
      return false;
    }
    c.mtu = uint32_t(n);
    return true;
  }
  if (w.size() == 3 && w[0] == "ip" && w[1] == "unnumbered") {
    std::string itf = config::canonical_interface_name(w[2]);
    if (!config::is_loopback(itf) && itf.rfind("eth", 0) != 0 && !config::is_tunnel(itf)) {
      why = "only a Loopback, Tunnel or Linux interface can lend its address";
      return false;
    }
    c.unnumbered = itf;
    return true;
  }
  if (w.size() >= 2 && w[0] == "ip" && w[1] == "access-group") {
    // IOS: ip access-group {NAME|N} [in|out], out when no direction is given.
    if (w.size() < 3 || w.size() > 4 || (w.size() == 4 && w[3] != "in" && w[3] != "out")) {
      why = "expected ip access-group NAME in|out";
      return false;
    }
    (w.size() == 4 && w[3] == "in" ? c.access_group_in : c.access_group_out) = w[2];
    return true;
  }
  why = "not supported on a Linux Virtual-Access";
  return false;
}

}  // namespace

InterfaceConfig parse_interface_config(const std::vector<std::string>& values) {
  InterfaceConfig c;
  for (const auto& v : values) {
    std::string cmd;
    auto flush = [&] {
      auto w = words_of(cmd);
      cmd.clear();
      if (w.empty()) return;
      std::string why;
      if (!apply_one(c, w, why)) {
        std::string line;
        for (const auto& x : w) line += (line.empty() ? "" : " ") + x;
        c.refused.push_back(line + ": " + why);
      }
    };
    for (char ch : v) {
      if (ch == '\n' || ch == ';') flush();
      else cmd += ch;
    }
    flush();
  }
  return c;
}

}  // namespace kg::aaa
