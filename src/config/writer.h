// `show running-config` is written by section writers registered in the same
// CommandTable as the commands they print (FRR vtysh's per-node config_write),
// so each command file owns both the grammar and the text of its block. The
// table calls the writers in `order` and appends "end".
#pragma once
#include <functional>
#include <map>
#include <string>

#include "config/model.h"

namespace kg::config {

struct WriteContext {
  // Seals a secret for display: "6 <sealed>" (never the clear key).
  std::function<std::string(const std::string&)> seal;
  // show running-config all: the smart-default blocks too, as they stand.
  bool all = false;
  [[nodiscard]] std::string key(const std::string& k) const { return "6 " + seal(k); }
};

using Writer = std::function<void(const Model&, const WriteContext&, std::string& out)>;

// Section order in the output (IOS prints AAA and PKI before crypto, interfaces
// after, static routes last). New areas pick a free number between these.
namespace section {
constexpr int kHostname = 0, kPlatform = 5, kAaa = 10, kPki = 20, kIkev2Proposal = 30, kIkev2Policy = 35,
              kIkev2Keyring = 40, kIkev2Authorization = 45, kIkev2Profile = 50, kIkev2Global = 55,
              kTransformSet = 60, kIpsecProfile = 65, kInterface = 70, kPool = 80, kRoute = 90;
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
