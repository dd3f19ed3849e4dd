// Liveness commands: dpd in crypto ikev2 profile and the global
// crypto ikev2 dpd (IOS: DPD INTERVAL 10-3600 s, RETRY 2-60 s, on-demand or
// periodic; a profile's setting overrides the global one); and the profile's
// nat force-encap (ESP in UDP without a NAT, src/ike/tasks/ike_natd.cc).
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// "... dpd [<10-3600>] [<2-60>] [on-demand|periodic]" from word `at`: the
// trailing [..] lets "no dpd" stand alone; the positive form needs all three.
Result<std::string> set_dpd(std::optional<Dpd>& field, A a, size_t at) {
  if (a.negated || a.defaulted) {
    field.reset();
    return std::string();
  }
  if (a.size() < at + 3) return fail(Errc::kInvalidArgument, "Incomplete command.");
  Dpd d;
  d.interval = std::stoi(a.at(at));
  d.retry = std::stoi(a.at(at + 1));
  d.periodic = a.at(at + 2) == "periodic";
  field = d;
  return std::string();
}

std::string dpd_words(const Dpd& d) {
  return std::to_string(d.interval) + " " + std::to_string(d.retry) + (d.periodic ? " periodic" : " on-demand");
}

const std::vector<std::string> kDpdHelp = {
    "Enable IKE liveness check for peers", "DPD interval in seconds", "Retry interval in seconds",
    "Send DPD on demand (only with traffic to send and nothing received) or periodically"};

}  // namespace

void register_lifetime_commands(CommandTable& t) {
  std::vector<std::string> h = kDpdHelp;
  t.add(Mode::kIkev2Profile, "dpd [<10-3600>] [<2-60>] [on-demand|periodic]", h,
        [](C c, A a) { return set_dpd(c.model.profiles[c.object].dpd, a, 1); })
      .writes(profile_line::kDpd, [](const WriteScope& s, std::string& out) {
        if (auto& d = s.model.profiles.at(s.object).dpd) out += " dpd " + dpd_words(*d) + "\n";
      });
  h.insert(h.begin(), {"Encryption module", "Configure IKEv2 parameters"});
  t.add(Mode::kConfig, "crypto ikev2 dpd [<10-3600>] [<2-60>] [on-demand|periodic]", h,
        [](C c, A a) { return set_dpd(c.model.ikev2.dpd, a, 3); })
      // After the global block (commands_ikev2_global.cc), in its own.
      .writes(section::kIkev2Global + 5, [](const WriteScope& s, std::string& out) {
        if (auto& d = s.model.ikev2.dpd) out += "crypto ikev2 dpd " + dpd_words(*d) + "\n!\n";
      });
  // IOS: nat force-encap in the profile forces UDP encapsulation of ESP
  // (RFC 3948) even when NAT detection finds no NAT.
  t.add(Mode::kIkev2Profile, "nat force-encap",
        {"NAT traversal", "Force UDP encapsulation of IPsec (ESP in UDP 4500) even without a NAT"},
        [](C c, A a) -> Result<std::string> {
          c.model.profiles[c.object].nat_force_encap = !(a.negated || a.defaulted);
          return std::string();
        })
      .writes(profile_line::kNatForceEncap, [](const WriteScope& s, std::string& out) {
        if (s.model.profiles.at(s.object).nat_force_encap) out += " nat force-encap\n";
      });
}

}  // namespace kg::config
