// `show running-config` is written by the command table itself (FRR vtysh's
// config_write, per command): each command is registered with the function
// that prints its line(s) (CommandTable::Registration::writes). The table
// walks the configuration mode's commands in order; a command that opens a
// sub-mode prints one block per object and has the sub-mode's commands
// print its lines through WriteScope::sub.
#pragma once
#include <functional>
#include <map>
#include <string>

#include "config/command_table.h"
#include "config/model.h"

namespace kg::config {

struct WriteContext {
  // Seals a secret for display: "6 <sealed>" (never the clear key).
  std::function<std::string(const std::string&)> seal;
  // show running-config all: the smart-default blocks too, as they stand.
  bool all = false;
  [[nodiscard]] std::string key(const std::string& k) const { return "6 " + seal(k); }
  // The only place a configured secret leaves its Secret: to be sealed.
  [[nodiscard]] std::string key(const Secret& k) const {
    return key(std::string(reinterpret_cast<const char*>(k.view().data()), k.size()));
  }
};

// What a command's writer sees: the model, how to show keys, and the object
// of the sub-mode being written (proposal, interface, keyring and peer...).
struct WriteScope {
  const Model& model;
  const WriteContext& ctx;
  const CommandTable& table;
  std::string object, sub_object;
  // The lines of sub-mode `mode` for one object: each of its commands'
  // writers, in their order.
  void sub(Mode mode, std::string obj, std::string& out, std::string sub_obj = "") const {
    table.write_mode(mode, WriteScope{model, ctx, table, std::move(obj), std::move(sub_obj)}, out);
  }
};

// Section order in the output of the configuration mode's commands (IOS prints
// AAA and PKI before crypto, interfaces after, static routes last). New areas
// pick a free number between these.
namespace section {
constexpr int kHostname = 0, kPlatform = 50, kAaa = 100, kPki = 200, kIkev2Proposal = 300, kIkev2Policy = 350,
              kIkev2Keyring = 400, kIkev2Authorization = 450, kIkev2Profile = 500, kIkev2Global = 550, kIsakmp = 575,
              kTransformSet = 600, kIpsecProfile = 650, kInterface = 700, kPool = 800, kRoute = 900;
}

// Line order inside the blocks whose commands come from several files.
namespace profile_line {  // crypto ikev2 profile
constexpr int kMatchIdentity = 1, kMatchAddress = 2, kMatchCertificate = 3, kIdentityLocal = 4, kAuthentication = 5,
              kKeyring = 6, kPkiTrustpoint = 7, kLifetime = 8, kAaa = 9, kVirtualTemplate = 10, kDpd = 11,
              kNatForceEncap = 12;
}
namespace interface_line {  // interface
constexpr int kDescription = 1, kIpAddress = 2, kIpUnnumbered = 3, kIpv6Address = 4, kMtu = 5, kTunnelSource = 6,
              kTunnelMode = 7, kTunnelDestination = 8, kTunnelProtection = 9, kShutdown = 10;
}

std::string join_words(const std::vector<std::string>& v);  // " a b c"

// Smart-default blocks: nothing when unchanged (the block itself with
// `all`), "no HEAD default" when removed, "no HEAD default" + the block when
// changed (list commands append, so a reload onto the built-in default would
// otherwise merge lists).
template <class T, class Same, class Body>
void emit_with_default(const WriteContext& ctx, std::string& out, const std::map<std::string, T>& m,
                       const T& def, const std::string& head, Same same, Body body) {
  if (!m.contains("default")) out += "no " + head + " default\n!\n";
  for (const auto& [name, v] : m) {
    bool unchanged = name == "default" && same(v, def);
    if (unchanged && !ctx.all) continue;
    if (name == "default" && !unchanged) out += "no " + head + " default\n";
    body(name, v);
  }
}

}  // namespace kg::config
