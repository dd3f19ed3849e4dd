// Hardware-token configuration (seed 000): crypto pki token NAME|default
// removal timeout / user-pin / max-retries / module, and crypto key storage.
// NAME is a token's label, its slot name (usbtoken0) or a pkcs11: URI;
// `default` applies to every token without its own line. The exec commands
// (login, change-pin, show crypto pki token ...) act on the daemon's tokens
// and are registered by keygated (src/daemon/token_commands.cc).
#include "config/pin_policy.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

const std::vector<std::string> kTokenHelp = {"Encryption module", "Public Key components",
                                             "Configure cryptographic token",
                                             "Token name: label, usbtokenN, pkcs11: URI, or default"};

std::vector<std::string> token_help(std::initializer_list<std::string> more) {
  auto h = kTokenHelp;
  h.insert(h.end(), more);
  return h;
}

// Drops a token's entry once nothing is set in it.
void tidy(Model& m, const std::string& name) {
  auto it = m.tokens.find(name);
  if (it == m.tokens.end()) return;
  auto& t = it->second;
  if (!t.removal_timeout && t.user_pin.empty() && !t.max_retries && t.module.empty() && !t.pin_policy)
    m.tokens.erase(it);
}

}  // namespace

void register_token_commands(CommandTable& t) {
  // One writer for every token line, token by token, before the trustpoints
  // whose keys may live on them.
  auto lines = t.add(Mode::kConfig, "crypto pki token WORD removal timeout <0-480>",
                     token_help({"Removal of the token", "Seconds before the token's keys and their IPsec sessions are "
                                 "deactivated", "Seconds (0: at once)"}),
                     [](C c, A a) {
                       const std::string& n = a.at(3);
                       if (a.negated || a.defaulted) c.model.tokens[n].removal_timeout.reset();
                       else c.model.tokens[n].removal_timeout = std::stoi(a.at(6));
                       tidy(c.model, n);
                       return ok();
                     })
                   .writes(section::kPki - 10, [](const WriteScope& s, std::string& out) {
                     for (const auto& [n, tc] : s.model.tokens) {
                       std::string head = "crypto pki token " + n;
                       if (!tc.module.empty()) out += head + " module " + tc.module + "\n";
                       if (tc.removal_timeout) out += head + " removal timeout " + std::to_string(*tc.removal_timeout) + "\n";
                       if (tc.max_retries) out += head + " max-retries " + std::to_string(*tc.max_retries) + "\n";
                       if (tc.pin_policy) out += head + " pin-policy " + pin_policy_name(*tc.pin_policy) + "\n";
                       if (!tc.user_pin.empty()) out += head + " user-pin " + s.ctx.key(tc.user_pin) + "\n";
                     }
                     if (!s.model.tokens.empty()) out += "!\n";
                   });
  t.add(Mode::kConfig, "crypto pki token WORD user-pin LINE",
        token_help({"PIN to log in to the token automatically when it is inserted",
                    "The PIN: 0 CLEAR, 6 SEALED, or CLEAR (shown sealed)"}),
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(3);
          if (a.negated || a.defaulted) {
            c.model.tokens[n].user_pin = Secret();
            tidy(c.model, n);
            return ok();
          }
          auto pin = c.config.key_from_config(a.at(5));
          if (!pin) return std::unexpected(pin.error());
          if (pin->empty()) return fail(Errc::kInvalidArgument, "Incomplete command.");
          c.model.tokens[n].user_pin = Secret(std::string_view(*pin));
          std::fill(pin->begin(), pin->end(), '\0');
          return ok();
        })
      .writes(lines);
  t.add(Mode::kConfig, "crypto pki token WORD user-pin", token_help({"Remove the automatic login PIN"}),
        [](C c, A a) -> Result<std::string> {
          if (!a.negated && !a.defaulted) return fail(Errc::kInvalidArgument, "Incomplete command.");
          c.model.tokens[a.at(3)].user_pin = Secret();
          tidy(c.model, a.at(3));
          return ok();
        })
      .writes(lines);
  t.add(Mode::kConfig, "crypto pki token WORD max-retries <1-25>",
        token_help({"Wrong user PINs before keygate blocks the token (default 10)", "Number of wrong PINs"}),
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated || a.defaulted) c.model.tokens[n].max_retries.reset();
          else c.model.tokens[n].max_retries = std::stoi(a.at(5));
          tidy(c.model, n);
          return ok();
        })
      .writes(lines);
  // Seed 002 §3's composition rule for new user PINs (pin_policy.h); none
  // is the default and may be set explicitly under a name to override default.
  // Named for what it is (the eToken rule), beside max-retries and user-pin
  // under `crypto pki token NAME|default`, as IOS puts a token's settings.
  t.add(Mode::kConfig, "crypto pki token WORD pin-policy {etoken|none}",
        token_help({"Composition rule for new user PINs (change-pin, admin reset-pin)",
                    "eToken rule: 8 or more characters, 3 of 4 classes (digits, upper, lower, special), no } ] ="}),
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated || a.defaulted) c.model.tokens[n].pin_policy.reset();
          else c.model.tokens[n].pin_policy = pin_policy_from(a.at(5));
          tidy(c.model, n);
          return ok();
        })
      .writes(lines);
  t.add(Mode::kConfig, "crypto pki token WORD pin-policy", token_help({"Remove the PIN composition rule"}),
        [](C c, A a) -> Result<std::string> {
          if (!a.negated && !a.defaulted) return fail(Errc::kInvalidArgument, "Incomplete command.");
          c.model.tokens[a.at(3)].pin_policy.reset();
          tidy(c.model, a.at(3));
          return ok();
        })
      .writes(lines);
  t.add(Mode::kConfig, "crypto pki token WORD module LINE",
        token_help({"PKCS#11 module that holds this token (when p11-kit does not register it)",
                    "Path of the module (.so)"}),
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(3);
          if (n == "default") return fail(Errc::kInvalidArgument, "A module is given for a named token, not default");
          if (a.negated || a.defaulted) c.model.tokens[n].module.clear();
          else if (a.at(5).empty() || a.at(5).front() != '/')
            return fail(Errc::kInvalidArgument, "The module is an absolute path");
          else c.model.tokens[n].module = a.at(5);
          tidy(c.model, n);
          return ok();
        })
      .writes(lines);
  t.add(Mode::kConfig, "crypto key storage WORD",
        {"Encryption module", "Long term key operations", "Default storage location for new keys",
         "Token name (label, usbtokenN or pkcs11: URI)"},
        [](C c, A a) {
          if (a.negated || a.defaulted) c.model.key_storage.clear();
          else c.model.key_storage = a.at(3);
          return ok();
        })
      .writes(section::kPki - 9, [](const WriteScope& s, std::string& out) {
        if (!s.model.key_storage.empty()) out += "crypto key storage " + s.model.key_storage + "\n!\n";
      });
}

}  // namespace kg::config
