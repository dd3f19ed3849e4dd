// Global IKEv2 commands: DoS protection (crypto ikev2 cookie-challenge,
// crypto ikev2 limit), NAT keepalives (crypto ikev2 nat keepalive) and IKE
// fragmentation (crypto ikev2 fragmentation [mtu N], RFC 7383).
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

const std::vector<std::string> kHead = {"Encryption module", "Configure IKEv2 parameters"};

std::vector<std::string> help(std::vector<std::string> rest) {
  auto h = kHead;
  h.insert(h.end(), rest.begin(), rest.end());
  return h;
}

// The lines of the global block, in IOS's order; the block ends in "!" when
// any is set.
std::string limit_lines(const Ikev2Global& g) {
  std::string s;
  if (g.max_sa) s += "crypto ikev2 limit max-sa " + std::to_string(*g.max_sa) + "\n";
  bool in = g.max_in_negotiation_in != Ikev2Global::kDefaultMaxInNegotiationIn;
  bool outg = g.max_in_negotiation_out != Ikev2Global::kDefaultMaxInNegotiationOut;
  if (in && outg && g.max_in_negotiation_in == g.max_in_negotiation_out) {
    s += "crypto ikev2 limit max-in-negotiation-sa " + std::to_string(g.max_in_negotiation_in) + "\n";
  } else {
    if (in) s += "crypto ikev2 limit max-in-negotiation-sa " + std::to_string(g.max_in_negotiation_in) + " incoming\n";
    if (outg) s += "crypto ikev2 limit max-in-negotiation-sa " + std::to_string(g.max_in_negotiation_out) + " outgoing\n";
  }
  return s;
}
std::string cookie_line(const Ikev2Global& g) {
  return g.cookie_challenge ? "crypto ikev2 cookie-challenge " + std::to_string(*g.cookie_challenge) + "\n" : "";
}
std::string keepalive_line(const Ikev2Global& g) {
  return g.nat_keepalive ? "crypto ikev2 nat keepalive " + std::to_string(*g.nat_keepalive) + "\n" : "";
}
std::string fragmentation_line(const Ikev2Global& g) {
  if (!g.fragmentation) return "";
  return g.fragmentation_mtu ? "crypto ikev2 fragmentation mtu " + std::to_string(*g.fragmentation_mtu) + "\n"
                             : std::string("crypto ikev2 fragmentation\n");
}

// A writer for one of them, at `pos` in the block.
WriteBack global_line(int pos, std::string (*line)(const Ikev2Global&)) {
  return {section::kIkev2Global + pos, [line](const WriteScope& s, std::string& out) { out += line(s.model.ikev2); }};
}

void add_commands(CommandTable& t) {
  t.add(Mode::kConfig, "crypto ikev2 cookie-challenge <1-1000>",
        help({"Enable cookie challenge", "Number of half-open SAs from which the cookie challenge starts"}),
        [](C c, A a) {
          auto& g = c.model.ikev2.cookie_challenge;
          if (a.negated || a.defaulted) g.reset(); else g = std::stoi(a.at(3));
          return ok();
        })
      .writes(std::make_shared<const WriteBack>(global_line(1, cookie_line)));
  // "no crypto ikev2 limit max-sa" needs no number: the grammar's trailing
  // [..] makes it optional, the handler insists on it for the positive form.
  t.add(Mode::kConfig, "crypto ikev2 limit max-sa [<1-99999>]",
        help({"Limit the number of SAs", "Total number of IKEv2 SAs", "Number of SAs"}),
        [](C c, A a) -> Result<std::string> {
          auto& g = c.model.ikev2.max_sa;
          if (a.negated || a.defaulted) { g.reset(); return ok(); }
          if (a.size() < 5) return fail(Errc::kInvalidArgument, "Incomplete command.");
          g = std::stoi(a.at(4));
          return ok();
        })
      .writes(std::make_shared<const WriteBack>(global_line(0, limit_lines)));
  auto limits = t.write_back_of(Mode::kConfig, "crypto ikev2 limit max-sa");
  t.add(Mode::kConfig, "crypto ikev2 limit max-in-negotiation-sa [<1-99999>] [incoming|outgoing]",
        help({"Limit the number of SAs", "Number of in-negotiation IKEv2 SAs", "Number of SAs",
              "Incoming (responder) or outgoing (initiator) SAs"}),
        [](C c, A a) -> Result<std::string> {
          auto& g = c.model.ikev2;
          bool in = a.size() < 6 || a.at(5) == "incoming", out = a.size() < 6 || a.at(5) == "outgoing";
          if (a.negated || a.defaulted) {
            if (in) g.max_in_negotiation_in = Ikev2Global::kDefaultMaxInNegotiationIn;
            if (out) g.max_in_negotiation_out = Ikev2Global::kDefaultMaxInNegotiationOut;
            return ok();
          }
          if (a.size() < 5) return fail(Errc::kInvalidArgument, "Incomplete command.");
          int n = std::stoi(a.at(4));
          if (in) g.max_in_negotiation_in = n;
          if (out) g.max_in_negotiation_out = n;
          return ok();
        }).writes(limits);
  t.add(Mode::kConfig, "crypto ikev2 nat keepalive [<5-3600>]",
        help({"NAT traversal", "Send NAT keepalives when behind a NAT", "Keepalive interval in seconds"}),
        [](C c, A a) -> Result<std::string> {
          auto& g = c.model.ikev2.nat_keepalive;
          if (a.negated || a.defaulted) { g.reset(); return ok(); }
          if (a.size() < 5) return fail(Errc::kInvalidArgument, "Incomplete command.");
          g = std::stoi(a.at(4));
          return ok();
        })
      .writes(std::make_shared<const WriteBack>(global_line(2, keepalive_line)));
  // IOS: `crypto ikev2 fragmentation [mtu <68-1500>]`; the MTU is the size
  // of the IP datagram carrying each fragment. `no` turns it off.
  t.add(Mode::kConfig, "crypto ikev2 fragmentation [mtu] [<68-1500>]",
        help({"Fragmentation of IKEv2 messages (RFC 7383)", "Maximum transmission unit of a fragment",
              "MTU in bytes (IP datagram)"}),
        [](C c, A a) -> Result<std::string> {
          auto& g = c.model.ikev2;
          if (a.negated || a.defaulted) {
            g.fragmentation = false;
            g.fragmentation_mtu.reset();
            return ok();
          }
          if (a.size() == 4) return fail(Errc::kInvalidArgument, "Incomplete command.");
          g.fragmentation = true;
          if (a.size() >= 5) g.fragmentation_mtu = std::stoi(a.at(4));
          else g.fragmentation_mtu.reset();
          return ok();
        })
      .writes(section::kIkev2Global + 3, [](const WriteScope& s, std::string& out) {
        const auto& g = s.model.ikev2;
        out += fragmentation_line(g);
        if (!(limit_lines(g) + cookie_line(g) + keepalive_line(g) + fragmentation_line(g)).empty()) out += "!\n";
      });
}

}  // namespace

void register_ikev2_global_commands(CommandTable& t) {
  add_commands(t);
}

}  // namespace kg::config
