// Commands about the shell itself rather than the configuration: `do` in the
// configuration modes, `terminal length`, and `exit` from the exec mode. The session (session.cc) runs
// `do LINE` itself; the table entry gives it its place in `?` and Tab.
#include "config/session.h"

namespace kg::config {

void register_shell_commands(CommandTable& t) {
  for (Mode m : {Mode::kConfig, Mode::kIkev2Proposal, Mode::kIkev2Policy, Mode::kIkev2Keyring,
                 Mode::kKeyringPeer, Mode::kIkev2Profile, Mode::kTransformSet, Mode::kIpsecProfile,
                 Mode::kInterface, Mode::kIkev2Authorization, Mode::kFlexvpnClient, Mode::kAccessList,
                 Mode::kPkiTrustpoint, Mode::kCertChain, Mode::kCertMap, Mode::kConsentAuthority, Mode::kIsakmpPolicy, Mode::kIsakmpPeer, Mode::kIsakmpGroup, Mode::kIsakmpProfile, Mode::kCryptoKeyring,
                 Mode::kAaaRadiusGroup, Mode::kRadiusServer, Mode::kNameMangler, Mode::kAaaAttributeList, Mode::kPubkeyChain, Mode::kPubkeyKey,
                 Mode::kExtAccessList, Mode::kCryptoMap, Mode::kDynamicMap,
                 Mode::kAaaDynamicAuthor, Mode::kIsakmpBrowserProxy, Mode::kIsakmpClientFirewall}) {
    t.add(m, "do LINE", {"To run exec commands in config mode", "Exec Command"},
          [](CmdContext&, const ParsedArgs&) -> Result<std::string> {
            return fail(Errc::kInvalidArgument, "Incomplete command.");
          })
        .not_persisted();
  }
  for (const char* w : {"exit", "logout"})
    t.add(Mode::kExec, w, {"Exit from the EXEC"}, [](CmdContext& c, const ParsedArgs&) -> Result<std::string> {
      if (c.terminal) c.terminal->closing = true;
      return std::string();
    });
  t.add(Mode::kExec, "terminal length <0-512>",
        {"Set terminal line parameters", "Set number of lines on a screen",
         "Number of lines on screen (0 for no pausing)"},
        [](CmdContext& c, const ParsedArgs& a) -> Result<std::string> {
          if (c.terminal) c.terminal->length = std::stoi(a.at(2));
          return std::string();
        });
  t.add(Mode::kExec, "terminal no length",
        {"Set terminal line parameters", "Negate a command or set its defaults",
         "Set number of lines on a screen"},
        [](CmdContext& c, const ParsedArgs&) -> Result<std::string> {
          if (c.terminal) c.terminal->length = TerminalState{}.length;
          return std::string();
        });
}

}  // namespace kg::config
