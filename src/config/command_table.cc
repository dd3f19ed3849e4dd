#include "config/command_table.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

#include "common/ip.h"
#include "config/writer.h"

namespace kg::config {
namespace {

bool is_prefix(std::string_view word, std::string_view kw) {
  if (word.size() > kw.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(word[i])) != kw[i]) return false;
  return true;
}

Token parse_token(std::string_view g, std::string help) {
  Token t{Token::Kind::kKeyword, {}, 0, 0, std::move(help)};
  if (g == "WORD") {
    t.kind = Token::Kind::kWord;
  } else if (g == "A.B.C.D") {
    t.kind = Token::Kind::kIpv4;
  } else if (g == "X:X:X:X::X") {
    t.kind = Token::Kind::kIpv6;
  } else if (g == "X:X:X:X::X/<0-128>") {
    t.kind = Token::Kind::kIpv6Prefix;
  } else if (g == "LINE") {
    t.kind = Token::Kind::kLine;
  } else if (g.size() > 2 && g.front() == '<') {
    t.kind = Token::Kind::kRange;
    auto dash = g.find('-');
    std::from_chars(g.data() + 1, g.data() + dash, t.lo);
    std::from_chars(g.data() + dash + 1, g.data() + g.size() - 1, t.hi);
  } else if (g.front() == '{') {
    t.kind = Token::Kind::kAlt;
    std::string_view in = g.substr(1, g.size() - 2);
    size_t p = 0;
    while (true) {
      size_t bar = in.find('|', p);
      t.words.emplace_back(in.substr(p, bar - p));
      if (bar == std::string_view::npos) break;
      p = bar + 1;
    }
  } else {
    t.words.emplace_back(g);
  }
  return t;
}

// How a word matched a token: 0 = no, 1 = partial keyword/argument, 2 = exact keyword.
struct WordMatch {
  int level = 0;
  std::string value;    // expanded keyword or verbatim argument
  int keyword_hits = 0;  // >1 means ambiguous among alternatives
};

WordMatch match_word(const Token& t, std::string_view w) {
  WordMatch m;
  switch (t.kind) {
    case Token::Kind::kKeyword:
    case Token::Kind::kAlt:
      for (const auto& k : t.words) {
        if (k.size() == w.size() && is_prefix(w, k)) return {2, k, 1};
        if (is_prefix(w, k)) { m.level = 1; m.value = k; ++m.keyword_hits; }
      }
      return m;
    case Token::Kind::kWord:
    case Token::Kind::kLine:
      return {1, std::string(w), 0};
    case Token::Kind::kIpv4: {
      auto a = IpAddress::parse(w);
      if (a && a->family == IpAddress::Family::kV4) return {1, std::string(w), 0};
      return m;
    }
    case Token::Kind::kIpv6: {
      auto a = IpAddress::parse(w);
      if (a && a->family == IpAddress::Family::kV6) return {1, std::string(w), 0};
      return m;
    }
    case Token::Kind::kIpv6Prefix: {
      auto p = w.find('/') == std::string_view::npos ? std::nullopt : Prefix::parse(w);
      if (p && !p->addr.is_v4()) return {1, std::string(w), 0};
      return m;
    }
    case Token::Kind::kRange: {
      long v = 0;
      auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
      if (ec == std::errc() && p == w.data() + w.size() && v >= t.lo && v <= t.hi)
        return {1, std::string(w), 0};
      return m;
    }
  }
  return m;
}

std::string token_label(const Token& t) {
  switch (t.kind) {
    case Token::Kind::kWord: return "WORD";
    case Token::Kind::kIpv4: return "A.B.C.D";
    case Token::Kind::kLine: return "LINE";
    case Token::Kind::kIpv6: return "X:X:X:X::X";
    case Token::Kind::kIpv6Prefix: return "X:X:X:X::X/<0-128>";
    case Token::Kind::kRange: return "<" + std::to_string(t.lo) + "-" + std::to_string(t.hi) + ">";
    default: return t.words.empty() ? "" : t.words[0];
  }
}

}  // namespace

std::vector<std::pair<size_t, std::string>> split_words(std::string_view line) {
  std::vector<std::pair<size_t, std::string>> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    size_t s = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    out.emplace_back(s, std::string(line.substr(s, i - s)));
  }
  return out;
}

