// Extended IP access lists, numbered (access-list 100-199 ...) and named
// (ip access-list extended NAME with [SEQ] permit|deny lines), and
// show access-lists. A crypto map's `match address` names one: its permit
// entries are the traffic the map protects (model_cryptomap.h).
#include "config/model_cryptomap.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> w;
  for (auto& [at, word] : split_words(line)) w.push_back(word);
  return w;
}

// Adds (or with `no`, removes) one entry; seq 0: after the last, in steps of 10.
Result<std::string> change(ExtendedAcl& acl, bool negated, int seq, bool permit, const std::vector<std::string>& words) {
  std::string error;
  auto e = parse_acl_ext(permit, words, error);
  if (!e) return fail(Errc::kInvalidArgument, error);
  if (negated) {
    std::erase_if(acl.entries, [&](const AclExtEntry& x) {
      AclExtEntry y = x;
      y.seq = e->seq;
      return y == *e && (seq == 0 || x.seq == seq);
    });
    return ok();
  }
  for (auto& x : acl.entries) {
    AclExtEntry y = x;
    y.seq = e->seq;
    if (y == *e) return ok();  // IOS ignores a duplicate line
  }
  e->seq = seq ? seq : acl.entries.empty() ? 10 : acl.entries.back().seq + 10;
  std::erase_if(acl.entries, [&](const AclExtEntry& x) { return x.seq == e->seq; });
  acl.entries.push_back(*e);
  std::sort(acl.entries.begin(), acl.entries.end(), [](auto& a, auto& b) { return a.seq < b.seq; });
  return ok();
}

std::string standard_text(const AclEntry& e) {
  std::string s = e.permit ? "permit " : "deny   ";
  if (e.wildcard == "255.255.255.255") return s + "any";
  if (e.wildcard == "0.0.0.0") return s + e.addr;
  return s + e.addr + ", wildcard bits " + e.wildcard;
}

// show access-lists [NAME], in IOS's layout.
std::string show_text(const Model& m, const std::string& only) {
  std::string s;
  std::map<std::string, int> names;  // both kinds, in name order as IOS lists them
  for (auto& [n, a] : m.access_lists) names[n] = 0;
  for (auto& [n, a] : m.extended_acls) names[n] = 1;
  for (auto& [n, kind] : names) {
    if (!only.empty() && n != only) continue;
    if (kind == 0) {
      s += "Standard IP access list " + n + "\n";
      int seq = 10;
      for (auto& e : m.access_lists.at(n).entries) s += "    " + std::to_string(std::exchange(seq, seq + 10)) + " " + standard_text(e) + "\n";
    } else {
      s += "Extended IP access list " + n + "\n";
      for (auto& e : m.extended_acls.at(n).entries) s += "    " + std::to_string(e.seq) + " " + acl_ext_text(e) + "\n";
    }
  }
  return s;
}

const std::vector<std::string> kEntryHelp = {"Specify packets to forward", "Protocol, source, destination (any | host A | A WILDCARD), ports (eq|gt|lt|range)"};

}  // namespace

void register_acl_commands(CommandTable& t) {
  // Numbered and named lists in one walk, in name order, after the standard ones.
  auto write = t.add(Mode::kConfig, "ip access-list extended WORD",
        {"Global IP configuration subcommands", "Named access list", "Extended Access List", "Access-list name"},
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(3);
          if (a.negated) { c.model.extended_acls.erase(n); return ok(); }
          if (c.model.access_lists.contains(n))
            return fail(Errc::kInvalidArgument, "% A standard access list named " + n + " exists");
          auto& acl = c.model.extended_acls[n];
          if (acl.numbered && !acl.entries.empty()) return fail(Errc::kInvalidArgument, "% " + n + " is a numbered list");
          c.next_mode = Mode::kExtAccessList;
          c.next_object = n;
          return ok();
        })
      .writes(section::kRoute + 6, [](const WriteScope& s, std::string& out) {
        for (auto& [n, acl] : s.model.extended_acls) {
          if (acl.numbered) {
            for (auto& e : acl.entries) out += "access-list " + n + " " + acl_ext_text(e) + "\n";
            continue;
          }
          out += "ip access-list extended " + n + "\n";
          s.sub(Mode::kExtAccessList, n, out);
        }
        if (!s.model.extended_acls.empty()) out += "!\n";
      });
  // Sequence numbers are written only where they are not the default 10, 20...
  auto entries = t.add(Mode::kExtAccessList, "{permit|deny} LINE", kEntryHelp,
        [](C c, A a) { return change(c.model.extended_acls[c.object], a.negated, 0, a.at(0) == "permit", split(a.at(1))); })
      .writes(0, [](const WriteScope& s, std::string& out) {
        int want = 10;
        for (auto& e : s.model.extended_acls.at(s.object).entries) {
          out += " " + (e.seq == want ? std::string() : std::to_string(e.seq) + " ") + acl_ext_text(e) + "\n";
          want = e.seq + 10;
        }
      });
  t.add(Mode::kExtAccessList, "<1-2147483647> {permit|deny} LINE", {"Sequence Number", kEntryHelp[0], kEntryHelp[1]},
        [](C c, A a) {
          return change(c.model.extended_acls[c.object], a.negated, std::stoi(a.at(0)), a.at(1) == "permit", split(a.at(2)));
        })
      .writes(entries);
  t.add(Mode::kExtAccessList, "<1-2147483647>", {"Sequence Number (no SEQ removes that entry)"},
        [](C c, A a) -> Result<std::string> {
          if (!a.negated) return fail(Errc::kInvalidArgument, "% Incomplete command.");
          int seq = std::stoi(a.at(0));
          std::erase_if(c.model.extended_acls[c.object].entries, [seq](auto& e) { return e.seq == seq; });
          return ok();
        })
      .writes(entries);
  for (const char* w : {"end", "exit"})
    t.add(Mode::kExtAccessList, w, {std::string(w) == "end" ? "Exit to privileged EXEC mode" : "Exit from the current mode"},
          [w](C c, A) {
            c.next_mode = std::string(w) == "end" ? Mode::kExec : Mode::kConfig;
            c.next_object.clear();
            return ok();
          })
        .not_persisted();
  // access-list 100-199: IOS's `no access-list N ...` removes the whole list.
  auto numbered = [](C c, A a) -> Result<std::string> {
    const std::string& n = a.at(1);
    if (a.negated) { c.model.extended_acls.erase(n); return ok(); }
    if (a.size() < 4) return fail(Errc::kInvalidArgument, "% Incomplete command.");
    auto& acl = c.model.extended_acls[n];
    acl.numbered = true;
    auto r = change(acl, false, 0, a.at(2) == "permit", split(a.at(3)));
    if (acl.entries.empty()) c.model.extended_acls.erase(n);
    return r;
  };
  std::vector<std::string> h = {"Add an access list entry", "IP extended access list", kEntryHelp[0], kEntryHelp[1]};
  t.add(Mode::kConfig, "access-list <100-199> {permit|deny} LINE", h, numbered).writes(write);
  t.add(Mode::kConfig, "access-list <100-199>", {h[0], h[1]}, numbered).writes(write);
  t.add(Mode::kExec, "show access-lists [WORD]",
        {"Show running system information", "List access lists", "ACL name or number"},
        [](C c, A a) -> Result<std::string> { return show_text(c.model, a.size() > 2 ? a.at(2) : ""); });
}

}  // namespace kg::config
