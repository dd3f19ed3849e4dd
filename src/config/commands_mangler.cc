// Name manglers and attribute lists for AAA authorization (seed 004, "FlexVPN
// AAA Integration"):
//   crypto ikev2 name-mangler NAME          (config-ikev2-name-mangler)
//    dn common-name|country|domain|locality|organization|organization-unit|state
//    fqdn all|domain|hostname
//    email all|domain|username
//    eap all | dn FIELD | prefix|suffix delimiter D  (D: a dot, @ or backslash)
//   aaa attribute list NAME                 (config-attr-list)
//    attribute type NAME VALUE [protocol P] [mandatory]
// and, in an IKEv2 profile, `keyring aaa LIST [name-mangler M] [password P]`.
// How a mangler turns an identity into a name is aaa/name_mangler.h.
#include <sstream>

#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

constexpr int kManglers = section::kIkev2Authorization + 10;  // before the profiles that name them
constexpr int kAttributeLists = section::kAaa + 30;

void enter(C c, Mode m, std::string obj) {
  c.next_mode = m;
  c.next_object = std::move(obj);
}

void add_mode_exits(CommandTable& t, Mode m) {
  t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); })
      .not_persisted();
  t.add(m, "exit", {"Exit from the current mode"}, [](C c, A) { enter(c, Mode::kConfig, ""); return ok(); })
      .not_persisted();
}

void add_mangler(CommandTable& t) {
  t.add(Mode::kConfig, "crypto ikev2 name-mangler WORD",
        {"Encryption module", "Configure IKEv2 parameters", "Name mangler", "Name of the name mangler"},
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated || a.defaulted) { c.model.name_manglers.erase(n); return ok(); }
          c.model.name_manglers[n];
          enter(c, Mode::kNameMangler, n);
          return ok();
        })
      .writes(kManglers, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, m] : s.model.name_manglers) {
          out += "crypto ikev2 name-mangler " + n + "\n";
          s.sub(Mode::kNameMangler, n, out);
          out += "!\n";
        }
      });
  auto nm = [](C c) -> NameMangler& { return c.model.name_manglers[c.object]; };
  auto nm_of = [](const WriteScope& s) -> const NameMangler& { return s.model.name_manglers.at(s.object); };
  // One field per keyword: the words after it (a new line replaces it).
  auto field = [nm](std::string NameMangler::*f) {
    return [nm, f](C c, A a) {
      std::string v;
      for (size_t i = 1; i < a.size(); ++i) v += (i > 1 ? " " : "") + a.at(i);
      nm(c).*f = a.negated ? "" : v;
      return ok();
    };
  };
  auto line = [nm_of](std::string NameMangler::*f, std::string head) {
    return [nm_of, f, head](const WriteScope& s, std::string& out) {
      if (auto& v = nm_of(s).*f; !v.empty()) out += " " + head + " " + v + "\n";
    };
  };
  std::string dn_fields = "{common-name|country|domain|locality|organization|organization-unit|state}";
  std::vector<std::string> dn_help = {"The remote identity of type DN (certificates)", "Field of the DN"};
  t.add(Mode::kNameMangler, "dn " + dn_fields, dn_help, field(&NameMangler::dn)).writes(1, line(&NameMangler::dn, "dn"));
  t.add(Mode::kNameMangler, "fqdn {all|domain|hostname}", {"The remote identity of type FQDN", "Part of the FQDN"},
        field(&NameMangler::fqdn)).writes(2, line(&NameMangler::fqdn, "fqdn"));
  t.add(Mode::kNameMangler, "email {all|domain|username}", {"The remote identity of type email", "Part of the address"},
        field(&NameMangler::email)).writes(3, line(&NameMangler::email, "email"));
  std::vector<std::string> eh = {"The remote EAP identity", "The whole identity"};
  auto eap = t.add(Mode::kNameMangler, "eap all", eh, field(&NameMangler::eap)).writes(4, line(&NameMangler::eap, "eap"));
  t.add(Mode::kNameMangler, "eap dn " + dn_fields, {eh[0], "The EAP identity is a DN", "Field of the DN"},
        field(&NameMangler::eap)).writes(eap);
  t.add(Mode::kNameMangler, "eap {prefix|suffix} delimiter WORD",
        {eh[0], "The part before (prefix) or after (suffix) the delimiter", "Delimiter", ". @ or \\"},
        [nm](C c, A a) -> Result<std::string> {
          if (a.negated) { nm(c).eap.clear(); return ok(); }
          const std::string& d = a.at(3);
          if (d != "." && d != "@" && d != "\\") return invalid("Delimiter must be one of . @ \\");
          nm(c).eap = a.at(1) + " delimiter " + d;
          return ok();
        })
      .writes(eap);
  add_mode_exits(t, Mode::kNameMangler);
}