CommandTable::Registration CommandTable::add(Mode mode, std::string_view grammar, std::vector<std::string> help,
                                             Handler h, bool hidden, bool json) {
  size_t first = commands_.size();
  auto words = split_words(grammar);
  std::vector<Token> toks;
  bool in_group = false;     // inside "[a b]": its words are all present or all absent
  bool seen_optional = false;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string g = words[i].second;
    // Repeated trailing elements ("group X [X] [X]") reuse the last help text.
    std::string hs = i < help.size() ? help[i] : help.empty() ? "" : help.back();
    bool opens = !in_group && g.front() == '[';
    if (opens) {
      // Variant ending just before this optional group.
      commands_.push_back(Command{mode, toks, h, hidden, json});
      g.erase(0, 1);
      in_group = seen_optional = true;
    } else if (!in_group && seen_optional) {
      // A required word after an optional one would make variants whose word
      // positions differ from what the handler reads: refuse the grammar.
      throw std::logic_error("command grammar \"" + std::string(grammar) +
                             "\": a required word follows an optional one");
    }
    if (in_group && !g.empty() && g.back() == ']') {
      g.pop_back();
      in_group = false;
    }
    if (g.empty() || g.find_first_of("[]") != std::string::npos)
      throw std::logic_error("command grammar \"" + std::string(grammar) + "\": bad brackets");
    if (g.find('|') != std::string::npos && g.front() != '{') g = "{" + g + "}";
    toks.push_back(parse_token(g, hs));
  }
  if (in_group) throw std::logic_error("command grammar \"" + std::string(grammar) + "\": unclosed [");
  commands_.push_back(Command{mode, std::move(toks), std::move(h), hidden, json});
  return Registration(*this, first, commands_.size());
}

WriteBackRef CommandTable::Registration::writes(int order, LineWriter w) {
  auto wb = std::make_shared<const WriteBack>(WriteBack{order, std::move(w)});
  writes(wb);
  return wb;
}

void CommandTable::Registration::writes(const WriteBackRef& w) {
  for (size_t i = first_; i < end_; ++i) t_.commands_[i].write_back = w;
}

void CommandTable::Registration::not_persisted() {
  for (size_t i = first_; i < end_; ++i) t_.commands_[i].not_persisted = true;
}

MatchResult CommandTable::match(Mode mode, std::string_view line, const Visible& visible) const {
  MatchResult r{MatchResult::Status::kEmpty};
  auto words = split_words(line);
  if (words.empty()) return r;
  size_t first = 0;
  if (mode != Mode::kExec && (words[0].second == "no" || words[0].second == "default")) {
    r.args.negated = words[0].second == "no";
    r.args.defaulted = !r.args.negated;
    first = 1;
  }
  size_t n = words.size() - first;
  size_t best_fail = 0;
  std::set<std::string> ranges;  // ranges that refused the word at best_fail
  bool any_incomplete = false;
  // partial: positions where the command's keyword was only abbreviated.
  struct Full { const Command* c; std::vector<std::string> vals; int exact; std::vector<size_t> partial; };
  std::vector<Full> full;
  std::vector<std::vector<size_t>> incomplete;  // the partial positions of each
  // Per position: distinct keywords that a non-exact word matched (ambiguity).
  std::vector<std::set<std::string>> partial_kw(n);
  std::vector<bool> exact_kw(n, false);
  for (const auto& c : commands_) {
    if (c.mode != mode || (visible && !visible(c))) continue;
    std::vector<std::string> vals;
    std::vector<size_t> partial;
    int exact = 0;
    size_t i = 0;
    bool ok = true, line_consumed = false;
    for (; i < n && i < c.tokens.size(); ++i) {
      const Token& t = c.tokens[i];
      if (t.kind == Token::Kind::kLine) {
        vals.emplace_back(line.substr(words[first + i].first));
        line_consumed = true;
        break;
      }
      WordMatch m = match_word(t, words[first + i].second);
      if (m.level == 0) { ok = false; break; }
      if (m.keyword_hits > 1) {
        r.status = MatchResult::Status::kAmbiguous;
        r.ambiguous_text = std::string(line);
        return r;
      }
      if (t.kind == Token::Kind::kKeyword || t.kind == Token::Kind::kAlt) {
        if (m.level == 2) exact_kw[i] = true; else partial_kw[i].insert(m.value), partial.push_back(i);
        exact += m.level;
      }
      vals.push_back(m.value);
    }
    if (!ok) {
      // A number refused by a range: remember the range for the error text.
      const std::string& w = words[first + i].second;
      if (i >= best_fail && c.tokens[i].kind == Token::Kind::kRange && !w.empty() &&
          w.find_first_not_of("0123456789") == std::string::npos) {
        if (i > best_fail) ranges.clear();
        ranges.insert(token_label(c.tokens[i]));
      }
      best_fail = std::max(best_fail, i);
      continue;
    }
    if (line_consumed) { full.push_back({&c, vals, exact, partial}); continue; }
    if (n > c.tokens.size()) { best_fail = std::max(best_fail, c.tokens.size()); continue; }
    if (n < c.tokens.size()) { incomplete.push_back(partial); continue; }
    full.push_back({&c, vals, exact, partial});
  }
  // As on IOS, a word that is some command's keyword exactly is that keyword,
  // never an abbreviation of a longer one: `ip unicast-routing` is not
  // `ipv6 unicast-routing`.
  auto overruled = [&](const std::vector<size_t>& partial) {
    return std::any_of(partial.begin(), partial.end(), [&](size_t i) { return bool(exact_kw[i]); });
  };
  std::erase_if(full, [&](const Full& f) { return overruled(f.partial); });
  for (auto& p : incomplete) any_incomplete = any_incomplete || !overruled(p);
  for (size_t i = 0; i < n; ++i) {
    if (partial_kw[i].size() > 1 && !exact_kw[i]) {
      r.status = MatchResult::Status::kAmbiguous;
      std::string s;
      for (size_t j = first; j <= first + i; ++j) s += (j > first ? " " : "") + words[j].second;
      r.ambiguous_text = s;
      return r;
    }
  }
  if (!full.empty()) {
    auto best = std::max_element(full.begin(), full.end(),
                                 [](const Full& a, const Full& b) { return a.exact < b.exact; });
    r.status = MatchResult::Status::kOk;
    r.command = best->c;
    r.args.words = std::move(best->vals);
    return r;
  }
  // A command accepted every word but wants more: IOS says "Incomplete".
  if (any_incomplete) {
    r.status = MatchResult::Status::kIncomplete;
    return r;
  }
  r.status = MatchResult::Status::kInvalid;
  r.error_column = words[first + std::min(best_fail, n - 1)].first;
  if (ranges.size() == 1 && best_fail < n) r.expected_range = *ranges.begin();
  return r;
}

