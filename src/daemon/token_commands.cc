#include "daemon/token_commands.h"

#include <algorithm>

#include "common/bytes.h"

namespace kg::daemon {
namespace {

using config::CmdContext;
using config::Mode;
using config::ParsedArgs;
using config::SecretQuestion;

// A PIN typed on the line, as a Secret; the caller's copy is the parser's.
Secret pin_of(const std::string& word) { return Secret(std::string_view(word)); }

std::vector<std::string> help(std::initializer_list<std::string> more) {
  std::vector<std::string> h = {"Encryption module", "Public Key components", "Cryptographic token",
                                "Token name: label, usbtokenN or pkcs11: URI"};
  h.insert(h.end(), more);
  return h;
}

// Runs `act` with the PIN at word i, or asks for it without echo.
using PinAction = std::function<Result<std::string>(const Secret&)>;
Result<std::string> with_pin(CmdContext& c, const ParsedArgs& a, size_t i, const std::string& prompt, PinAction act) {
  if (a.size() > i) return act(pin_of(a.at(i)));
  c.question = SecretQuestion{prompt, [act](std::string_view typed) { return act(Secret(typed)); }};
  return std::string();
}

// Asks for a new PIN and then for it again; `act` runs with it when both
// match. The PINs travel only as answers to secret prompts, so any printable
// character (a space, '|', '?') may be part of them.
SecretQuestion new_pin_question(const std::string& what, PinAction act) {
  SecretQuestion q{"New " + what + ": ", nullptr};
  q.then = [act, what](std::string_view typed) -> Result<SecretQuestion> {
    Secret fresh(typed);
    return SecretQuestion{"Confirm new " + what + ": ", [act, fresh](std::string_view again) -> Result<std::string> {
                            if (!fresh.equals(as_bytes(again)))
                              return fail(Errc::kInvalidArgument,
                                          "The new PIN and its confirmation differ; the PIN was not changed");
                            return act(fresh);
                          }};
  };
  return q;
}

}  // namespace

void register_token_commands(config::Config& config, Tokens& tokens) {
  auto& t = config.table();
  Tokens* tk = &tokens;
  auto login = [tk](CmdContext& c, const ParsedArgs& a) {
    std::string name = a.at(3);
    return with_pin(c, a, 5, "Enter PIN: ", [tk, name](const Secret& p) { return tk->login(name, p); });
  };
  t.add(Mode::kExec, "crypto pki token WORD login", help({"PIN to access token (asked without echo)"}), login);
  t.add(Mode::kExec, "crypto pki token WORD login WORD", help({"PIN to access token", "PIN"}), login);
  t.add(Mode::kExec, "crypto pki token WORD logout", help({"Log out of the token"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->logout(a.at(3)); });
  // change-pin asks for the current PIN, the new one and the new one again
  // (what the web page answers); change-pin NEW asks for the current PIN
  // only; change-pin OLD NEW asks nothing.
  t.add(Mode::kExec, "crypto pki token WORD change-pin",
        help({"Change the user PIN (the current and new PINs are asked without echo)"}),
        [tk](CmdContext& c, const ParsedArgs& a) {
          std::string name = a.at(3);
          SecretQuestion q{"Current PIN: ", nullptr};
          q.then = [tk, name](std::string_view typed) -> Result<SecretQuestion> {
            Secret old(typed);
            return new_pin_question("PIN", [tk, name, old](const Secret& fresh) { return tk->change_pin(name, old, fresh); });
          };
          c.question = std::move(q);
          return Result<std::string>(std::string());
        });
  t.add(Mode::kExec, "crypto pki token WORD change-pin WORD", help({"New PIN to access token", "New PIN"}),
        [tk](CmdContext& c, const ParsedArgs& a) {
          std::string name = a.at(3);
          Secret fresh = pin_of(a.at(5));
          c.question = SecretQuestion{"Current PIN: ", [tk, name, fresh](std::string_view old) {
                                        return tk->change_pin(name, Secret(old), fresh);
                                      }};
          return Result<std::string>(std::string());
        });
  t.add(Mode::kExec, "crypto pki token WORD change-pin WORD WORD", help({"New PIN to access token", "Current PIN", "New PIN"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->change_pin(a.at(3), pin_of(a.at(5)), pin_of(a.at(6))); });
  auto admin_login = [tk](CmdContext& c, const ParsedArgs& a) {
    std::string name = a.at(3);
    return with_pin(c, a, 6, "Enter admin PIN: ", [tk, name](const Secret& p) { return tk->admin_login(name, p); });
  };
  t.add(Mode::kExec, "crypto pki token WORD admin login",
        help({"Access to administrative functions", "Log in as the token's admin (PIN asked without echo)"}), admin_login);
  t.add(Mode::kExec, "crypto pki token WORD admin login WORD",
        help({"Access to administrative functions", "Log in as the token's admin", "Admin PIN"}), admin_login);
  t.add(Mode::kExec, "crypto pki token WORD admin logout", help({"Access to administrative functions", "Log the admin out"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->admin_logout(a.at(3)); });
  t.add(Mode::kExec, "crypto pki token WORD admin change-pin WORD",
        help({"Access to administrative functions", "New admin PIN (the current one is asked)", "New admin PIN"}),
        [tk](CmdContext& c, const ParsedArgs& a) {
          std::string name = a.at(3);
          Secret fresh = pin_of(a.at(6));
          c.question = SecretQuestion{"Current admin PIN: ", [tk, name, fresh](std::string_view old) {
                                        return tk->admin_change_pin(name, Secret(old), fresh);
                                      }};
          return Result<std::string>(std::string());
        });
  t.add(Mode::kExec, "crypto pki token WORD admin reset-pin",
        help({"Access to administrative functions",
              "Set a new user PIN and unblock the token (the PIN is asked without echo)"}),
        [tk](CmdContext& c, const ParsedArgs& a) {
          std::string name = a.at(3);
          c.question = new_pin_question("user PIN", [tk, name](const Secret& fresh) { return tk->admin_reset_pin(name, fresh); });
          return Result<std::string>(std::string());
        });
  t.add(Mode::kExec, "crypto pki token WORD admin reset-pin WORD",
        help({"Access to administrative functions", "Set a new user PIN and unblock the token", "New user PIN"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->admin_reset_pin(a.at(3), pin_of(a.at(6))); });
  t.add(Mode::kExec, "crypto pki token WORD label WORD", help({"New label for token", "Label"}),
        [](CmdContext&, const ParsedArgs&) -> Result<std::string> {
          // PKCS#11 (v2.40 and v3.0) has no call that changes a token's
          // label: CKA_LABEL of objects can change, the token's label only
          // at C_InitToken, which erases every key. Nothing honest to do.
          return fail(Errc::kUnsupported,
                      "A PKCS#11 token's label is set only when the token is initialized (C_InitToken, which "
                      "erases its keys); keygate cannot relabel it. Name it by its slot (usbtokenN) or a pkcs11: "
                      "URI (serial=...) instead");
        });
  t.add(Mode::kExec, "crypto pki token WORD lock", help({"Log out and lock the token (no automatic login)"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->lock(a.at(3)); });
  t.add(Mode::kExec, "crypto pki token WORD unlock", help({"Log in the token with its configured user-pin"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->unlock(a.at(3), Secret()); });
  t.add(Mode::kExec, "crypto pki token WORD unlock WORD", help({"Unlock and log in the token", "PIN"}),
        [tk](CmdContext&, const ParsedArgs& a) { return tk->unlock(a.at(3), pin_of(a.at(5))); });

  const std::vector<std::string> hs = {"Show running system information", "Encryption module", "Public Key components",
                                       "Cryptographic tokens", "Token name: label, usbtokenN or pkcs11: URI",
                                       "Slot, module and PIN flags too"};
  auto show = [tk](CmdContext&, const ParsedArgs& a) -> Result<std::string> {
    std::string name = a.size() > 4 ? a.at(4) : "";
    bool detail = a.size() > 5 || name == "detail";
    if (name == "detail") name.clear();
    tk->ensure_started();
    return tk->show(name, detail);
  };
  t.add(Mode::kExec, "show crypto pki token", {hs[0], hs[1], hs[2], hs[3]}, show);
  t.add(Mode::kExec, "show crypto pki token WORD", {hs[0], hs[1], hs[2], hs[3], hs[4]}, show);
  t.add(Mode::kExec, "show crypto pki token WORD detail", hs, show);
}

}  // namespace kg::daemon
