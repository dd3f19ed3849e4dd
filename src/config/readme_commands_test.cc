// README's "Supported commands" against the shell: every configuration
// command the command table has (its keywords up to the first argument) is
// listed there, in any mode. Exec commands the daemon registers are not in
// this table (they need a Daemon); the configuration ones are.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "config/session.h"

namespace kg::config {
namespace {

bool keyword(const std::string& w) {
  if (w.empty() || w[0] == '<') return false;
  for (char ch : w)
    if (std::islower(static_cast<unsigned char>(ch))) return true;
  return false;
}

// Keyword paths of a mode: "crypto ikev2 proposal", "platform interface-map".
void walk(const CommandTable& t, Mode m, const std::string& prefix, int depth, std::vector<std::string>& out) {
  std::istringstream help(t.help(m, prefix));
  std::vector<std::pair<std::string, std::string>> items;  // word, help
  std::map<std::string, int> same_help;
  for (std::string line; std::getline(help, line);) {
    std::istringstream ls(line);
    std::string w, h;
    ls >> w;
    std::getline(ls, h);
    items.push_back({w, h});
    ++same_help[h];
  }
  std::vector<std::string> next;
  bool leaf = false;
  for (auto& [w, h] : items) {
    // Words sharing one help text are the values of one {a|b|c} argument.
    if (w == "<cr>" || !keyword(w) || (same_help[h] > 1 && !prefix.empty())) leaf = true;
    else if (prefix.empty() && (w == "no" || w == "default" || w == "do" || w == "end" || w == "exit")) continue;
    else next.push_back(w);
  }
  if ((leaf || depth == 3) && !prefix.empty()) {
    // Spelled out: "ip " also offers ipv6's words (an abbreviation of it).
    auto r = t.match(m, prefix);
    bool real = r.status == MatchResult::Status::kOk || r.status == MatchResult::Status::kIncomplete;
    if (auto words = t.expand(m, prefix); real && words) {
      std::string full;
      for (auto& w : *words) full += (full.empty() ? "" : " ") + w;
      out.push_back(full);
    }
    if (depth == 3) return;
  }
  for (auto& w : next) walk(t, m, prefix + w + " ", depth + 1, out);
}

// README lines as words, without the grammar's punctuation ([x], a|b, (notes)).
std::vector<std::vector<std::string>> readme_lines() {
  std::ifstream in(std::string(KG_SOURCE_DIR) + "/README.md");
  std::vector<std::vector<std::string>> lines;
  bool in_section = false;
  for (std::string l; std::getline(in, l);) {
    // The command lists: from "## Supported commands" to its first subsection.
    if (l.starts_with("#")) in_section = l == "## Supported commands";
    if (!in_section) continue;
    for (char& ch : l)
      if (ch == '[' || ch == ']' || ch == '|' || ch == '`' || ch == '\\' || ch == '/') ch = ' ';
    std::istringstream ls(l);
    std::vector<std::string> words;
    for (std::string w; ls >> w;) words.push_back(w);
    lines.push_back(words);
  }
  return lines;
}

// One line has the path's first word and, after it, each of the others
// (values of a list such as `encryption A B ...` may repeat or come in any order).
bool listed(const std::vector<std::vector<std::string>>& lines, const std::string& path) {
  std::istringstream ps(path);
  std::vector<std::string> want;
  for (std::string w; ps >> w;) want.push_back(w);
  for (auto& l : lines) {
    for (size_t s = 0; s < l.size(); ++s) {
      if (l[s] != want[0]) continue;
      bool all = true;
      for (size_t k = 1; k < want.size() && all; ++k)
        all = std::find(l.begin() + long(s) + 1, l.end(), want[k]) != l.end();
      if (all) return true;
    }
  }
  return false;
}

TEST(Readme, ListsEveryConfigurationCommand) {
  Config c;
  auto lines = readme_lines();
  ASSERT_FALSE(lines.empty());
  for (Mode m : {Mode::kConfig, Mode::kIkev2Proposal, Mode::kIkev2Policy, Mode::kIkev2Keyring, Mode::kKeyringPeer,
                 Mode::kIkev2Profile, Mode::kTransformSet, Mode::kIpsecProfile, Mode::kInterface,
                 Mode::kIkev2Authorization, Mode::kFlexvpnClient, Mode::kAccessList, Mode::kPkiTrustpoint,
                 Mode::kCertChain, Mode::kCertMap, Mode::kConsentAuthority, Mode::kIsakmpPolicy, Mode::kIsakmpPeer, Mode::kIsakmpGroup, Mode::kIsakmpProfile, Mode::kCryptoKeyring,
                 Mode::kAaaRadiusGroup, Mode::kRadiusServer, Mode::kNameMangler, Mode::kAaaAttributeList, Mode::kPubkeyChain, Mode::kPubkeyKey,
                 Mode::kExtAccessList, Mode::kCryptoMap, Mode::kDynamicMap,
                 Mode::kAaaDynamicAuthor, Mode::kIsakmpBrowserProxy, Mode::kIsakmpClientFirewall}) {
    std::vector<std::string> paths;
    walk(c.table(), m, "", 0, paths);
    for (auto& p : paths) EXPECT_TRUE(listed(lines, p)) << "mode " << int(m) << ": \"" << p << "\" is not in README's Supported commands";
  }
}

}  // namespace
}  // namespace kg::config