namespace {

// Commands whose tokens accept words[0..k) and have a token at position k.
template <class F>
void for_each_next(const std::vector<Command>& cmds, Mode mode, const Visible& visible,
                   const std::vector<std::pair<size_t, std::string>>& words, size_t first, F f) {
  size_t k = words.size() - first;
  // As in match(): a word that is some command's keyword exactly rules out
  // the commands that only abbreviate there ("ip ?" lists no ipv6 words).
  std::vector<bool> exact(k, false);
  std::vector<std::pair<const Command*, std::vector<size_t>>> next;  // with their abbreviated positions
  for (const auto& c : cmds) {
    if (c.mode != mode || c.hidden || (visible && !visible(c))) continue;
    bool ok = true;
    size_t i = 0;
    std::vector<size_t> partial;
    for (; i < k && i < c.tokens.size(); ++i) {
      if (c.tokens[i].kind == Token::Kind::kLine) break;
      WordMatch m = match_word(c.tokens[i], words[first + i].second);
      if (m.level == 0) { ok = false; break; }
      bool kw = c.tokens[i].kind == Token::Kind::kKeyword || c.tokens[i].kind == Token::Kind::kAlt;
      if (kw && m.level == 2) exact[i] = true;
      if (kw && m.level == 1) partial.push_back(i);
    }
    if (!ok) continue;
    if (i < k && (i >= c.tokens.size() || c.tokens[i].kind != Token::Kind::kLine)) continue;
    next.push_back({&c, std::move(partial)});
  }
  for (auto& [c, partial] : next)
    if (std::none_of(partial.begin(), partial.end(), [&](size_t i) { return bool(exact[i]); })) f(*c, k);
}

}  // namespace

std::vector<std::string> CommandTable::complete(Mode mode, std::string_view line, const Visible& visible) const {
  auto words = split_words(line);
  std::string partial;
  if (!line.empty() && !std::isspace(static_cast<unsigned char>(line.back())) && !words.empty()) {
    partial = words.back().second;
    words.pop_back();
  }
  size_t first = 0;
  std::set<std::string> out;
  if (mode != Mode::kExec && !words.empty() &&
      (words[0].second == "no" || words[0].second == "default"))
    first = 1;
  if (mode != Mode::kExec && words.empty()) {
    for (const char* k : {"no", "default"})
      if (is_prefix(partial, k)) out.insert(k);
  }
  for_each_next(commands_, mode, visible, words, first, [&](const Command& c, size_t k) {
    if (k >= c.tokens.size()) return;
    const Token& t = c.tokens[k];
    if (t.kind != Token::Kind::kKeyword && t.kind != Token::Kind::kAlt) return;
    for (const auto& w : t.words)
      if (is_prefix(partial, w)) out.insert(w);
  });
  return {out.begin(), out.end()};
}

