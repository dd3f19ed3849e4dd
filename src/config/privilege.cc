#include "config/privilege.h"

#include <algorithm>
#include <string_view>

namespace kg::config {
namespace {

struct Builtin {
  std::vector<std::string> words;
  int level;
};
const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> b = {
      {{"enable"}, 1},  {{"disable"}, 1},         {{"exit"}, 1},
      {{"logout"}, 1},  {{"terminal"}, 1},        {{"show", "privilege"}, 1},
      {{"show", "version"}, 1}, {{"show", "clock"}, 1}, {{"ping"}, 1},
  };
  return b;
}

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  for (auto& [pos, w] : split_words(s)) out.push_back(w);
  return out;
}

// Whether the command's tokens can take `words` as their first words.
bool grammar_takes(const Command& c, const std::vector<std::string>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    if (i >= c.tokens.size()) return false;
    const Token& t = c.tokens[i];
    if (t.kind == Token::Kind::kLine) return true;
    if ((t.kind == Token::Kind::kKeyword || t.kind == Token::Kind::kAlt) &&
        std::find(t.words.begin(), t.words.end(), words[i]) == t.words.end())
      return false;
  }
  return true;
}

bool line_starts_with(const std::vector<std::string>& line, const std::vector<std::string>& words) {
  return words.size() <= line.size() && std::equal(words.begin(), words.end(), line.begin());
}

template <class Fits>
int level_of(const Model& m, Fits fits) {
  size_t best = 0;
  int level = -1;
  for (const auto& [text, lvl] : m.exec_privileges) {
    auto w = split(text);
    if (w.size() > best && fits(w)) { best = w.size(); level = lvl; }
  }
  if (level >= 0) return level;
  for (const auto& b : builtins())
    if (b.words.size() > best && fits(b.words)) { best = b.words.size(); level = b.level; }
  return level >= 0 ? level : kMaxPrivilege;
}

}  // namespace

int grammar_level(const Model& m, const Command& c) {
  if (c.mode != Mode::kExec) return kMaxPrivilege;
  int level = level_of(m, [&](const std::vector<std::string>& w) { return grammar_takes(c, w); });
  // A longer entry may lower one instance of this command (an argument's
  // value): the command is then visible at that level, and line_level
  // decides for each line.
  for (const auto& [text, lvl] : m.exec_privileges)
    if (lvl < level && grammar_takes(c, split(text))) level = lvl;
  return level;
}

int line_level(const Model& m, Mode mode, const std::vector<std::string>& words) {
  if (mode != Mode::kExec) return kMaxPrivilege;
  return level_of(m, [&](const std::vector<std::string>& w) { return line_starts_with(words, w); });
}

}  // namespace kg::config