void add_attribute_lists(CommandTable& t) {
  t.add(Mode::kConfig, "aaa attribute list WORD",
        {"Authentication, Authorization and Accounting.", "AAA attribute definitions", "AAA attribute list definitions",
         "Attribute list name"},
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(3);
          if (a.negated || a.defaulted) { c.model.aaa_attribute_lists.erase(n); return ok(); }
          c.model.aaa_attribute_lists[n];
          enter(c, Mode::kAaaAttributeList, n);
          return ok();
        })
      .writes(kAttributeLists, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, l] : s.model.aaa_attribute_lists) {
          out += "aaa attribute list " + n + "\n";
          s.sub(Mode::kAaaAttributeList, n, out);
          out += "!\n";
        }
      });
  t.add(Mode::kAaaAttributeList, "attribute type WORD LINE",
        {"Attribute", "Attribute type", "Attribute name (interface-config, dns-servers, banner ...)",
         "Attribute value (quoted when it has spaces)"},
        [](C c, A a) -> Result<std::string> {
          std::string v;
          for (size_t i = 3; i < a.size(); ++i) v += (i > 3 ? " " : "") + a.at(i);
          // IOS's trailing `protocol P` and `mandatory` keywords say nothing
          // keygate uses; the value is the quoted text or the words.
          if (!v.empty() && v.front() == '"') {
            auto end = v.find('"', 1);
            if (end == std::string::npos) return invalid("Unterminated quoted value");
            v = v.substr(1, end - 1);
          } else {
            for (const char* kw : {" protocol ", " mandatory"})
              if (auto p = v.find(kw); p != std::string::npos) v.erase(p);
          }
          if (v.empty()) return invalid("Incomplete command.");
          auto& l = c.model.aaa_attribute_lists[c.object];
          AaaAttribute x{a.at(2), v};
          std::erase(l, x);
          if (!a.negated) l.push_back(std::move(x));
          return ok();
        })
      .writes(1, [](const WriteScope& s, std::string& out) {
        for (const auto& x : s.model.aaa_attribute_lists.at(s.object))
          out += " attribute type " + x.name + " \"" + x.value + "\"\n";
      });
  add_mode_exits(t, Mode::kAaaAttributeList);
  t.add(Mode::kIkev2Authorization, "aaa attribute list WORD",
        {"AAA attribute", "AAA attribute list", "AAA attribute list", "Attribute list name"},
        [](C c, A a) {
          c.model.authorization_policies[c.object].aaa_attribute_list = a.negated ? "" : a.at(3);
          return ok();
        })
      .writes(50, [](const WriteScope& s, std::string& out) {
        if (auto& l = s.model.authorization_policies.at(s.object).aaa_attribute_list; !l.empty())
          out += " aaa attribute list " + l + "\n";
      });
}

void add_keyring_aaa(CommandTable& t) {
  // keyring aaa [list] LIST [name-mangler M] [password P]: seed 004 prints
  // both `keyring aaa AAAlist` and `keyring aaa list radius`.
  auto set = [](C c, A a) -> Result<std::string> {
    auto& p = c.model.profiles[c.object];
    if (a.negated) {
      p.keyring_aaa.clear();
      p.keyring_aaa_mangler.clear();
      p.keyring_aaa_password = Secret();
      return ok();
    }
    std::vector<std::string> w;  // LINE arrives as one word: split it
    for (size_t k = 2; k < a.size(); ++k) {
      std::istringstream in(a.at(k));
      for (std::string x; in >> x;) w.push_back(x);
    }
    size_t i = 0;
    if (w.at(i) == "list" && w.size() > 1 && w[1] != "name-mangler" && w[1] != "password") ++i;
    std::string list = w.at(i++), mangler;
    Secret password;
    while (i < w.size()) {
      if (w[i] == "name-mangler" && i + 1 < w.size()) {
        mangler = w[i + 1];
        i += 2;
      } else if (w[i] == "password" && i + 1 < w.size()) {
        std::string text = w[i + 1];
        for (size_t k = i + 2; k < w.size(); ++k) text += " " + w[k];
        auto key = c.config.key_from_config(text);
        if (!key) return std::unexpected(key.error());
        password = Secret(std::string_view(*key));
        break;
      } else {
        return invalid("Invalid input at '" + w[i] + "'");
      }
    }
    p.keyring_aaa = list;
    p.keyring_aaa_mangler = mangler;
    p.keyring_aaa_password = std::move(password);
    return ok();
  };
  std::vector<std::string> h = {"Keyring", "Keyring from AAA (RADIUS)", "AAA authorization method list"};
  t.add(Mode::kIkev2Profile, "keyring aaa WORD LINE", {h[0], h[1], h[2], "[name-mangler M] [password P]"}, set)
      .writes(profile_line::kKeyring, [](const WriteScope& s, std::string& out) {
        auto& p = s.model.profiles.at(s.object);
        if (p.keyring_aaa.empty()) return;
        out += " keyring aaa " + p.keyring_aaa;
        if (!p.keyring_aaa_mangler.empty()) out += " name-mangler " + p.keyring_aaa_mangler;
        if (!p.keyring_aaa_password.empty()) out += " password " + s.ctx.key(p.keyring_aaa_password);
        out += "\n";
      });
  t.add(Mode::kIkev2Profile, "keyring aaa WORD", {h[0], h[1], h[2]}, set)
      .writes(t.write_back_of(Mode::kIkev2Profile, "keyring aaa WORD LINE"));
}

}  // namespace

void register_mangler_commands(CommandTable& t) {
  add_mangler(t);
  add_attribute_lists(t);
  add_keyring_aaa(t);
}

}  // namespace kg::config
