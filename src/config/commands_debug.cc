// Debugging as on IOS: `debug crypto ikev2 [packet|internal]`, `debug crypto
// ipsec`, `undebug all` and `show debugging` switch and show the log's debug
// categories (common/log.h). Like IOS's, they are the router's, not one
// shell's; their lines reach every shell with `terminal monitor` on, and the
// log itself only when keygated runs with -v.
#include <nlohmann/json.hpp>

#include "aaa/radius/debug_categories.h"
#include "common/log.h"
#include "config/session.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

struct Category {
  const char* words;  // after "debug crypto "
  log::Debug flag;
  const char* name;   // as IOS names it in "... debugging is on"
};
constexpr Category kCategories[] = {
    {"ikev2", log::Debug::kIkev2, "IKEv2 default"},
    {"ikev2 packet", log::Debug::kIkev2Packet, "IKEv2 packet"},
    {"ikev2 internal", log::Debug::kIkev2Internal, "IKEv2 internal"},
    {"ipsec", log::Debug::kIpsec, "Crypto IPSEC"},
};

}  // namespace

void register_debug_commands(CommandTable& t) {
  const std::vector<std::string> h = {"Debugging functions (see also 'undebug')", "Cryptographic subsystem",
                                      "", "", ""};
  const std::vector<std::string> hu = {"Disable debugging functions (see also 'debug')", "Cryptographic subsystem",
                                       "", "", ""};
  for (const auto& c : kCategories) {
    std::vector<std::string> help = h, uhelp = hu;
    std::string w = c.words;
    help[2] = uhelp[2] = w.starts_with("ikev2") ? "Crypto IKEv2 debugging" : "IPSEC processing";
    help[3] = uhelp[3] = w.ends_with("packet") ? "IKEv2 packet debugging" : "IKEv2 internal debugging";
    auto flag = c.flag;
    std::string name = c.name;
    t.add(Mode::kExec, "debug crypto " + w, help, [flag, name](C, A) -> Result<std::string> {
      log::set_debug(flag, true);
      return name + " debugging is on\n";
    });
    t.add(Mode::kExec, "undebug crypto " + w, uhelp, [flag, name](C, A) -> Result<std::string> {
      log::set_debug(flag, false);
      return name + " debugging is off\n";
    });
  }
  auto all_off = [](C, A) -> Result<std::string> {
    log::clear_debug();
    return std::string("All possible debugging has been turned off\n");
  };
  t.add(Mode::kExec, "undebug all", {hu[0], "Disable all debugging"}, all_off);
  t.add(Mode::kExec, "no debug all", {"Negate a command or set its defaults", h[0], "Disable all debugging"},
        all_off);
  t.add(Mode::kExec, "show debugging", {"Show running system information", "State of each debugging option"},
        [](C, A a) -> Result<std::string> {
          if (a.json) {
            nlohmann::json j = nlohmann::json::object();
            for (const auto& c : kCategories) j[c.words] = log::debugging(c.flag);
            return j.dump() + "\n";
          }
          std::string out;
          for (const auto& c : kCategories)
            if (log::debugging(c.flag)) out += "  " + std::string(c.name) + " debugging is on\n";
          std::string aaa;
          if (log::debugging(aaa::kDebugRadius)) aaa += "  Radius protocol debugging is on\n";
          if (log::debugging(aaa::kDebugAaaAuthentication)) aaa += "  AAA Authentication debugging is on\n";
          if (!aaa.empty()) aaa = "General OS:\n" + aaa;
          return (out.empty() ? out : "Crypto Subsystem:\n" + out) + aaa;
        }, false, true);
  t.add(Mode::kExec, "terminal monitor", {"Set terminal line parameters", "Copy debug output to the current terminal line"},
        [](C c, A) -> Result<std::string> {
          if (c.terminal) c.terminal->monitor = true;
          return std::string();
        });
  t.add(Mode::kExec, "terminal no monitor",
        {"Set terminal line parameters", "Negate a command or set its defaults", "Copy debug output to the current terminal line"},
        [](C c, A) -> Result<std::string> {
          if (c.terminal) c.terminal->monitor = false;
          return std::string();
        });
}

}  // namespace kg::config