std::string CommandTable::help(Mode mode, std::string_view line, const Visible& visible) const {
  auto words = split_words(line);
  std::string partial;
  bool mid_word = !line.empty() && !std::isspace(static_cast<unsigned char>(line.back())) &&
                  !words.empty();
  if (mid_word) {
    partial = words.back().second;
    words.pop_back();
  }
  size_t first = 0;
  if (mode != Mode::kExec && !words.empty() &&
      (words[0].second == "no" || words[0].second == "default"))
    first = 1;
  std::vector<std::pair<std::string, std::string>> items;
  bool cr = false;
  if (mode != Mode::kExec && words.empty()) {
    if (is_prefix(partial, "default")) items.push_back({"default", "Set a command to its defaults"});
    if (is_prefix(partial, "no")) items.push_back({"no", "Negate a command or set its defaults"});
  }
  for_each_next(commands_, mode, visible, words, first, [&](const Command& c, size_t k) {
    if (k >= c.tokens.size()) { if (!mid_word) cr = true; return; }
    const Token& t = c.tokens[k];
    if (t.kind == Token::Kind::kKeyword || t.kind == Token::Kind::kAlt) {
      for (const auto& w : t.words)
        if (is_prefix(partial, w)) items.push_back({w, t.help});
    } else if (!mid_word || match_word(t, partial).level > 0) {
      items.push_back({token_label(t), t.help});
    }
  });
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end(),
                          [](auto& a, auto& b) { return a.first == b.first; }),
              items.end());
  if (items.empty() && !cr) return "% Unrecognized command\n";
  std::string out;
  if (mid_word) {
    for (auto& [w, h] : items) out += w + "  ";
    return out + "\n";
  }
  size_t width = 0;
  for (auto& it : items) width = std::max(width, it.first.size());
  for (auto& [w, h] : items) out += "  " + w + std::string(width - w.size() + 2, ' ') + h + "\n";
  if (cr) out += "  <cr>\n";
  return out;
}

Result<std::vector<std::string>> CommandTable::expand(Mode mode, std::string_view line) const {
  auto words = split_words(line);
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].second;
    std::set<std::string> exact, partial;
    bool argument = false;
    std::vector<std::pair<size_t, std::string>> before(words.begin(), words.begin() + long(i));
    for_each_next(commands_, mode, {}, before, 0, [&](const Command& c, size_t k) {
      for (size_t j = 0; j <= k && j < c.tokens.size(); ++j)
        if (c.tokens[j].kind == Token::Kind::kLine) { argument = true; return; }
      if (k >= c.tokens.size()) return;
      const Token& t = c.tokens[k];
      WordMatch m = match_word(t, w);
      if (m.level == 0) return;
      if (t.kind != Token::Kind::kKeyword && t.kind != Token::Kind::kAlt) argument = true;
      else (m.level == 2 ? exact : partial).insert(m.value);
    });
    // IOS prefers a keyword to an argument that the same word could be.
    if (!exact.empty()) out.push_back(w);
    else if (partial.size() == 1) out.push_back(*partial.begin());
    else if (partial.size() > 1) return fail(Errc::kInvalidArgument, "Ambiguous command:  \"" + w + "\"");
    else if (argument) out.push_back(w);
    else return fail(Errc::kInvalidArgument, "Invalid input: no command takes '" + w + "' there");
  }
  return out;
}

void CommandTable::write_mode(Mode mode, const WriteScope& scope, std::string& out) const {
  // Each writer once (variants and commands of one field share it), in order.
  std::vector<const WriteBack*> wbs;
  for (const auto& c : commands_)
    if (c.mode == mode && c.write_back && std::find(wbs.begin(), wbs.end(), c.write_back.get()) == wbs.end())
      wbs.push_back(c.write_back.get());
  std::stable_sort(wbs.begin(), wbs.end(), [](auto* a, auto* b) { return a->order < b->order; });
  for (const WriteBack* wb : wbs) wb->write(scope, out);
}

std::string CommandTable::write(const Model& m, const WriteContext& ctx) const {
  std::string out = "!\n";
  write_mode(Mode::kConfig, WriteScope{m, ctx, *this}, out);
  return out + "!\nend\n";
}

std::string CommandTable::grammar(const Command& c) {
  std::string g;
  for (const auto& t : c.tokens) {
    std::string w = token_label(t);
    if (t.kind == Token::Kind::kAlt) {
      w.clear();
      for (const auto& a : t.words) w += (w.empty() ? "{" : "|") + a;
      w += "}";
    }
    g += (g.empty() ? "" : " ") + w;
  }
  return g;
}

WriteBackRef CommandTable::write_back_of(Mode mode, std::string_view g) const {
  for (const auto& c : commands_)
    if (c.mode == mode && grammar(c) == g) return c.write_back;
  return nullptr;
}

std::vector<std::string> CommandTable::unwritten() const {
  std::vector<std::string> out;
  for (const auto& c : commands_)
    if (c.mode != Mode::kExec && !c.write_back && !c.not_persisted)
      out.push_back(std::to_string(int(c.mode)) + ": " + grammar(c));
  return out;
}

}  // namespace kg::config
