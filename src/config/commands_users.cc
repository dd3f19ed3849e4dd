// Users, secrets and privilege levels: `username`, `enable secret`,
// `privilege exec level`, `aaa authentication login default local`, and in
// exec mode `enable`, `disable` and `show privilege`. Secrets are kept only
// as IOS type 9 hashes (crypto/password.h): a password typed in clear is
// hashed when the line is accepted and is never stored or printed.
#include <charconv>

#include <nlohmann/json.hpp>

#include "common/random.h"
#include "config/privilege.h"
#include "config/session.h"
#include "config/writer.h"
#include "crypto/password.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;


int number(const std::string& s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The secret after `secret`: "0 CLEAR", "9 $9$...", "$9$..." or "CLEAR" (the
// rest of the line). Returns the type 9 string.
Result<std::string> secret_from(std::string_view typed) {
  static SystemRandom rng;
  auto sp = typed.find(' ');
  std::string_view type = sp == std::string_view::npos ? "" : typed.substr(0, sp);
  std::string_view rest = sp == std::string_view::npos ? typed : typed.substr(sp + 1);
  if (type == "9" || (type.empty() && typed.starts_with("$9$"))) {
    std::string_view h = type.empty() ? typed : rest;
    if (!crypto::type9_valid(h)) return fail(Errc::kInvalidArgument, "Invalid encrypted secret: not a type 9 ($9$) string");
    return std::string(h);
  }
  if (type == "5" || type == "7" || type == "8")
    return fail(Errc::kInvalidArgument,
                "Type " + std::string(type) + " secrets are not supported: give the secret as type 0 (clear) or 9 (scrypt)");
  std::string_view clear = type == "0" ? rest : typed;
  if (clear.empty()) return fail(Errc::kInvalidArgument, "Incomplete command.");
  auto h = crypto::type9_new(clear, rng);
  if (h.empty()) return fail(Errc::kCrypto, "scrypt failed");
  return h;
}

// username NAME [privilege N] [algorithm-type scrypt] secret|password LINE
Result<std::string> username(C c, A a) {
  const std::string& name = a.at(1);
  if (a.negated) {
    if (c.model.users.erase(name) == 0) return fail(Errc::kNotFound, "No user " + name);
    return ok();
  }
  LocalUser u = c.model.users.contains(name) ? c.model.users.at(name) : LocalUser{};
  std::string warning;
  for (size_t i = 2; i < a.size(); ++i) {
    if (a.at(i) == "privilege") u.privilege = number(a.at(++i));
    else if (a.at(i) == "algorithm-type") ++i;  // scrypt: the only one kept
    else if (a.at(i) == "secret" || a.at(i) == "password") {
      auto h = secret_from(a.at(i + 1));
      if (!h) return std::unexpected(h.error());
      u.secret = *h;
      if (a.at(i) == "password")
        warning = "% Warning: keygate keeps no reversible password; stored as secret 9\n";
      break;
    }
  }
  c.model.users[name] = u;
  return ok(warning);
}

// enable [N]: a higher level needs the enable secret, typed without echo.
Result<std::string> enable(C c, A a) {
  if (!c.terminal) return ok();
  int target = a.size() > 1 ? number(a.at(1)) : kMaxPrivilege;
  if (target <= c.terminal->privilege) {
    c.terminal->privilege = target;
    return ok();
  }
  if (c.model.enable_secret.empty()) return fail(Errc::kState, "No password set");
  TerminalState* term = c.terminal;
  c.question = SecretQuestion{"Password: ", [term, target, hash = c.model.enable_secret](std::string_view s)
                                                -> Result<std::string> {
                                if (!crypto::type9_verify(s, hash)) return fail(Errc::kAuthFailed, "Access denied");
                                term->privilege = target;
                                return ok();
                              }};
  return ok();
}

Result<std::string> disable(C c, A a) {
  if (!c.terminal) return ok();
  int target = a.size() > 1 ? number(a.at(1)) : 1;
  if (target > c.terminal->privilege)
    return fail(Errc::kInvalidArgument, "New privilege level must be less than current privilege level");
  c.terminal->privilege = target;
  return ok();
}

}  // namespace

void register_users_commands(CommandTable& t) {
  const std::vector<std::string> hu = {"Establish User Name Authentication", "User name", "Set user privilege level",
                                       "User privilege level"};
  const std::string hs = "Specify the secret for the user", hl = "The secret: 0 CLEAR, 9 $9$..., or CLEAR";
  const std::string ha = "Encryption algorithm", hsc = "SCRYPT hashing algorithm";
  auto users = t.add(Mode::kConfig, "username WORD", {hu[0], hu[1]}, [](C c, A a) -> Result<std::string> {
    if (!a.negated) return fail(Errc::kInvalidArgument, "Incomplete command.");
    return username(c, a);
  }).writes(section::kPki + 5, [](const WriteScope& s, std::string& out) {
    for (const auto& [name, u] : s.model.users) {
      out += "username " + name;
      if (u.privilege != 1) out += " privilege " + std::to_string(u.privilege);
      out += u.secret.empty() ? "\n" : " secret 9 " + u.secret + "\n";
    }
    if (!s.model.users.empty()) out += "!\n";
  });
  t.add(Mode::kConfig, "username WORD privilege <0-15>", hu, username).writes(users);
  for (const char* kind : {"secret", "password"}) {
    std::string k = kind, hk = k == "secret" ? hs : "Specify the password for the user (stored as secret 9)";
    t.add(Mode::kConfig, "username WORD " + k + " LINE", {hu[0], hu[1], hk, hl}, username).writes(users);
    t.add(Mode::kConfig, "username WORD privilege <0-15> " + k + " LINE", {hu[0], hu[1], hu[2], hu[3], hk, hl},
          username).writes(users);
  }
  t.add(Mode::kConfig, "username WORD algorithm-type scrypt secret LINE", {hu[0], hu[1], ha, hsc, hs, hl}, username).writes(users);
  t.add(Mode::kConfig, "username WORD privilege <0-15> algorithm-type scrypt secret LINE",
        {hu[0], hu[1], hu[2], hu[3], ha, hsc, hs, hl}, username).writes(users);

  auto enable_secret = [](C c, A a) -> Result<std::string> {
    if (a.negated) { c.model.enable_secret.clear(); return ok(); }
    auto h = secret_from(a.words.back());
    if (!h) return std::unexpected(h.error());
    c.model.enable_secret = *h;
    return ok();
  };
  const std::string he = "Modify enable password parameters", hes = "Assign the privileged level secret";
  auto enable_line = t.add(Mode::kConfig, "enable secret", {he, hes}, [](C c, A a) -> Result<std::string> {
    if (!a.negated) return fail(Errc::kInvalidArgument, "Incomplete command.");
    c.model.enable_secret.clear();
    return ok();
  }).writes(section::kHostname + 1, [](const WriteScope& s, std::string& out) {
    if (!s.model.enable_secret.empty()) out += "enable secret 9 " + s.model.enable_secret + "\n!\n";
  });
  t.add(Mode::kConfig, "enable secret LINE", {he, hes, hl}, enable_secret).writes(enable_line);
  t.add(Mode::kConfig, "enable algorithm-type scrypt secret LINE", {he, ha, hsc, hes, hl}, enable_secret).writes(enable_line);

  t.add(Mode::kConfig, "privilege exec level <0-15> LINE",
        {"Command privilege parameters", "Exec mode", "Set privilege level of command", "Privilege level",
         "Initial keywords of the command to modify"},
        [](C c, A a) -> Result<std::string> {
          auto words = c.config.table().expand(Mode::kExec, a.at(4));
          if (!words) return std::unexpected(words.error());
          std::string key;
          for (const auto& w : *words) key += (key.empty() ? "" : " ") + w;
          if (a.negated) c.model.exec_privileges.erase(key);
          else c.model.exec_privileges[key] = number(a.at(3));
          return ok();
        })
      .writes(section::kRoute + 8, [](const WriteScope& s, std::string& out) {
        for (const auto& [words, level] : s.model.exec_privileges)
          out += "privilege exec level " + std::to_string(level) + " " + words + "\n";
      });
  t.add(Mode::kConfig, "aaa authentication login default local",
        {"Authentication, Authorization and Accounting.", "Authentication configurations parameters.",
         "Set authentication lists for logins.", "The default authentication list.", "Use local username authentication."},
        [](C c, A a) -> Result<std::string> {
          c.model.aaa_login_local = !a.negated;
          return ok();
        })
      .writes(section::kAaa + 1, [](const WriteScope& s, std::string& out) {
        if (s.model.aaa_login_local) out += "aaa authentication login default local\n!\n";
      });

  t.add(Mode::kExec, "enable", {"Turn on privileged commands"}, enable);
  t.add(Mode::kExec, "enable <0-15>", {"Turn on privileged commands", "Enable level"}, enable);
  t.add(Mode::kExec, "disable", {"Turn off privileged commands"}, disable);
  t.add(Mode::kExec, "disable <0-15>", {"Turn off privileged commands", "Privilege level to go to"}, disable);
  t.add(Mode::kExec, "show privilege", {"Show running system information", "Show current privilege level"},
        [](C c, A a) -> Result<std::string> {
          int level = c.terminal ? c.terminal->privilege : kMaxPrivilege;
          if (a.json) {
            nlohmann::json j{{"privilege", level}};
            if (c.terminal && !c.terminal->user.empty()) j["user"] = c.terminal->user;
            return ok(j.dump() + "\n");
          }
          return ok("Current privilege level is " + std::to_string(level) + "\n");
        }, false, true);
}

}  // namespace kg::config
